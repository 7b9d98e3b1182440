// Workers as users write them in their own projects: the ESM README snippet (Worker.create with the plugin and no
// require.resolve), and the CommonJS startTemporalWorker; a worker that hosts no flows says so when it starts.
import { beforeAll, expect, inject, it } from 'vitest';
import { consumerProject, type ConsumerProject } from './harness';

let esm: ConsumerProject;
let cjs: ConsumerProject;
beforeAll(async () => {
  esm = await consumerProject('esm');
  cjs = await consumerProject('cjs');
}, 600_000);

const env = () => ({
  TEMPORAL_ADDRESS: inject('temporalAddress'),
  TEMPORAL_NAMESPACE: inject('temporalNamespace'),
  TEMPORAL_TASK_QUEUE: `consumer-${process.pid}-${Date.now()}`,
});
const NO_FLOWS = /hosts no Genkit flows/;

it('ESM: Worker.create with genkitWorkerPlugin() and no flows starts, and warns that it hosts none', async () => {
  esm.write({
    'plugin-worker.mts': `import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { genkitWorkerPlugin } from 'genkitx-temporal';

const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS });
const worker = await Worker.create({
  connection,
  namespace: process.env.TEMPORAL_NAMESPACE,
  taskQueue: process.env.TEMPORAL_TASK_QUEUE,
  plugins: [genkitWorkerPlugin()],
});
console.log(JSON.stringify({ state: worker.getState(), workflows: fileURLToPath(import.meta.resolve('genkitx-temporal/workflows')) }));
await worker.runUntil(Promise.resolve()); // starts polling, then shuts down
await connection.close();
`,
  });
  const r = await esm.run('plugin-worker.mts', { env: env(), timeoutMs: 180_000 });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr + r.stdout).toMatch(NO_FLOWS);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  expect(out.state).toBe('INITIALIZED');
  expect(out.workflows).toMatch(/genkitx-temporal[\\/]dist[\\/]workflows[\\/]index\.js$/);
}, 240_000);

it('CommonJS: startTemporalWorker runs a flow, without the no-flows warning', async () => {
  cjs.write({
    'worker.js': `const { genkit, z } = require('genkit');
const { temporal, defineTemporalFlow, executeFlowWorkflow, startTemporalWorker, closeTemporalClients } = require('genkitx-temporal');

const ai = genkit({ plugins: [temporal()] });
const shout = defineTemporalFlow(ai, { name: 'shout', inputSchema: z.string() }, async (s) => s.toUpperCase());

(async () => {
  const worker = await startTemporalWorker({ handleSignals: false, shutdownGraceTime: '1s' });
  console.log(JSON.stringify({ out: await executeFlowWorkflow(shout, 'hi') }));
  await worker.shutdown();
  await closeTemporalClients();
})().catch((e) => { console.error(e); process.exit(1); });
`,
  });
  const r = await cjs.run('worker.js', { env: env(), timeoutMs: 180_000 });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr + r.stdout).not.toMatch(NO_FLOWS);
  expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({ out: 'HI' });
}, 240_000);
