// The API image's recipe, run on the host (no Docker engine here): cloudrun/api's package.json and flows.json in a
// fresh folder, vendor the library (scripts/vendor-library.mjs writes the lock), `npm ci --omit=dev`, compile (the build
// stage), then start the image's command (`node dist/main.js`) with the settings the Terraform templates give it —
// context and encryption keys and the codec server included. Genkit's client runs a flow through it on a worker
// that accepts only signed contexts; the Temporal CLI decodes that run through the codec server at /codec; SIGTERM
// exits 0.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { runFlow } from 'genkit/beta/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../examples/demo/flows';
import { createDataConverter } from '../../src/codec';
import { closeTemporalClients } from '../../src/client/connection';
import type { TemporalWorkerHandle } from '../../src/worker/start-worker';
import { cliHistoryText, temporalCli } from '../helpers/history-secrets';
import { address, namespace, startWorker, uniqueTaskQueue, waitFor } from '../helpers/temporal';

const root = resolve(__dirname, '../..');
const recipe = join(root, 'cloudrun/api');
const app = mkdtempSync(join(tmpdir(), 'cloudrun-api-'));
const taskQueue = uniqueTaskQueue('cloudrun-api-image');
const contextKey = { id: 'ctx-1', key: randomBytes(32).toString('base64') };
const encryptionKey = { id: 'enc-1', key: randomBytes(32).toString('base64') };
const apiToken = `api-${randomUUID()}`;
const codecToken = `codec-${randomUUID()}`;
const uiOrigin = 'http://localhost:8233';
const timings: Record<string, number> = {};
let worker: TemporalWorkerHandle | undefined;
let api: ChildProcess | undefined;
let output = '';
let base = '';

// Asynchronous on purpose: a blocking exec would starve vitest's own RPC during the minutes npm ci takes.
const run = (cmd: string, args: string[], cwd: string) =>
  promisify(execFile)(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });

