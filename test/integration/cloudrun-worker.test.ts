// The worker image's recipe, run on the host (no Docker engine here): the template's package.json in a fresh folder,
// vendor the library (scripts/vendor-library.mjs: package.json and a lock point at the packed tarball), `npm ci
// --omit=dev`, compile the entry (the build stage), build the workflow bundle, then start the image's start command
// (`./entrypoint.sh`) as real processes with production settings.
// SIGTERM mid-flow: the worker exits 0 within 10 s and another worker finishes the run, no completed step repeated.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTemporalClients, startFlowWorkflow } from '../../src';
import { activityStarts, address, namespace, uniqueTaskQueue, waitFor } from '../helpers/temporal';
import { readLedger } from '../harness/ledger';

const root = resolve(__dirname, '../..');
const recipe = join(root, 'cloudrun/worker');
const app = mkdtempSync(join(tmpdir(), 'cloudrun-worker-'));
const ledgerFile = join(app, 'dist/ledger.txt');
const gateFile = join(app, 'dist/gate');
const taskQueue = uniqueTaskQueue('cloudrun-worker');
const timings: Record<string, number> = {};

interface Instance {
  child: ChildProcess;
  port: number;
  exited: Promise<number | string>;
  output: () => string;
}
const instances: Instance[] = [];

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const value = await fn();
  timings[label] = Date.now() - started;
  return value;
}

// Asynchronous on purpose: a blocking exec would starve vitest's own RPC during the minutes npm ci takes.
const run = (cmd: string, args: string[], cwd: string) =>
  promisify(execFile)(cmd, args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
    env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false' },
  });

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/index.js'))) await run('npx', ['tsc', '-p', 'tsconfig.build.json'], root);
  for (const file of ['package.json', 'entrypoint.sh']) copyFileSync(join(recipe, file), join(app, file));
  await timed('vendor', () => run(process.execPath, [join(root, 'scripts/vendor-library.mjs'), app], root));
  await timed('npmCiOmitDev', () => run('npm', ['ci', '--omit=dev', '--prefer-offline'], app));
  // The build stage: TypeScript to JavaScript (dev tooling; here the repository's compiler).
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  await timed('compile', () =>
    run(process.execPath, [tsc, '-p', join(recipe, 'tsconfig.json'), '--outDir', join(app, 'dist')], root),
  );
  copyFileSync(join(root, 'test/fixtures/cloudrun-worker/flows.js'), join(app, 'dist/flows.js'));
  await timed('buildBundle', () => run(process.execPath, ['dist/build-bundle.js', 'dist/workflow-bundle.js'], app));
  // Both bundles, so GENKITX_OTEL alone switches tracing: the traced twin holds Temporal's OTel interceptors.
  const otelMark = 'interceptors-opentelemetry/lib/workflow-interceptors';
  expect(readFileSync(join(app, 'dist/workflow-bundle.js'), 'utf8')).not.toContain(otelMark);
  expect(readFileSync(join(app, 'dist/workflow-bundle.traced.js'), 'utf8')).toContain(otelMark);
  expect(existsSync(join(app, 'node_modules/@opentelemetry/sdk-node/package.json'))).toBe(true);
  expect(existsSync(join(app, 'node_modules/typescript'))).toBe(false); // production dependencies only
  expect(existsSync(join(app, 'node_modules/genkitx-temporal/dist/index.js'))).toBe(true);
}, 600_000);

afterAll(async () => {
  for (const i of instances) if (i.child.exitCode === null) i.child.kill('SIGKILL');
  await closeTemporalClients();
  console.log(`[cloudrun-worker] timings (ms): ${JSON.stringify(timings)}`);
  // Asynchronous: removing ~600 installed packages takes a while on a busy machine.
  await rm(app, { recursive: true, force: true });
}, 300_000);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** Starts `./entrypoint.sh` with the settings Cloud Run and the Terraform templates give it, and nothing else. */
async function startInstance(revision: string): Promise<Instance> {
  const port = await freePort();
  const env = {
    PATH: process.env.PATH!,
    HOME: process.env.HOME ?? app,
    PORT: String(port),
    K_SERVICE: 'genkit-worker',
    K_REVISION: revision,
    TEMPORAL_ADDRESS: address(),
    TEMPORAL_NAMESPACE: namespace(),
    TEMPORAL_TASK_QUEUE: taskQueue,
    FLOWS_MODULE: 'dist/flows.js',
    WORKFLOW_BUNDLE_PATH: 'dist/workflow-bundle.js',
    WORKER_MAX_CONCURRENT_ACTIVITIES: '20',
  };
  const child = spawn('./entrypoint.sh', [], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | string>((done) => child.on('exit', (code, signal) => done(code ?? signal ?? -1)));
  const instance = { child, port, exited, output: () => output };
  instances.push(instance);
  return instance;
}

async function readyz(port: number): Promise<{ status: number; body: any } | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    return { status: res.status, body: await res.json() };
  } catch {
    return undefined; // not listening yet
  }
}

