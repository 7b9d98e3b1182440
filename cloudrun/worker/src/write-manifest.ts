// Writes the manifest of the flows this worker serves (`flowManifest()`: each flow's name, input JSON Schema and
// config.temporal) to every path given, for the front doors that start runs by name without loading Genkit or the
// flows: the API (`../api/flows.json`) and the Firebase functions (`../../functions/flows.json`).
// Usage: node dist/write-manifest.js <file>...   (after the build; `npm run manifest` writes both)
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
// Statically, as the flows import it: the same build of the library (CommonJS or ESM), so the same registry.
import { flowManifest } from 'genkitx-temporal';

async function main() {
  const outputs = process.argv.slice(2);
  if (!outputs.length) throw new Error('usage: write-manifest <file>...');
  // The flows register themselves when their module loads (FLOWS_MODULE, as the worker loads it).
  await import(pathToFileURL(resolve(process.env.FLOWS_MODULE || 'dist/flows.js')).href);
  const manifest = flowManifest();
  if (!manifest.flows.length) throw new Error('write-manifest: the flows module defines no flow (defineTemporalFlow)');
  const json = `${JSON.stringify(manifest, null, 2)}\n`;
  for (const file of outputs) {
    writeFileSync(file, json);
    process.stdout.write(`flows manifest: ${manifest.flows.map((f) => f.name).join(', ')} → ${file}\n`);
  }
}

main().then(
  () => process.exit(0), // genkit keeps the process alive otherwise
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
