// The ESM build's genkit-schema.ts: the same choice, made with dynamic imports, so the light entries load genkit's
// ESM build of `genkit/schema` (not its CommonJS one), and only on first use.
import { createRequire } from 'node:module';
import type { SchemaTools } from './genkit-schema';

let tools: Promise<SchemaTools> | undefined;

/** See genkit-schema.ts. */
export function schemaTools(): Promise<SchemaTools> {
  tools ??= load();
  return tools;
}

async function load(): Promise<SchemaTools> {
  try {
    createRequire(import.meta.url).resolve('genkit/schema');
  } catch {
    return (await import('./json-schema-check')).jsonSchemaTools;
  }
  const { parseSchema, ValidationError } = await import('genkit/schema');
  return { parseSchema, ValidationError, convertsZod3: true };
}
