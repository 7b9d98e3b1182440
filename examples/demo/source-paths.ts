// The tsconfig the demo's children run under (TSX_TSCONFIG_PATH): it sends every `genkitx-temporal` sub-path the
// package exports to the library's source, so `npm run demo` on a fresh clone (no `dist/`) needs no build step.
// Generated from package.json `exports` on each run, so a sub-path added there is mapped without anyone
// remembering this file (a hand-written map once left out `./codec`, and the API died on a fresh clone).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

type ExportTarget = string | { [condition: string]: ExportTarget };

/** Sub-paths that are not code (nothing to map). */
const NOT_CODE = new Set(['./package.json']);

/**
 * `{ 'genkitx-temporal/codec': '<root>/src/codec/index.ts', … }`: each code sub-path of `exports` and its source
 * file, found by mirroring the CommonJS build's path (`./dist/X.js` is built from `src/X.ts` or `src/X.tsx`).
 * Throws, naming the sub-path, when one has no source file.
 */
export function sourcePathsFromExports(root: string): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, ExportTarget>;
  };
  const paths: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (NOT_CODE.has(subpath)) continue;
    const built = requireTarget(target);
    const match = built && /^\.\/dist\/(.+)\.js$/.exec(built);
    if (!match) throw new Error(`package.json exports "${subpath}": no CommonJS target under ./dist/ (${built})`);
    const source = ['.ts', '.tsx'].map((ext) => join(root, 'src', match[1] + ext)).find((file) => existsSync(file));
    if (!source) throw new Error(`package.json exports "${subpath}" (${built}): no src/${match[1]}.ts to run from`);
    paths[subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`] = source;
  }
  return paths;
}

/** The target `require()` resolves to: the `default` (or `require`) condition, or the plain string. */
function requireTarget(target: ExportTarget): string | undefined {
  if (typeof target === 'string') return target;
  const chosen = target.require ?? target.default;
  return chosen === undefined ? undefined : requireTarget(chosen);
}

/**
 * Writes the children's tsconfig into `dir` and returns its path. It extends the repository's own tsconfig, so the
 * children compile the library's source with the settings it is written for (its JSX runtime among them: a config of
 * its own once lacked them, and every console page answered 500 `React is not defined`), and adds only the paths.
 */
export function writeSourcePathsTsconfig(root: string, dir: string): string {
  const file = join(dir, 'tsconfig.demo-paths.json');
  const paths = Object.fromEntries(
    Object.entries(sourcePathsFromExports(root)).map(([name, source]) => [name, [relativeToConfig(dir, source)]]),
  );
  const tsconfig = { extends: relativeToConfig(dir, join(root, 'tsconfig.json')), compilerOptions: { paths } };
  writeFileSync(file, JSON.stringify(tsconfig, null, 2));
  return file;
}

/** Paths without a baseUrl must start with `./` or `../`. */
function relativeToConfig(dir: string, file: string): string {
  const path = relative(dir, file).split(sep).join('/');
  return path.startsWith('../') ? path : `./${path}`;
}
