// The ESM build's genkit-schema.ts: the ESM entry loads genkit anyway, and must load its ESM build.
import * as schema from 'genkit/schema';
import type { SchemaTools } from './genkit-schema';

/** `genkit/schema` (genkit's ESM build). */
export function genkitSchema(): typeof import('genkit/schema') {
  return schema;
}

/** Genkit's schema helpers (the ESM entries need genkit). */
export function schemaTools(): SchemaTools {
  return { parseSchema: schema.parseSchema, ValidationError: schema.ValidationError, convertsZod3: true };
}
