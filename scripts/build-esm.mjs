#!/usr/bin/env node
// The ESM half of the dual build (the CJS half is `tsc -p tsconfig.build.json` into dist/).
// Why: an ESM app imports genkit's ESM build; a CJS-only library would load genkit's CJS build beside it, so
// the app would see two GenkitError classes and two registries. The ESM build imports genkit's ESM entry points.
// One ESM graph with shared chunks (splitting), so the entry points share module state; state that must also be
// shared with the CJS build lives on globalThis (src/common/process-state.ts). `./workflows` stays CJS-only:
// Temporal's webpack bundles it for the sandbox and resolves the `import` condition, so an ESM build would be what
// it bundles, which it cannot (test/consumer/exports.test.ts says why).
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { esmBuildProblems, esmEntryPoints } from './esm-build-rules.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Chunk names change with the code: start from an empty folder so no stale chunk is shipped.
rmSync(join(root, 'dist', 'esm'), { recursive: true, force: true });

await build({
  entryPoints: esmEntryPoints.map((entry) => join(root, 'src', `${entry}.ts`)),
  outbase: join(root, 'src'),
  outdir: join(root, 'dist', 'esm'),
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  plugins: [esmVariants()],
  // `require` for CommonJS-only packages and require.resolve. Deliberately not `__dirname` / `__filename`: in a
  // chunk they would name dist/esm, not the source's place, so code must not use them (checked below).
  banner: {
    js: [
      "import { createRequire as __gxtCreateRequire } from 'node:module';",
      'const require = __gxtCreateRequire(import.meta.url);',
    ].join('\n'),
  },
});

const problems = listOutputs(join(root, 'dist', 'esm')).flatMap((file) =>
  esmBuildProblems(readFileSync(file, 'utf8')).map((p) => `  ${p.source}: \`${p.match}\` ${p.problem}`),
);
if (problems.length) {
  console.error(`build-esm: the ESM build cannot run this code:\n${[...new Set(problems)].join('\n')}`);
  process.exit(1);
}

/**
 * A source file `x.ts` with a sibling `x.esm.ts` is replaced by that sibling in this build: the CJS build loads
 * some Genkit modules lazily with require() (light entries), where the ESM build must import genkit's ESM build.
 */
function esmVariants() {
  return {
    name: 'esm-variants',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        const variant = join(args.resolveDir, `${args.path}.esm.ts`);
        return existsSync(variant) ? { path: variant } : undefined;
      });
    },
  };
}

function listOutputs(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listOutputs(join(dir, e.name)) : e.name.endsWith('.mjs') ? [join(dir, e.name)] : [],
  );
}