async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const value = await fn();
  timings[label] = Date.now() - started;
  return value;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/client/index.js'))) await run('npx', ['tsc', '-p', 'tsconfig.build.json'], root);
  // What the image copies besides the build output: the manifest of the worker's flows (FLOWS_MODULE reads it).
  for (const file of ['package.json', 'flows.json']) copyFileSync(join(recipe, file), join(app, file));
  await timed('vendor', () => run(process.execPath, [join(root, 'scripts/vendor-library.mjs'), app], root));
  await timed('npmCiOmitDev', () => run('npm', ['ci', '--omit=dev', '--prefer-offline'], app));
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  await timed('compile', () =>
    run(process.execPath, [tsc, '-p', join(recipe, 'tsconfig.json'), '--outDir', join(app, 'dist')], root),
  );
  // Production dependencies only, and only the light client: no compiler, no worker, no workflow runtime, no genkit
  // (a plain `npm ci`: the worker's packages and genkit are optional peers of the library).
  for (const absent of [
    'typescript',
    '@temporalio/worker',
    '@temporalio/workflow',
    '@temporalio/core-bridge',
    'genkit',
  ]) {
    expect(existsSync(join(app, 'node_modules', absent)), absent).toBe(false);
  }
  expect(existsSync(join(app, 'node_modules/genkitx-temporal/dist/client/index.js'))).toBe(true);

  // The worker side, as the Terraform templates configure it: the same context and encryption keys.
  // Bundled at start with that converter: the shared test bundle has no encrypting failure converter.
  worker = await startWorker(taskQueue, {
    contextTrust: { contextKeys: [contextKey] },
    dataConverter: createDataConverter({ encryption: { keys: [encryptionKey] } }),
    workflowBundle: undefined,
  });

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  api = spawn(process.execPath, ['dist/main.js'], {
    cwd: app,
    // Exactly the names of the env contract (API_ENV, src/common/env-contract.ts), plus Cloud Run's PORT.
    env: {
      PATH: process.env.PATH!,
      HOME: process.env.HOME ?? app,
      NODE_ENV: 'production',
      PORT: String(port),
      K_SERVICE: 'genkit-api',
      TEMPORAL_ADDRESS: address(),
      TEMPORAL_NAMESPACE: namespace(),
      TEMPORAL_TASK_QUEUE: taskQueue,
      FLOWS_MODULE: 'dist/flows.js',
      API_AUTH: 'bearer',
      API_BEARER_TOKEN: apiToken,
      GENKITX_CONTEXT_KEYS: `${contextKey.id}:${contextKey.key}`,
      GENKITX_ENCRYPTION_KEYS: `${encryptionKey.id}:${encryptionKey.key}`,
      CODEC_SERVER_TOKEN: codecToken,
      CODEC_UI_ORIGIN: uiOrigin,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  api.stdout!.on('data', (d) => (output += d));
  api.stderr!.on('data', (d) => (output += d));
  const started = Date.now();
  await waitFor(
    () => {
      if (api!.exitCode !== null) throw new Error(`the API exited early:\n${output}`);
      return output.includes('api listening');
    },
    60_000,
    'the API to listen',
  );
  timings.startToListening = Date.now() - started;
}, 600_000);

afterAll(async () => {
  if (api && api.exitCode === null) api.kill('SIGKILL');
  await worker?.shutdown();
  await closeTemporalClients();
  console.log(`[cloudrun-api-image] timings (ms): ${JSON.stringify(timings)}`);
  await rm(app, { recursive: true, force: true });
}, 300_000);

describe('cloudrun/api production recipe', () => {
  it('runs a flow for Genkit’s client on a worker that accepts only signed contexts', async () => {
    expect(output).toContain('"codec":true');
    const result = await runFlow({
      url: `${base}/flows/tripPlanner?wait=true`,
      input: { city: 'Lisbon', days: 2 },
      headers: { Authorization: `Bearer ${apiToken}` },
    });
    expect(result).toMatchObject({ bookingId: 'booking-lisbon-2d' });
    const denied = await fetch(`${base}/flows/tripPlanner`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { city: 'Rome', days: 1 } }),
    });
    expect(denied.status).toBe(401); // the flow API's own auth still guards every flow route
  });

  it('serves the codec server at /codec: the temporal CLI decodes the run; auth and CORS as configured', async () => {
    const { stdout } = await temporalCli([
      'workflow',
      'list',
      '--query',
      `TaskQueue = "${taskQueue}"`,
      '--output',
      'json',
    ]);
    const [listed] = JSON.parse(stdout) as { execution: { workflowId: string } }[];
    const workflowId = listed!.execution.workflowId;
    const raw = await cliHistoryText(workflowId);
    expect(raw).not.toContain('Lisbon'); // encrypted at rest
    const decoded = await cliHistoryText(workflowId, [
      '--codec-endpoint',
      `${base}/codec`,
      '--codec-auth',
      `Bearer ${codecToken}`,
    ]);
    expect(decoded).toContain('Lisbon');
    expect(decoded).toContain('contextSignature'); // signed by the API for this run
    expect(decoded).not.toContain(apiToken);

    const decode = (headers: Record<string, string>) =>
      fetch(`${base}/codec/decode`, { method: 'POST', headers, body: JSON.stringify({ payloads: [] }) });
    expect((await decode({ 'content-type': 'application/json' })).status).toBe(401);
    expect((await decode({ authorization: `Bearer ${apiToken}` })).status).toBe(401); // the API's token is not the codec's
    expect((await decode({ authorization: `Bearer ${codecToken}` })).status).toBe(200);
    const preflight = (origin: string) =>
      fetch(`${base}/codec/decode`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      });
    expect((await preflight(uiOrigin)).headers.get('access-control-allow-origin')).toBe(uiOrigin);
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('exits 0 on SIGTERM', async () => {
    const exited = new Promise<number | null>((done) => api!.on('exit', (code) => done(code)));
    api!.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
