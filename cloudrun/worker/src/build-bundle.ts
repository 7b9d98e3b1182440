// Image build step: prebuilds the workflow code so a cold start skips webpack.
// Usage: node dist/build-bundle.js <output file>   (then set WORKFLOW_BUNDLE_PATH to it)
// Also writes the traced twin beside it (tracedBundlePath), which the worker loads when GENKITX_OTEL is on.
import { writeFile } from 'node:fs/promises';
import { bundleFlowWorkflows } from 'genkitx-temporal';
import { tracedBundlePath } from './settings';

async function main() {
  const out = process.argv[2];
  if (!out) throw new Error('usage: build-bundle <output file>');
  for (const [file, telemetry] of [
    [out, false],
    [tracedBundlePath(out), true],
  ] as const) {
    const started = Date.now();
    const { code } = await bundleFlowWorkflows({ telemetry });
    await writeFile(file, code);
    process.stdout.write(
      `workflow bundle: ${file} (${Math.round(code.length / 1024)} KiB, ${Date.now() - started} ms)\n`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
