// Build step: bundles your flows module into dist/flows.js (FLOWS_MODULE), wherever it lives in your project.
// Usage: node dist/build-flows.js   (from this folder; `npm run build` runs it)
//
// The module is package.json "config.flows", relative to this folder: `src/flows.ts` for flows kept here, or
// e.g. `../../src/flows.ts` for the flows module of the project the worker was scaffolded into
// (`npx genkitx-temporal init --flows src/flows.ts`). Its own files are bundled in; packages stay imports
// (`--packages=external`), so they load from this folder's node_modules at run time: the same genkit and
// genkitx-temporal as the worker (one flow registry), and every package your flows import must be a dependency
// here. The bundle is ESM or CommonJS as this package's "type" says.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

interface WorkerPackage {
  type?: string;
  config?: { flows?: string };
}

async function main() {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as WorkerPackage;
  const flows = pkg.config?.flows;
  if (!flows) throw new Error('build-flows: package.json has no "config": { "flows": "<your flows module>" }');
  const entry = resolve(flows);
  if (!existsSync(entry)) {
    throw new Error(
      `build-flows: ${entry} (package.json "config.flows": "${flows}") does not exist: point it at your flows module`,
    );
  }
  // esbuild is a build-time dependency only (devDependencies): loaded here, never by the running worker.
  const { build } = await import('esbuild');
  const started = Date.now();
  await build({
    entryPoints: [entry],
    outfile: 'dist/flows.js',
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: pkg.type === 'module' ? 'esm' : 'cjs',
    sourcemap: true,
    logLevel: 'warning',
  });
  process.stdout.write(`flows: ${flows} → dist/flows.js (${Date.now() - started} ms)\n`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
