// The autoscaler end to end: a real backlog on the dev server (workflows started on queues no worker polls), the
// real `@google-cloud/run` client, and a local fake of the Cloud Run Admin REST API that can fail on purpose.
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAutoscaleHandler,
  runAutoscaler,
  runAutoscalerOnce,
  readQueueLoad,
  STATE_ANNOTATION,
  type AutoscalerOptions,
  type DecisionLog,
  type ScalingPolicy,
} from '../../src/autoscale';
import { closeTemporalClients, executeFlowWorkflow, startFlowWorkflow } from '../../src';
import { greetFlow } from '../fixtures/basic-flows';
import { approvalFlow } from '../fixtures/hitl-flows';
import { startFakeCloudRunApi, type FakeCloudRunApi } from '../harness/cloud-run-api';
import { address, namespace, newClient, startWorker, uniqueTaskQueue, waitFor } from '../helpers/temporal';

const POOL = 'projects/p/locations/us-central1/workerPools/genkit-workers';
const SERVICE = 'projects/p/locations/us-central1/services/genkit-worker-svc';
const policy: ScalingPolicy = {
  targetPerInstance: 5,
  minInstances: 0,
  maxInstances: 10,
  maxStepUp: 2,
  scaleDownWindowSeconds: 300,
  activationBacklog: 0,
};

let fake: FakeCloudRunApi;
let client: Client;
const logs: DecisionLog[] = [];
let backlogQueue: string; // 12 workflows waiting, no worker
let emptyQueue: string; // no backlog and nothing running: one run, finished by a worker that has gone

beforeAll(async () => {
  fake = await startFakeCloudRunApi([
    { name: POOL, count: 0 },
    { name: SERVICE, count: 1 },
  ]);
  client = await newClient();
  backlogQueue = uniqueTaskQueue('autoscale-backlog');
  emptyQueue = uniqueTaskQueue('autoscale-empty');
  // A queue that never had a run or a poller is an error (a typo), not idle: this one had both.
  const worker = await startWorker(emptyQueue);
  try {
    await executeFlowWorkflow(
      greetFlow,
      { name: 'idle', times: 1 },
      {
        address: address(),
        namespace: namespace(),
        taskQueue: emptyQueue,
      },
    );
  } finally {
    await worker.shutdown();
  }
  await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      client.workflow.start('noWorkerPollsThis', { taskQueue: backlogQueue, workflowId: `${backlogQueue}-${i}` }),
    ),
  );
  // The backlog count is approximate right after writes and visibility is eventually consistent: wait for both.
  await waitFor(
    async () => {
      const load = await readQueueLoad(client, namespace(), backlogQueue);
      return load.backlog === 12 && load.inFlight === 12;
    },
    20_000,
    'backlog of 12',
  );
});

afterAll(async () => {
  await fake?.close();
  await client?.connection.close();
  await closeTemporalClients();
});

/** One autoscaler run against the fake, on `taskQueue`, logging into `logs`. */
function run(taskQueue: string, extra: Partial<AutoscalerOptions> = {}) {
  return runAutoscaler({
    target: POOL,
    policy,
    dryRun: false,
    temporal: { address: address(), namespace: namespace(), taskQueue },
    client,
    targetOptions: { clientOptions: fake.clientOptions, retryDelayMs: 20, operationDeadlineMs: 5_000 },
    log: (line) => logs.push(line),
    ...extra,
  });
}

const patches = () => fake.requests.filter((r) => r.method === 'PATCH');