const ledger = () => readLedger(ledgerFile);
const count = (step: string) => ledger().filter((e) => e.step === step).length;

describe('cloudrun/worker production recipe', () => {
  it('serves /healthz and /readyz, and fails a flow over on SIGTERM with exit 0 within 10 s', async () => {
    const startedAt = Date.now();
    const [a, b] = await Promise.all([
      startInstance('genkit-worker-00001-abc'),
      startInstance('genkit-worker-00001-abc'),
    ]);
    for (const i of [a, b]) {
      const ready = await waitFor(
        async () => {
          if (i.child.exitCode !== null) throw new Error(`worker exited early:\n${i.output()}`);
          const r = await readyz(i.port);
          return r?.status === 200 ? r : undefined;
        },
        60_000,
        `readyz on ${i.port}`,
      );
      expect(ready.body).toMatchObject({ state: 'RUNNING', buildId: 'genkit-worker-00001-abc' });
      expect(ready.body.identity).toMatch(/^genkit-worker-00001-abc\/.+-[0-9a-f]{6}$/);
      const health = await fetch(`http://127.0.0.1:${i.port}/healthz`);
      expect(health.status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${i.port}/nope`)).status).toBe(404);
    }
    timings.startToReady = Date.now() - startedAt;
    expect(a.output()).toContain('"message":"worker polling"');

    const handle = await startFlowWorkflow('orderFlow', 'order-7', {
      address: address(),
      namespace: namespace(),
      taskQueue,
    });
    const charge = await waitFor(() => ledger().find((e) => e.step === 'step:charge'), 30_000, 'step charge to start');
    const victim = [a, b].find((i) => i.child.pid === charge.pid)!;
    const survivor = victim === a ? b : a;
    expect(victim).toBeDefined();

    const signalledAt = Date.now();
    victim.child.kill('SIGTERM');
    // Not ready any more as soon as it stops polling (Cloud Run stops routing; probes see 503 or no listener).
    const notReady = await waitFor(
      async () => {
        const r = await readyz(victim.port);
        return !r || r.status === 503 ? (r ?? { status: 0, body: null }) : undefined;
      },
      10_000,
      'victim not ready',
    );
    if (notReady.status === 503) expect(notReady.body.state).not.toBe('RUNNING');
    const code = await victim.exited;
    timings.sigtermToExit = Date.now() - signalledAt;
    expect(code).toBe(0);
    expect(timings.sigtermToExit).toBeLessThan(10_000);
    expect(victim.output()).toContain('"message":"worker stopped"');

    // The next attempt runs the in-flight step again on the survivor; the completed step is not repeated.
    await waitFor(
      () => ledger().some((e) => e.step === 'step:charge' && e.pid === survivor.child.pid),
      15_000,
      'charge on the survivor',
    );
    timings.sigtermToStepOnSurvivor = Date.now() - signalledAt;
    writeFileSync(gateFile, 'open');
    expect(await handle.result()).toEqual({
      reserved: 'reserved order-7',
      charged: 'charged order-7',
      shipped: 'shipped order-7',
    });
    const starts = await activityStarts(handle); // an attempt's started event is written when it ends
    const latest = starts[starts.length - 1];
    expect(starts).toHaveLength(2); // the workflow ran the lost attempt again, without counting it as a retry
    timings.sigtermToNextAttempt = latest.time - signalledAt;
    expect(count('step:reserve')).toBe(1);
    expect(count('step:charge')).toBe(2);
    expect(count('step:ship')).toBe(1);
    expect(ledger().find((e) => e.step === 'step:ship')!.pid).toBe(survivor.child.pid);

    // An idle worker also stops cleanly.
    const idleAt = Date.now();
    survivor.child.kill('SIGTERM');
    expect(await survivor.exited).toBe(0);
    timings.idleSigtermToExit = Date.now() - idleAt;
  }, 180_000);

  it('refuses to start without its flows module, with the variable named', async () => {
    const child = spawn(process.execPath, ['dist/main.js'], {
      cwd: app,
      env: { PATH: process.env.PATH! },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    const code = await new Promise((done) => child.on('exit', (c) => done(c)));
    expect(code).toBe(1);
    expect(output).toContain('FLOWS_MODULE is not set');
  });
});
