// The ESM build's genkit-schema.ts: the ESM entry loads genkit anyway, and must load its ESM build.
import * as schema from 'genkit/schema';

/** `genkit/schema` (genkit's ESM build). */
export function genkitSchema(): typeof import('genkit/schema') {
  return schema;
}
