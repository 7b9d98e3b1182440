// The schemas a caller validates flow input with: zod 3 (Genkit's own), zod 4, or any other Standard Schema
// (https://standardschema.dev). Typed through the `~standard` property they all carry; checked the way Genkit checks
// a flow's input (its JSON Schema, with Genkit's validator), so the error details are the same whichever zod made
// the schema. Genkit converts zod 3 only: a zod 4 schema given to it becomes `{}`, which accepts anything.
// Without genkit installed (a thin caller), JSON Schemas are checked with the same validator (ajv) and zod 3 schemas
// by zod's own Standard Schema validator (genkit-schema.ts).
import type { z } from 'genkit';
import { schemaTools } from './genkit-schema';
import type { FieldError } from './json-schema-check';

/**
 * The part of a Standard Schema (zod ≥ 3.24, zod 4, valibot, arktype, …) this library uses: its `~standard`
 * validator, its types, and (zod ≥ 4.2) its JSON Schema converter.
 */
export interface StandardSchemaLike<Output = unknown> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => unknown;
    readonly types?: { readonly input: unknown; readonly output: Output } | undefined;
  };
}

/** A schema a `flowRef` accepts: a zod 3 schema (also one older than Standard Schema) or a Standard Schema. */
export type FlowSchema = z.ZodTypeAny | StandardSchemaLike<any>;

/** The type a schema describes (zod's `z.infer`, Standard Schema's output type); `any` for the default. */
export type SchemaOutput<S> = S extends z.ZodTypeAny
  ? z.infer<S>
  : S extends { readonly '~standard': { readonly types?: infer T } }
    ? NonNullable<T> extends { readonly output: infer O }
      ? O
      : unknown
    : unknown;

interface StandardIssue {
  message: string;
  path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
}

interface StandardProps {
  vendor: string;
  validate(value: unknown): { issues?: readonly StandardIssue[] } | Promise<{ issues?: readonly StandardIssue[] }>;
  jsonSchema?: { input(options: { target: string }): Record<string, unknown> };
}

/** JSON Schema made from a schema, by schema object: made once, so Genkit's validator compiles it once too. */
const derived = new WeakMap<object, Record<string, unknown> | null>();

/**
 * Throws Genkit's ValidationError (INVALID_ARGUMENT, `detail.errors` listing `{ path, message }` per field) unless
 * `data` matches. A zod 3 schema and an explicit JSON Schema go to Genkit as they always did; a Standard Schema that
 * can describe itself as JSON Schema (zod ≥ 4.2) is checked through that JSON Schema by Genkit; any other Standard
 * Schema (older zod 4, other libraries, a zod 4 schema JSON Schema cannot express such as `z.date()`) by its own
 * `~standard.validate`.
 */
export async function validateWithSchema(
  data: unknown,
  schema: FlowSchema | undefined,
  jsonSchema: object | undefined,
): Promise<void> {
  const { parseSchema, ValidationError, convertsZod3 } = await schemaTools();
  if (jsonSchema) {
    parseSchema(data, { jsonSchema });
    return;
  }
  if (!schema) return;
  if (isZod3(schema) && convertsZod3) {
    parseSchema(data, { schema });
    return;
  }
  assertFlowSchema('inputSchema', schema);
  const standard = (schema as { '~standard'?: StandardProps })['~standard'];
  if (!standard) {
    // zod before 3.24 has no Standard Schema validator; only Genkit's converter can check it.
    throw new TypeError(
      'genkitx-temporal: checking a zod 3 schema older than zod 3.24 needs genkit installed (npm i genkit), or zod ≥ 3.24',
    );
  }
  const fromSchema = jsonSchemaOf(schema, standard);
  if (fromSchema) {
    parseSchema(data, { jsonSchema: fromSchema });
    return;
  }
  const result = await standard.validate(data);
  if (result.issues?.length) {
    throw new ValidationError({ data, errors: result.issues.map(fieldError), schema: { vendor: standard.vendor } });
  }
}

/** Throws a TypeError, when a flowRef is made, for a schema this library cannot check or type. */
export function assertFlowSchema(field: string, schema: unknown): void {
  if (schema === undefined) return;
  const ok =
    !!schema &&
    typeof schema === 'object' &&
    (isZod3(schema) ||
      typeof (schema as { '~standard'?: { validate?: unknown } })['~standard']?.validate === 'function');
  if (!ok) {
    throw new TypeError(
      `genkitx-temporal: flowRef's ${field} must be a zod schema (zod 3 or 4) or implement Standard Schema (\`~standard\`)`,
    );
  }
}

/** zod 3 schemas have `_def` and no `_zod` (zod 4 schemas have both). */
function isZod3(schema: object): schema is z.ZodTypeAny {
  return '_def' in schema && !('_zod' in schema);
}

function jsonSchemaOf(schema: object, standard: StandardProps): Record<string, unknown> | undefined {
  const known = derived.get(schema);
  if (known !== undefined) return known ?? undefined;
  let made: Record<string, unknown> | null = null;
  if (typeof standard.jsonSchema?.input === 'function') {
    try {
      // draft-07: the draft Genkit's validator (ajv) speaks without extra set-up.
      made = standard.jsonSchema.input({ target: 'draft-07' });
    } catch {
      made = null; // not expressible in JSON Schema: the schema's own validator decides
    }
  }
  derived.set(schema, made);
  return made ?? undefined;
}

function fieldError(issue: StandardIssue): FieldError {
  const path = (issue.path ?? [])
    .map((segment) => String(typeof segment === 'object' && segment !== null ? segment.key : segment))
    .join('.');
  return { path: path || '(root)', message: issue.message };
}
