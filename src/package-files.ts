// Modules of this package that other code loads by file path: Temporal's worker require()s the workflow code and
// the failure converter, and its bundler (webpack) reads them, so they must be CommonJS files of this package.
// The CommonJS build finds them beside itself; the ESM build has its own variant (package-files.esm.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Path of this package's module `relative` (e.g. `'codec/failure-converter'`): the CommonJS build's `.js` file,
 * or the `.ts` source when running from source (tsx, vitest).
 */
export function packageModulePath(relative: string): string {
  for (const extension of ['.js', '.ts']) {
    const candidate = join(__dirname, `${relative}${extension}`);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`genkitx-temporal: module ${relative} not found under ${__dirname}`);
}
