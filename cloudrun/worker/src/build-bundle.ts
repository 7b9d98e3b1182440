// Image build step: prebuilds the workflow code so a cold start skips webpack.
// Usage: node dist/build-bundle.js <output file>   (then set WORKFLOW_BUNDLE_PATH to it)
// Also writes the traced twin beside it (tracedBundlePath), which the worker loads when GENKITX_OTEL is on.
//
// Both bundles hold the encrypting failure converter: workflow failures are converted inside the bundle, and their
// messages (which often quote the input) must be encrypted like every payload when the worker encrypts. That
// converter needs no keys (they arrive as secrets at run time, not at build time). A worker without encryption
// uses the bundle's failure converter too; a worker that encrypts refuses a bundle built without it.
import { writeFile } from 'node:fs/promises';
import { bundleFlowWorkflows } from 'genkitx-temporal';
import { createDataConverter } from 'genkitx-temporal/codec';
import { tracedBundlePath } from './traced-bundle-path.js';

async function main() {
  const out = process.argv[2];
  if (!out) throw new Error('usage: build-bundle <output file>');
  const dataConverter = createDataConverter({ encryptFailures: true });
  for (const [file, telemetry] of [
    [out, false],
    [tracedBundlePath(out), true],
  ] as const) {
    const started = Date.now();
    const { code } = await bundleFlowWorkflows({ dataConverter, telemetry });
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