describe('autoscaler against the dev server and a fake Cloud Run API', () => {
  it('reads the real backlog and scales up to ceil(backlog / target), one capped step at a time', async () => {
    fake.setCount(POOL, 0);
    const first = await run(backlogQueue);
    expect(first).toMatchObject({ outcome: 'scaled', current: 0, desired: 2 });
    expect(logs.at(-1)).toMatchObject({
      severity: 'NOTICE',
      reason: 'scale-up-step-capped',
      recommended: 3,
      load: { backlog: 12, workflowBacklog: 12, activityBacklog: 0, inFlight: 12, statsMode: 'default' },
      write: 'written',
    });
    expect(fake.count(POOL)).toBe(2);
    const second = await run(backlogQueue);
    expect(second).toMatchObject({ outcome: 'scaled', current: 2, desired: 3 });
    expect(fake.count(POOL)).toBe(3);
    // Steady: no more writes.
    const before = patches().length;
    expect(await run(backlogQueue)).toMatchObject({ outcome: 'unchanged', desired: 3 });
    expect(patches().length).toBe(before);
    // The writes were real read-modify-writes: the etag read, only the count in the mask.
    const patch = patches().at(-1)!;
    expect(patch.query.updateMask).toBe('scaling.manual_instance_count');
    expect(patch.body?.etag).toMatch(/^".+"$/);
    expect(patch.body?.scaling).toEqual({ manualInstanceCount: 3 });
  });

  it('never passes max', async () => {
    fake.setCount(POOL, 0);
    for (let i = 0; i < 3; i++) await run(backlogQueue, { policy: { ...policy, maxInstances: 2, maxStepUp: 5 } });
    expect(fake.count(POOL)).toBe(2);
    expect(logs.at(-1)).toMatchObject({ recommended: 2, desired: 2, reason: 'steady' });
  });

  it('dry run logs the decision and changes nothing', async () => {
    fake.setCount(POOL, 0);
    const before = patches().length;
    const result = await run(backlogQueue, { dryRun: true });
    expect(result).toMatchObject({ outcome: 'dry-run', current: 0, desired: 2 });
    expect(logs.at(-1)).toMatchObject({
      dryRun: true,
      write: 'dry-run',
      message: 'would scale 0 -> 2 (scale-up-step-capped)',
    });
    expect(patches().length).toBe(before);
    expect(fake.count(POOL)).toBe(0);
  });

  it('scales down only after the window, keeping the pending state on the resource itself', async () => {
    fake.setCount(POOL, 4);
    const at = (t: number) => run(emptyQueue, { now: () => t });
    expect(await at(10_000)).toMatchObject({ outcome: 'unchanged', desired: 4 });
    expect(logs.at(-1)).toMatchObject({
      reason: 'scale-down-pending',
      recommended: 0,
      load: { backlog: 0, inFlight: 0 },
    });
    expect(JSON.parse(fake.get(POOL).annotations[STATE_ANNOTATION])).toEqual({ since: 10_000, recent: [[10_000, 0]] });
    expect(await at(10_200)).toMatchObject({ outcome: 'unchanged', desired: 4 });
    expect(fake.count(POOL)).toBe(4);
    // One second before the window ends it is still pending; at the window's end it scales down.
    expect(await at(10_299)).toMatchObject({ outcome: 'unchanged', desired: 4 });
    expect(await at(10_300)).toMatchObject({ outcome: 'scaled', current: 4, desired: 0 });
    expect(fake.count(POOL)).toBe(0);
    expect(fake.get(POOL).annotations[STATE_ANNOTATION]).toBeUndefined();
    const last = patches().at(-1)!;
    expect(last.query.updateMask).toBe('scaling.manual_instance_count,annotations');
  });

  it('a busier reading inside the window cancels the pending scale-down', async () => {
    fake.setCount(POOL, 3);
    await run(emptyQueue, { now: () => 20_000 });
    expect(fake.get(POOL).annotations[STATE_ANNOTATION]).toBeDefined();
    await run(backlogQueue, { now: () => 20_100 }); // recommends 3: pending state cleared
    expect(fake.get(POOL).annotations[STATE_ANNOTATION]).toBeUndefined();
    expect(await run(emptyQueue, { now: () => 20_350 })).toMatchObject({ outcome: 'unchanged', desired: 3 });
    expect(await run(emptyQueue, { now: () => 20_650 })).toMatchObject({ outcome: 'scaled', desired: 0 });
  });

  it('keeps one instance while a run is in flight with an empty queue', async () => {
    const queue = uniqueTaskQueue('autoscale-inflight');
    const worker = await startWorker(queue);
    const handle = await startFlowWorkflow(approvalFlow, 'laptop', {
      address: address(),
      namespace: namespace(),
      taskQueue: queue,
    });
    try {
      // The run waits for an approval: its worker picked everything up, so the queue has no backlog.
      await waitFor(
        async () => {
          const load = await readQueueLoad(client, namespace(), queue);
          return load.backlog === 0 && load.inFlight === 1;
        },
        20_000,
        'a waiting run with no backlog',
      );
      fake.setCount(POOL, 3);
      const zeroWindow = { ...policy, scaleDownWindowSeconds: 0 };
      expect(await run(queue, { policy: zeroWindow })).toMatchObject({ outcome: 'scaled', desired: 1 });
      expect(await run(queue, { policy: zeroWindow })).toMatchObject({ outcome: 'unchanged', desired: 1 });
      await handle.terminate('test done');
      await waitFor(
        async () => (await readQueueLoad(client, namespace(), queue)).inFlight === 0,
        20_000,
        'no run in flight',
      );
      expect(await run(queue, { policy: zeroWindow })).toMatchObject({ outcome: 'scaled', desired: 0 });
    } finally {
      await worker.shutdown();
    }
  });

  it('scales a service through its minimum instance count', async () => {
    const result = await run(backlogQueue, { target: SERVICE });
    expect(result).toMatchObject({ outcome: 'scaled', current: 1, desired: 3 });
    expect(fake.count(SERVICE)).toBe(3);
    expect(fake.get(SERVICE).scaling.maxInstanceCount).toBe(100); // the rest of the scaling block is kept
    expect(patches().at(-1)!.query.updateMask).toBe('scaling.min_instance_count');
  });
});

