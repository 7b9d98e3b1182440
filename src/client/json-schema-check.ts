// Input checks for callers that run without genkit (see genkit-error.ts): a JSON Schema checked with ajv and
// ajv-formats, the validator and formats Genkit itself uses, so a schema accepts and refuses what it would under
// Genkit, with the same per-field details (`{ path, message }`, `path` dotted, `(root)` for the value itself).
// Loaded on first use only: a light entry's cold start does not pay for ajv.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { GenkitError } from './genkit-error';
import type { SchemaTools } from './genkit-schema';

/** One failing field, as Genkit's ValidationError lists it. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * INVALID_ARGUMENT with `detail: { errors, schema }`, the shape of Genkit's ValidationError (its message lists
 * the failing fields, not the data).
 */
export class ValidationError extends GenkitError {
  constructor({ errors, schema }: { data?: unknown; errors: FieldError[]; schema: unknown }) {
    const fields = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    super({ status: 'INVALID_ARGUMENT', message: `Schema validation failed: ${fields}`, detail: { errors, schema } });
  }
}

type AjvInstance = { compile(schema: object): ValidateFunction };
let ajv: AjvInstance | undefined;
const validators = new WeakMap<object, ValidateFunction>();

function validatorFor(jsonSchema: object): ValidateFunction {
  let validate = validators.get(jsonSchema);
  if (!validate) {
    if (!ajv) {
      const Ajv = (require('ajv') as typeof import('ajv')).default;
      const addFormats = (require('ajv-formats') as typeof import('ajv-formats')).default;
      ajv = new Ajv();
      addFormats(ajv as Parameters<typeof addFormats>[0]);
    }
    validate = ajv.compile(jsonSchema);
    validators.set(jsonSchema, validate);
  }
  return validate;
}

/** Throws {@link ValidationError} unless `data` matches `jsonSchema`. */
export function checkJsonSchema(data: unknown, jsonSchema: object): void {
  const validate = validatorFor(jsonSchema);
  if (validate(data)) return;
  throw new ValidationError({ data, errors: (validate.errors ?? []).map(fieldError), schema: jsonSchema });
}

function fieldError(error: ErrorObject): FieldError {
  return { path: error.instancePath.slice(1).replace(/\//g, '.') || '(root)', message: error.message ?? 'is invalid' };
}

/** The schema tools of a process without genkit (genkit-schema.ts): JSON Schemas only, checked here. */
export const jsonSchemaTools: SchemaTools = {
  parseSchema(data, { jsonSchema }) {
    if (!jsonSchema) throw new TypeError('genkitx-temporal: without genkit only JSON Schemas are checked here');
    checkJsonSchema(data, jsonSchema);
    return data;
  },
  ValidationError,
  convertsZod3: false,
};
