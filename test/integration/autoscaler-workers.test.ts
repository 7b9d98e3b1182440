// The autoscaler driving real worker processes: the fake Cloud Run API starts a worker process per instance the
// autoscaler asks for (and stops them on scale-down), so a real backlog drains as the count rises.
import type { Client } from '@temporalio/client';
import { afterAll, expect, it } from 'vitest';
import { runAutoscaler, readQueueLoad, type DecisionLog, type ScalingPolicy } from '../../src/autoscale';
import { closeTemporalClients, startFlowWorkflow } from '../../src';
import { greetFlow } from '../fixtures/basic-flows';
import { startFakeCloudRunApi, type FakeCloudRunApi } from '../harness/cloud-run-api';
import { address, namespace, newClient, uniqueTaskQueue, waitFor } from '../helpers/temporal';
import { spawnWorker, type WorkerProcess } from '../helpers/worker-process';

const POOL = 'projects/p/locations/us-central1/workerPools/drain';
const taskQueue = uniqueTaskQueue('autoscale-drain');
const policy: ScalingPolicy = {
  targetPerInstance: 10,
  minInstances: 0,
  maxInstances: 2,
  maxStepUp: 1,
  scaleDownWindowSeconds: 0,
  activationBacklog: 0,
};
const workers: WorkerProcess[] = [];
const stopped: Array<Promise<number | string>> = [];
let fake: FakeCloudRunApi | undefined;
let client: Client | undefined;

afterAll(async () => {
  for (const w of workers) w.child.kill('SIGKILL');
  await fake?.close();
  await client?.connection.close();
  await closeTemporalClients();
});

it('a real backlog drains as the autoscaler adds worker processes, and they stop when it is done', async () => {
  fake = await startFakeCloudRunApi([{ name: POOL, count: 0 }]);
  // Cloud Run's part: one worker process per requested instance.
  let starting = Promise.resolve();
  fake.onCountChange = (_name, count) => {
    starting = starting.then(async () => {
      while (workers.length < count) workers.push(await spawnWorker(taskQueue, {}));
      while (workers.length > count) {
        const w = workers.pop()!;
        w.child.kill('SIGTERM');
        stopped.push(w.exited);
      }
    });
  };
  client = await newClient();
  const opts = { address: address(), namespace: namespace(), taskQueue };
  const runs = await Promise.all(
    Array.from({ length: 30 }, (_, i) => startFlowWorkflow(greetFlow, { name: `n${i}`, times: 1 }, opts)),
  );
  await waitFor(async () => (await readQueueLoad(client!, namespace(), taskQueue)).backlog >= 30, 20_000, 'backlog');

  const logs: DecisionLog[] = [];
  const decideOnce = () =>
    runAutoscaler({
      target: POOL,
      policy,
      dryRun: false,
      temporal: opts,
      client,
      targetOptions: { clientOptions: fake!.clientOptions },
      log: (l) => logs.push(l),
    });
  const timeline: Array<{ count: number; backlog: number; inFlight: number }> = [];
  // Every second, like a fast schedule; instances take seconds to start, as on Cloud Run.
  for (let i = 0; i < 120; i++) {
    const result = await decideOnce();
    if (result.outcome === 'error') throw result.error;
    timeline.push({ count: result.desired, backlog: result.load.backlog, inFlight: result.load.inFlight });
    if (result.desired === 0 && result.load.inFlight === 0) break;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  await starting;
  console.log(`[autoscale-drain] ${JSON.stringify(timeline)}`);

  // Up one instance per decision while there is a backlog, never past max; all runs finish; back to zero.
  expect(timeline[0]).toMatchObject({ count: 1, backlog: 30 });
  expect(timeline[1]).toMatchObject({ count: 2 }); // still a backlog of 30 before the first worker polls
  // The backlog goes down only once the instances asked for are up and polling.
  const drainedAt = timeline.findIndex((t) => t.backlog < 30);
  expect(drainedAt).toBeGreaterThan(1);
  expect(timeline[drainedAt - 1].count).toBe(2);
  expect(Math.max(...timeline.map((t) => t.count))).toBeLessThanOrEqual(2);
  for (let i = 1; i < timeline.length; i++) expect(timeline[i].count - timeline[i - 1].count).toBeLessThanOrEqual(1);
  expect(timeline.at(-1)).toMatchObject({ count: 0, backlog: 0, inFlight: 0 });
  const results = await Promise.all(runs.map((r) => r.result()));
  expect(results.map((r) => r.greeting)).toEqual(runs.map((_, i) => `hello n${i}`));
  expect(fake.count(POOL)).toBe(0);
  expect(await Promise.all(stopped)).toEqual(stopped.map(() => 0)); // every scaled-in worker drained and exited 0
}, 240_000);
