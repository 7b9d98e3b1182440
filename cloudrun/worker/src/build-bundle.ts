// Image build step: prebuilds the workflow code so a cold start skips webpack.
// Usage: node dist/build-bundle.js <output file>   (then set WORKFLOW_BUNDLE_PATH to it)
import { writeFile } from 'node:fs/promises';
import { bundleFlowWorkflows } from 'genkitx-temporal';

async function main() {
  const out = process.argv[2];
  if (!out) throw new Error('usage: build-bundle <output file>');
  const started = Date.now();
  const { code } = await bundleFlowWorkflows();
  await writeFile(out, code);
  process.stdout.write(`workflow bundle: ${out} (${Math.round(code.length / 1024)} KiB, ${Date.now() - started} ms)\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
