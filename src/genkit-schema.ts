// Genkit's schema helpers (`genkit/schema`), loaded on first use: ajv and zod-to-json-schema are most of the light
// entry's import time. The ESM build substitutes genkit-schema.esm.ts, so an ESM app gets genkit's ESM build.

/** `genkit/schema`, loaded now. */
export function genkitSchema(): typeof import('genkit/schema') {
  return require('genkit/schema') as typeof import('genkit/schema');
}
