// The ESM build's package-files.ts. Its code lives in chunks under dist/esm/, so it cannot find the CommonJS
// modules beside itself (and has no __dirname): it finds the package root through the package's own name (Node's
// self-reference), from any install location, and the CommonJS build under it.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Path of this package's CommonJS module `relative` (e.g. `'codec/failure-converter'`): `dist/<relative>.js`. */
export function packageModulePath(relative: string): string {
  const root = dirname(createRequire(import.meta.url).resolve('genkitx-temporal/package.json'));
  const candidate = join(root, 'dist', `${relative}.js`);
  if (!existsSync(candidate)) throw new Error(`genkitx-temporal: module ${relative} not found at ${candidate}`);
  return candidate;
}
