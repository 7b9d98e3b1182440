// The front-door API service (cloudrun/api) as its own process, configured only through the env contract, in
// front of a worker hosting the flows: Genkit's own client runs a flow through it, a caller without the token
// gets 401 and nothing starts, and SIGTERM ends it with exit 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { runFlow } from 'genkit/beta/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../examples/demo/flows';
import { address, namespace, useWorker, waitFor } from '../helpers/temporal';

const { taskQueue } = useWorker('cloudrun-api');
const root = resolve(__dirname, '..', '..');
let api: ChildProcess;
let output = '';
let base = '';

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // From its own folder, as `npm start` runs it: FLOWS_MODULE reads flows.json from the working directory.
  api = spawn(process.execPath, ['--import', 'tsx', resolve(root, 'cloudrun/api/src/main.ts')], {
    cwd: resolve(root, 'cloudrun/api'),
    // Exactly the names the Terraform templates set (API_ENV, src/common/env-contract.ts), plus Cloud Run's PORT.
    env: {
      PATH: process.env.PATH,
      TEMPORAL_ADDRESS: address(),
      TEMPORAL_NAMESPACE: namespace(),
      TEMPORAL_TASK_QUEUE: taskQueue,
      FLOWS_MODULE: 'src/flows.ts',
      API_AUTH: 'bearer',
      API_BEARER_TOKEN: 'front-door-token',
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  api.stdout!.on('data', (d) => (output += d));
  api.stderr!.on('data', (d) => (output += d));
  await waitFor(() => output.includes('api listening'), 60_000, 'the API to listen');
});
afterAll(() => {
  api?.kill('SIGKILL');
});

describe('cloudrun/api', () => {
  it("runs a flow for Genkit's own client, refuses a caller without the token, and exits 0 on SIGTERM", async () => {
    const result = await runFlow({
      url: `${base}/flows/tripPlanner?wait=true`,
      input: { city: 'Lisbon', days: 2 },
      headers: { Authorization: 'Bearer front-door-token' },
    });
    expect(result).toMatchObject({ bookingId: 'booking-lisbon-2d' });

    const denied = await fetch(`${base}/flows/tripPlanner`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { city: 'Rome', days: 1 } }),
    });
    expect(denied.status).toBe(401);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    const exited = new Promise<number | null>((done) => api.on('exit', (code) => done(code)));
    api.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
