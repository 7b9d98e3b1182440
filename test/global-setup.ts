// Starts one real Temporal dev server for the whole test run, bundles the workflow code once, and shares both
// with the test files (each file uses its own task queues). The server is always stopped at the end.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { resolveTemporalCli } from '../scripts/temporal-cli.mjs';
import { startDevServer } from '../src/testing/dev-server';
import { bundleFlowWorkflows } from '../src/worker/start-worker';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    temporalCliPath: string;
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject) {
  // Last resort, on machines with internet access: the SDK downloads the dev server itself.
  const found = resolveTemporalCli();
  if (!found) console.warn('[tests] no Temporal CLI found; letting the Temporal SDK download the dev server');
  const cliPath = found ?? sdkDownloadedCli();
  const [env, bundle] = await Promise.all([
    startDevServer({ cliPath: existsSync(cliPath) ? cliPath : undefined }),
    bundleFlowWorkflows({ logger: quietLogger() }),
  ]);
  const dir = await mkdtemp(join(tmpdir(), 'genkitx-temporal-'));
  const workflowBundlePath = join(dir, 'workflow-bundle.js');
  await writeFile(workflowBundlePath, bundle.code);
  project.provide('temporalAddress', env.address);
  project.provide('temporalNamespace', env.namespace ?? 'default');
  project.provide('temporalCliPath', cliPath);
  project.provide('workflowBundlePath', workflowBundlePath);
  return async () => {
    await env.teardown();
  };
}

/** Where the SDK's own download puts the CLI (`<tmpdir>/temporal-sdk-typescript-<version>`). */
function sdkDownloadedCli(): string {
  const testingPackage = createRequire(__filename).resolve('@temporalio/testing/package.json');
  const { version } = JSON.parse(readFileSync(testingPackage, 'utf8'));
  return join(tmpdir(), `temporal-sdk-typescript-${version}`);
}

function quietLogger() {
  const noop = () => undefined;
  return { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
}
