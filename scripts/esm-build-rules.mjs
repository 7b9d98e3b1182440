// The ESM build's rules, shared by build-esm.mjs and the tests: its entry points, and what its output must not
// contain (build-esm.mjs fails the build on any of it).
// - CommonJS's `__dirname` / `__filename`: they do not exist in an ES module, so a reference throws a
//   ReferenceError at run time, which a try/catch can swallow silently (that is how ESM workers once kept Genkit's
//   SIGTERM handler). Code that needs a package file by path uses packageModulePath() (src/package-files.ts).
// - `require()` of genkit: it would load genkit's CommonJS build beside the app's ESM one (two GenkitError
//   classes, a second registry, a second set of signal handlers). Use a `.esm.ts` variant that imports it.
// (`require` itself is defined by the build's banner, for CommonJS-only packages and require.resolve.)

/**
 * The package entry points with an ESM build (`src/<entry>.ts` → `dist/esm/<entry>.mjs`): exactly the package.json
 * "exports" with an `import` condition (test/consumer/exports.test.ts checks both ways).
 */
export const esmEntryPoints = [
  'index',
  'client/index',
  'http/index',
  'firebase/index',
  'worker/activities/index',
  'testing/index',
  'autoscale/index',
  'codec/index',
];

const CHECKS = [
  { pattern: /\b__(?:dirname|filename)\b/g, problem: 'uses a CommonJS global that ES modules do not have' },
  {
    pattern: /\b(?:__)?require\(\s*["'`](?:genkit(?:\/[^"'`]*)?|@genkit-ai\/[^"'`]*)["'`]\s*\)/g,
    problem: "require()s genkit, which loads genkit's CommonJS build into an ESM app",
  },
];

/**
 * Problems in one output file of the ESM build: each with the match and the source module it came from (esbuild
 * marks every module's code with a `// src/…` comment line).
 * @param {string} code the output file's text
 * @returns {{ source: string, match: string, problem: string }[]}
 */
export function esmBuildProblems(code) {
  const found = [];
  for (const { pattern, problem } of CHECKS) {
    for (const m of code.matchAll(pattern)) {
      found.push({ source: sourceAt(code, m.index), match: m[0], problem });
    }
  }
  return found;
}

function sourceAt(code, index) {
  const marker = /^\/\/ (src\/\S+)$/gm;
  let source = '(unknown source)';
  for (const m of code.matchAll(marker)) {
    if (m.index > index) break;
    source = m[1];
  }
  return source;
}
