// Starts one real Temporal dev server for the whole test run, bundles the workflow code once, and shares both
// with the test files (each file uses its own task queues). The server is always stopped at the end.
// Vitest runs a project's global setup per project (integration and package both list this file): the first one
// starts the server and the bundle, the others share them, and the last teardown stops the server. The state lives
// on globalThis because vitest loads this module once per project.
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

interface Started {
  temporalAddress: string;
  temporalNamespace: string;
  temporalCliPath: string;
  workflowBundlePath: string;
  stop(): Promise<void>;
}

const key = Symbol.for('genkitx-temporal.test-dev-server');
type Holder = { [key]?: { users: number; started: Promise<Started> } };

export default async function setup(project: TestProject) {
  const holder = globalThis as Holder;
  const shared = (holder[key] ??= { users: 0, started: start() });
  shared.users++;
  const { stop, ...provided } = await shared.started;
  for (const [name, value] of Object.entries(provided)) project.provide(name as keyof typeof provided, value);
  return async () => {
    if (--shared.users > 0) return;
    delete holder[key];
    await stop();
  };
}

/**
 * A worker deployment version's drainage (draining → drained) is checked every 3 minutes by default, after a
 * 3-minute grace period: every second here, so the Worker Versioning test sees it within its run.
 */
const DEV_SERVER_ARGS = [
  '--dynamic-config-value',
  'matching.wv.VersionDrainageStatusRefreshInterval="1s"',
  '--dynamic-config-value',
  'matching.wv.VersionDrainageStatusVisibilityGracePeriod="1s"',
];

async function start(): Promise<Started> {
  // Last resort, on machines with internet access: the SDK downloads the dev server itself.
  const found = resolveTemporalCli();
  if (!found) console.warn('[tests] no Temporal CLI found; letting the Temporal SDK download the dev server');
  const cliPath = found ?? sdkDownloadedCli();
  const [env, bundle] = await Promise.all([
    // Fairness on, as the kit's front doors key runs by caller (test/integration/fairness.test.ts).
    startDevServer({ cliPath: existsSync(cliPath) ? cliPath : undefined, extraArgs: DEV_SERVER_ARGS, fairness: true }),
    bundleFlowWorkflows({ logger: quietLogger() }),
  ]);
  const dir = await mkdtemp(join(tmpdir(), 'genkitx-temporal-'));
  const workflowBundlePath = join(dir, 'workflow-bundle.js');
  await writeFile(workflowBundlePath, bundle.code);
  return {
    temporalAddress: env.address,
    temporalNamespace: env.namespace ?? 'default',
    temporalCliPath: cliPath,
    workflowBundlePath,
    stop: () => env.teardown(),
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