describe('autoscaler under Cloud Run API faults', () => {
  it('retries a 500 on read and a 503 on write, and re-plans after an etag conflict', async () => {
    fake.setCount(POOL, 0);
    fake.faults.push(
      { method: 'GET', status: 500, code: 'INTERNAL' },
      { method: 'PATCH', status: 503, code: 'UNAVAILABLE' },
    );
    fake.concurrentWriteBeforeNextPatch(POOL);
    const result = await run(backlogQueue);
    expect(result).toMatchObject({ outcome: 'scaled', desired: 2 });
    expect(fake.count(POOL)).toBe(2);
    expect(logs.at(-1)!.attempts).toBe(4); // 500 on get, 503 on patch, 409 on the stale etag, then success
    expect(fake.get(POOL).labels.touched).toBeDefined(); // the other writer's change survived
  });

  it('gives up after its attempts with one error line, and does not throw', async () => {
    fake.setCount(POOL, 0);
    fake.faults.push(...Array.from({ length: 4 }, () => ({ method: 'GET' as const, status: 500, code: 'INTERNAL' })));
    const result = await run(backlogQueue);
    expect(result.outcome).toBe('error');
    expect(logs.at(-1)).toMatchObject({ severity: 'ERROR', error: { code: 13 } });
    expect(fake.count(POOL)).toBe(0);
    expect(fake.faults).toEqual([]);
  });

  it('does not retry what cannot succeed (a 404 target)', async () => {
    const before = fake.requests.length;
    const result = await run(backlogQueue, { target: 'projects/p/locations/us-central1/workerPools/missing' });
    expect(result.outcome).toBe('error');
    expect(logs.at(-1)).toMatchObject({ severity: 'ERROR', error: { code: 5 } });
    expect(fake.requests.length - before).toBe(1);
  });

  it('waits on a slow operation, and gives up on a hung one at the deadline without crashing', async () => {
    fake.setCount(POOL, 0);
    fake.operationMode = { kind: 'after-polls', polls: 2 };
    expect(await run(backlogQueue)).toMatchObject({ outcome: 'scaled', desired: 2 });

    fake.operationMode = { kind: 'hang' };
    fake.setCount(POOL, 0);
    const started = Date.now();
    const result = await run(backlogQueue, {
      targetOptions: { clientOptions: fake.clientOptions, retryDelayMs: 20, operationDeadlineMs: 1_500 },
    });
    const tookMs = Date.now() - started;
    expect(result.outcome).toBe('error');
    expect(logs.at(-1)).toMatchObject({ severity: 'ERROR', error: { name: 'OperationDeadlineError' } });
    expect(tookMs).toBeGreaterThanOrEqual(1_500);
    expect(tookMs).toBeLessThan(5_000);
    // Polling stopped with the deadline (no timer keeps a job alive).
    const polls = () => fake.requests.filter((r) => r.path.includes('/operations/')).length;
    const after = polls();
    await new Promise((r) => setTimeout(r, 2_500));
    expect(polls()).toBeLessThanOrEqual(after + 1);
    fake.operationMode = { kind: 'immediate' };
  });
});

describe('runnable entries', () => {
  const env = () => ({
    TEMPORAL_ADDRESS: address(),
    TEMPORAL_NAMESPACE: namespace(),
    TEMPORAL_TASK_QUEUE: backlogQueue,
    AUTOSCALER_TARGET: POOL,
    AUTOSCALER_TARGET_PER_INSTANCE: '4',
    AUTOSCALER_MAX_STEP_UP: '10',
  });

  it('the scheduled-function handler decides from the environment', async () => {
    fake.setCount(POOL, 0);
    const handler = createAutoscaleHandler(env(), {
      targetOptions: { clientOptions: fake.clientOptions },
      log: (l) => logs.push(l),
    });
    expect(await handler({ scheduleTime: new Date().toISOString() })).toMatchObject({ outcome: 'scaled', desired: 3 });
    expect(fake.count(POOL)).toBe(3);
  });

  it('the job entry returns exit code 0 on success and 1 on bad settings or API failure', async () => {
    fake.setCount(POOL, 0);
    const overrides = {
      targetOptions: { clientOptions: fake.clientOptions, maxAttempts: 1 },
      log: (l: DecisionLog) => logs.push(l),
    };
    expect(await runAutoscalerOnce({ ...env(), AUTOSCALER_DRY_RUN: 'true' }, overrides)).toBe(0);
    expect(fake.count(POOL)).toBe(0);
    fake.faults.push({ method: 'GET', status: 500, code: 'INTERNAL' });
    expect(await runAutoscalerOnce(env(), overrides)).toBe(1);
    expect(await runAutoscalerOnce({ ...env(), AUTOSCALER_MAX_INSTANCES: 'lots' }, overrides)).toBe(1);
  });
});
