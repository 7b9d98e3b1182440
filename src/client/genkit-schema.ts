// Genkit's schema helpers (`genkit/schema`), loaded on first use: ajv and zod-to-json-schema are most of the light
// entry's import time. The ESM build substitutes genkit-schema.esm.ts, so an ESM app gets genkit's ESM build.
// Without genkit installed (a thin caller, see genkit-error.ts), the light entries check input with
// json-schema-check.ts instead.
import type { z } from 'genkit';
import type { FieldError } from './json-schema-check';

/** What input checks need: Genkit's own helpers, or the stand-ins of a process without genkit. */
export interface SchemaTools {
  /** Throws INVALID_ARGUMENT (a ValidationError) unless `data` matches the zod 3 schema or the JSON Schema. */
  parseSchema(data: unknown, options: { schema?: z.ZodTypeAny; jsonSchema?: object }): unknown;
  ValidationError: new (options: { data: unknown; errors: FieldError[]; schema: unknown }) => Error;
  /** Genkit converts zod 3 schemas to JSON Schema; without it they are checked by zod's own validator. */
  convertsZod3: boolean;
}

let tools: SchemaTools | undefined;

/**
 * Genkit's schema helpers when genkit is installed, else the ajv-based stand-ins. A promise because the ESM
 * build's variant can only load them with a dynamic import.
 */
export function schemaTools(): Promise<SchemaTools> {
  if (!tools) {
    let installed = true;
    try {
      require.resolve('genkit/schema');
    } catch {
      installed = false;
    }
    if (installed) {
      const { parseSchema, ValidationError } = require('genkit/schema') as typeof import('genkit/schema');
      tools = { parseSchema, ValidationError, convertsZod3: true };
    } else {
      tools = (require('./json-schema-check') as typeof import('./json-schema-check')).jsonSchemaTools;
    }
  }
  return Promise.resolve(tools);
}
