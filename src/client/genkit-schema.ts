// Genkit's schema helpers (`genkit/schema`), loaded on first use: ajv and zod-to-json-schema are most of the light
// entry's import time. The ESM build substitutes genkit-schema.esm.ts, so an ESM app gets genkit's ESM build.
// Without genkit installed (a thin caller, see genkit-error.ts), the light entries check input with
// json-schema-check.ts instead.
import type { z } from 'genkit';
import type { FieldError } from './json-schema-check';

/** `genkit/schema`, loaded now. */
export function genkitSchema(): typeof import('genkit/schema') {
  return require('genkit/schema') as typeof import('genkit/schema');
}

/** What input checks need: Genkit's own helpers, or the stand-ins of a process without genkit. */
export interface SchemaTools {
  /** Throws INVALID_ARGUMENT (a ValidationError) unless `data` matches the zod 3 schema or the JSON Schema. */
  parseSchema(data: unknown, options: { schema?: z.ZodTypeAny; jsonSchema?: object }): unknown;
  ValidationError: new (options: { data: unknown; errors: FieldError[]; schema: unknown }) => Error;
  /** Genkit converts zod 3 schemas to JSON Schema; without it they are checked by zod's own validator. */
  convertsZod3: boolean;
}

let tools: SchemaTools | undefined;

/** Genkit's schema helpers when genkit is installed, else the ajv-based stand-ins. */
export function schemaTools(): SchemaTools {
  if (tools) return tools;
  let installed = true;
  try {
    require.resolve('genkit/schema');
  } catch {
    installed = false;
  }
  if (installed) {
    const { parseSchema, ValidationError } = genkitSchema();
    tools = { parseSchema, ValidationError, convertsZod3: true };
  } else {
    const { checkJsonSchema, ValidationError } = require('./json-schema-check') as typeof import('./json-schema-check');
    tools = {
      parseSchema(data, { jsonSchema }) {
        if (!jsonSchema) throw new TypeError('genkitx-temporal: without genkit only JSON Schemas are checked here');
        checkJsonSchema(data, jsonSchema);
        return data;
      },
      ValidationError,
      convertsZod3: false,
    };
  }
  return tools;
}
