// Genkit's GenkitError class without loading the `genkit` root (registry, tracing, OpenTelemetry: about 870
// modules) or even `genkit/schema` (ajv, zod-to-json-schema: about 190). The class lives in
// `@genkit-ai/core/lib/error.js`, which needs only zod; loading that file by its path yields the very class
// `genkit` exports (same CommonJS module), so `instanceof GenkitError` keeps working. If a Genkit release
// moves the file, fall back to the parent class of `genkit/schema`'s ValidationError (same class, heavier).
//
// Without genkit installed at all (a thin caller: a Firebase functions codebase or a front door that starts runs by
// flowRef, where installing genkit would add about 250 MB through its optional dependencies), the light entries use
// a stand-in with Genkit's name, fields and JSON; code recognises both by name and status (`isGenkitError`), as it
// must anyway for Genkit's two builds.
import type { GenkitError as GenkitErrorType } from 'genkit';
import { dirname, join } from 'node:path';
import { GenkitErrorStandIn } from './genkit-error-stand-in';

function loadGenkitError(): typeof GenkitErrorType {
  let genkitMain: string;
  try {
    genkitMain = require.resolve('genkit');
  } catch {
    return GenkitErrorStandIn as unknown as typeof GenkitErrorType;
  }
  try {
    const coreSchema = require.resolve('@genkit-ai/core/schema', { paths: [dirname(genkitMain)] });
    const { GenkitError } = require(join(dirname(coreSchema), 'error.js')) as { GenkitError?: typeof GenkitErrorType };
    if (typeof GenkitError === 'function' && GenkitError.name === 'GenkitError') return GenkitError;
  } catch {
    // fall through
  }
  const { ValidationError } = require('genkit/schema') as typeof import('genkit/schema');
  return Object.getPrototypeOf(ValidationError) as typeof GenkitErrorType;
}

/**
 * Genkit's `GenkitError` class (the CommonJS build's, as `require('genkit')` exports it), or a stand-in of the
 * same shape when genkit is not installed.
 */
export const GenkitError = loadGenkitError();
export type GenkitError = GenkitErrorType;
