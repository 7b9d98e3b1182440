// Starts one real Temporal dev server for the whole test run, bundles the workflow code once, and shares both
// with the test files (each file uses its own task queues). The server is always stopped at the end.
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { resolveTemporalCli } from '../scripts/temporal-cli.mjs';
import { startDevServer } from '../src/testing/dev-server';
import { bundleFlowWorkflows } from '../src/worker';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    temporalCliPath: string;
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject) {
  const cliPath = resolveTemporalCli();
  if (!cliPath) throw new Error('No Temporal CLI: run `node scripts/setup.mjs` (see README)');
  const [env, bundle] = await Promise.all([
    startDevServer({ cliPath }),
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

function quietLogger() {
  const noop = () => undefined;
  return { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
}
