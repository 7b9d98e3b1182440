// The ESM build's genkit-error.ts: an ESM app's `GenkitError` is the class of genkit's ESM build, and errors this
// package throws must be instances of it. Loaded as genkit-error.ts loads the CommonJS one, without the `genkit`
// root (the light entries stay light): genkit's ESM root exports the class of `@genkit-ai/core/lib/error.mjs`, the
// same module (same file, so same URL) imported here by its path. The import is dynamic (a top-level await), so
// that without genkit installed (a thin caller) the entry still loads, with the stand-in.
import type { GenkitError as GenkitErrorType } from 'genkit';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GenkitErrorStandIn } from './genkit-error-stand-in';

async function loadGenkitError(): Promise<typeof GenkitErrorType> {
  let genkitMain: string;
  try {
    genkitMain = createRequire(import.meta.url).resolve('genkit');
  } catch {
    return GenkitErrorStandIn as unknown as typeof GenkitErrorType;
  }
  try {
    const coreSchema = createRequire(genkitMain).resolve('@genkit-ai/core/schema');
    const { GenkitError } = (await import(pathToFileURL(join(dirname(coreSchema), 'error.mjs')).href)) as {
      GenkitError?: typeof GenkitErrorType;
    };
    if (typeof GenkitError === 'function' && GenkitError.name === 'GenkitError') return GenkitError;
  } catch {
    // fall through
  }
  const { ValidationError } = await import('genkit/schema');
  return Object.getPrototypeOf(ValidationError) as typeof GenkitErrorType;
}

/** Genkit's `GenkitError` class (the ESM build's, as `import { GenkitError } from 'genkit'` gives it), or the stand-in. */
export const GenkitError = await loadGenkitError();
export type GenkitError = GenkitErrorType;
