// The kit, locally, as real processes: a Temporal dev server (with its Web UI), the workflow bundle built the way
// the worker image builds it, two Cloud Run worker processes (cloudrun/worker) hosting the agent, and the
// front-door API (cloudrun/api) with bearer auth and a Standard Webhooks endpoint. Each is its own process group.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveTemporalCli } from '../../scripts/temporal-cli.mjs';
import { freePorts, KIT_DEV_SERVER_ARGS, waitForTemporal } from '../../src/testing/local-process-helpers';
import { Processes, waitForOutput, type StartedProcess } from '../../test/harness/process-groups';
import { writeSourcePathsTsconfig } from './source-paths';
import { tracedBundlePath } from '../../cloudrun/worker/src/traced-bundle-path';

export const root = resolve(__dirname, '../..');
const STARTUP_TIMEOUT_MS = 120_000;

export interface LocalStack {
  processes: Processes;
  temporalAddress: string;
  uiUrl: string;
  apiUrl: string;
  apiToken: string;
  /** The key ring that signs the console's session cookies (API_SESSION_KEYS). */
  sessionKeys: string;
  webhookSecret: string;
  taskQueue: string;
  workers: StartedProcess[];
}

/**
 * Starts everything into `processes` (created by the caller, so a Ctrl-C during start-up stops what has started);
 * on any failure the processes already started are stopped before it throws.
 */
export async function startLocalStack(options: {
  processes: Processes;
  logDir: string;
  ledgerFile: string;
}): Promise<LocalStack> {
  try {
    return await start(options.processes, options);
  } catch (err) {
    await options.processes.stopAll(2_000);
    throw err;
  }
}

async function start(processes: Processes, { logDir, ledgerFile }: { logDir: string; ledgerFile: string }) {
  const cli = resolveTemporalCli();
  if (!cli) throw new Error('No Temporal CLI found: run `node scripts/setup.mjs` (npm run demo does) first.');
  const [port, uiPort, httpPort, metricsPort, apiPort] = await freePorts(5);
  const temporalAddress = `127.0.0.1:${port}`;
  const taskQueue = 'genkit-demo';
  const apiToken = randomBytes(18).toString('base64url');
  const sessionKeys = `demo:${randomBytes(32).toString('base64')}`;
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  // Children load the library from source (no build step): every exported sub-path maps to src/.
  const tsx = { TSX_TSCONFIG_PATH: writeSourcePathsTsconfig(root, logDir) };
  const node = (entry: string, ...args: string[]) =>
    [process.execPath, ['--import', 'tsx', join(root, entry), ...args]] as const;

  const server = processes.start(
    'temporal-dev-server',
    cli,
    [
      'server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--ui-port', String(uiPort),
      '--http-port', String(httpPort), '--metrics-port', String(metricsPort),
      ...KIT_DEV_SERVER_ARGS,
    ], // prettier-ignore
    process.env,
    root,
  );
  const temporalEnv = {
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_TASK_QUEUE: taskQueue,
  };
  // The API needs no bundle: it starts beside the server (its Temporal client connects on the first request).
  const api = processes.start(
    'api',
    ...node('cloudrun/api/src/main.ts'),
    {
      ...process.env,
      ...tsx,
      ...temporalEnv,
      FLOWS_MODULE: join(__dirname, 'api-flows.ts'),
      API_AUTH: 'bearer',
      API_BEARER_TOKEN: apiToken,
      // People sign in to the console with the token once, and get a session cookie (a browser sends no bearer).
      API_SESSION_KEYS: sessionKeys,
      WEBHOOK_SECRET: webhookSecret,
      PORT: String(apiPort),
    },
    root,
  );
  const bundlePath = workflowBundleCachePath();
  // Renamed when complete, with its traced twin (build-bundle writes both): a cached bundle is never partial.
  const building = bundlePath.replace(/\.js$/, `.${process.pid}.tmp.js`);
  const bundle = existsSync(bundlePath)
    ? undefined
    : processes.start(
        'build-bundle',
        ...node('cloudrun/worker/src/build-bundle.ts', building),
        { ...process.env, ...tsx },
        root,
      );
  await Promise.all([serverReady(server, temporalAddress), bundle && builtBundle(bundle, building, bundlePath)]);

  const workers = [1, 2].map((n) =>
    processes.start(
      `worker-${n}`,
      ...node('cloudrun/worker/src/main.ts'),
      {
        ...process.env,
        ...tsx,
        ...temporalEnv,
        FLOWS_MODULE: join(__dirname, 'agent.ts'),
        WORKFLOW_BUNDLE_PATH: bundlePath,
        K_SERVICE: 'genkit-worker',
        K_REVISION: `demo-worker-${n}`,
        LEDGER_FILE: ledgerFile,
      },
      root,
    ),
  );
  await Promise.all([
    ...workers.map((w) => waitForOutput(w, /"worker polling"/, STARTUP_TIMEOUT_MS)),
    waitForOutput(api, /"api listening"/, STARTUP_TIMEOUT_MS),
  ]);
  return {
    processes,
    temporalAddress,
    uiUrl: `http://127.0.0.1:${uiPort}`,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    apiToken,
    sessionKeys,
    webhookSecret,
    taskQueue,
    workers,
  };
}

/** The dev server is ready when a client can reach the default namespace. */
function serverReady(server: StartedProcess, address: string): Promise<void> {
  return waitForTemporal(address, {
    timeoutMs: STARTUP_TIMEOUT_MS,
    pollMs: 250,
    exited: () =>
      server.child.exitCode !== null ? new Error(`the Temporal dev server exited:\n${server.output()}`) : undefined,
  });
}

/**
 * The workflow bundle, built once per version of the library's source and lock file (as the worker image's build
 * step does once per image): later demos skip webpack.
 */
function workflowBundleCachePath(): string {
  const hash = createHash('sha256');
  const files = [join(root, 'package-lock.json'), ...filesUnder(join(root, 'src'))];
  for (const file of files) hash.update(file).update(readFileSync(file));
  mkdirSync(join(root, 'node_modules/.cache/genkitx-temporal-demo'), { recursive: true });
  return join(
    root,
    'node_modules/.cache/genkitx-temporal-demo',
    `workflow-bundle-${hash.digest('hex').slice(0, 16)}.js`,
  );
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

async function builtBundle(bundle: StartedProcess, building: string, path: string): Promise<void> {
  const code = await bundle.exited;
  if (code !== 0) throw new Error(`building the workflow bundle failed (${code}):\n${bundle.output()}`);
  renameSync(tracedBundlePath(building), tracedBundlePath(path));
  renameSync(building, path);
}
