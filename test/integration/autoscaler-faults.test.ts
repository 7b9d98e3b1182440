// The autoscaler fails safe (issue 20): a frozen Temporal server fails the run within the call deadline with nothing
// written; a task-queue name nobody uses is an error, not an idle queue scaled to zero; a pending scale-down does not
// rewrite its state on every tick; a Cloud Run call answered CANCELLED is retried. Real dev servers (one of its own,
// frozen with SIGSTOP; the shared one is never stopped), the real `@google-cloud/run` client and the local fake of
// the Cloud Run Admin REST API.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createAutoscaleHandler,
  runAutoscaler,
  runAutoscalerOnce,
  STATE_ANNOTATION,
  type AutoscalerOptions,
  type DecisionLog,
  type ScalingPolicy,
} from '../../src/autoscale';
import { closeTemporalClients, executeFlowWorkflow } from '../../src';
import { greetFlow } from '../fixtures/basic-flows';
import { startFakeCloudRunApi, type FakeCloudRunApi } from '../harness/cloud-run-api';
import { startPersistentDevServer, type DevServerProcess } from '../harness/dev-server-process';
import { address, namespace, newClient, startWorker, uniqueTaskQueue, waitFor } from '../helpers/temporal';

/** A process's state letter from /proc (`T` once SIGSTOP has stopped it), or why it could not be read. */
function processState(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]!;
  } catch (err) {
    return `unreadable: ${(err as Error).message}`;
  }
}

const POOL = 'projects/p/locations/us-central1/workerPools/genkit-workers';
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
/** A queue whose last run finished: idle, but known. */
let idleQueue: string;

beforeAll(async () => {
  fake = await startFakeCloudRunApi([{ name: POOL, count: 0 }]);
  client = await newClient();
  idleQueue = uniqueTaskQueue('autoscale-idle');
  // One run done by a worker that has gone since: the queue is idle, and known.
  const worker = await startWorker(idleQueue);
  try {
    await executeFlowWorkflow(
      greetFlow,
      { name: 'idle', times: 1 },
      {
        address: address(),
        namespace: namespace(),
        taskQueue: idleQueue,
      },
    );
  } finally {
    await worker.shutdown();
  }
  await waitFor(
    async () =>
      (await client.workflow.count(`TaskQueue = '${idleQueue}' AND ExecutionStatus = 'Completed'`)).count === 1,
    20_000,
    'the finished run in visibility',
  );
});

afterAll(async () => {
  await fake?.close();
  await client?.connection.close();
  await closeTemporalClients();
});

const patches = () => fake.requests.filter((r) => r.method === 'PATCH');

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

describe('a task queue nobody uses', () => {
  it('is an error naming the queue and what to check, and nothing is scaled', async () => {
    fake.setCount(POOL, 3);
    const typo = uniqueTaskQueue('genkit-wokers');
    const before = patches().length;
    const result = await run(typo, { policy: { ...policy, scaleDownWindowSeconds: 0 } });
    expect(result.outcome).toBe('error');
    expect(logs.at(-1)).toMatchObject({ severity: 'ERROR', error: { name: 'UnknownTaskQueueError' } });
    expect(logs.at(-1)!.message).toContain(`"${typo}"`);
    expect(logs.at(-1)!.message).toContain('TEMPORAL_TASK_QUEUE');
    expect(patches().length).toBe(before);
    expect(fake.count(POOL)).toBe(3);
  });

  it('fails the job entry (exit 1)', async () => {
    fake.setCount(POOL, 3);
    const code = await runAutoscalerOnce(
      {
        TEMPORAL_ADDRESS: address(),
        TEMPORAL_NAMESPACE: namespace(),
        TEMPORAL_TASK_QUEUE: uniqueTaskQueue('genkit-wokers'),
        AUTOSCALER_TARGET: POOL,
        AUTOSCALER_SCALE_DOWN_WINDOW_SECONDS: '0',
      },
      { targetOptions: { clientOptions: fake.clientOptions }, log: (l) => logs.push(l) },
    );
    expect(code).toBe(1);
    expect(fake.count(POOL)).toBe(3);
  });

  it('a queue whose runs have finished and whose workers are gone is still idle, and scales to zero', async () => {
    fake.setCount(POOL, 3);
    expect(await run(idleQueue, { policy: { ...policy, scaleDownWindowSeconds: 0 } })).toMatchObject({
      outcome: 'scaled',
      desired: 0,
    });
  });
});

describe('a pending scale-down', () => {
  it('writes its state once, not on every tick, and scales down at the end of the window', async () => {
    fake.setCount(POOL, 4);
    const before = patches().length;
    // Ticks every 20 s through a 300 s window of idle readings.
    for (let t = 50_000; t < 50_300; t += 20) {
      expect(await run(idleQueue, { now: () => t })).toMatchObject({ outcome: 'unchanged', desired: 4 });
    }
    expect(JSON.parse(fake.get(POOL).annotations[STATE_ANNOTATION])).toEqual({ since: 50_000, recent: [[50_000, 0]] });
    const pendingWrites = patches().length - before;
    expect(await run(idleQueue, { now: () => 50_300 })).toMatchObject({ outcome: 'scaled', desired: 0 });
    expect(fake.get(POOL).annotations[STATE_ANNOTATION]).toBeUndefined();
    // One write to start the pending state, one to scale down (the code before wrote on each of the 15 ticks).
    expect({ pendingWrites, total: patches().length - before }).toEqual({ pendingWrites: 1, total: 2 });
  });
});

describe('Cloud Run faults', () => {
  it('retries a call the server cancelled (HTTP 499 / CANCELLED)', async () => {
    fake.setCount(POOL, 3);
    fake.faults.push({ method: 'GET', status: 499, code: 'CANCELLED' });
    const result = await run(idleQueue, { policy: { ...policy, scaleDownWindowSeconds: 0 } });
    expect(result).toMatchObject({ outcome: 'scaled', desired: 0 });
    expect(logs.at(-1)!.attempts).toBe(2);
    expect(fake.faults).toEqual([]);
  });
});

describe('a frozen Temporal server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'autoscale-frozen-'));
  let server: DevServerProcess | undefined;
  let serverAddress: string;

  beforeAll(async () => {
    server = await startPersistentDevServer(inject('temporalCliPath'), join(dir, 'temporal.db'), { kitArgs: false });
    serverAddress = server.address;
  }, 90_000);

  afterAll(async () => {
    server?.child().kill('SIGCONT');
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails a warm handler run within the call deadline, with one error line and nothing written', async () => {
    const taskQueue = uniqueTaskQueue('autoscale-frozen');
    const own = new Client({ connection: await Connection.connect({ address: serverAddress }) });
    await Promise.all(
      [0, 1, 2].map((i) => own.workflow.start('noWorkerPollsThis', { taskQueue, workflowId: `${taskQueue}-${i}` })),
    );
    await own.connection.close();
    const handler = createAutoscaleHandler(
      {
        TEMPORAL_ADDRESS: serverAddress,
        TEMPORAL_NAMESPACE: 'default',
        TEMPORAL_TASK_QUEUE: taskQueue,
        AUTOSCALER_TARGET: POOL,
      },
      {
        targetOptions: { clientOptions: fake.clientOptions },
        log: (l) => logs.push(l),
        temporalCallTimeoutMs: 2_000,
      },
    );
    fake.setCount(POOL, 0);
    // Warm: the connection is open and the queue read works.
    await waitFor(async () => (await handler()).outcome === 'scaled', 30_000, 'a first decision');
    expect(fake.count(POOL)).toBe(1);

    const child = server!.child();
    expect(child.exitCode, 'our dev server is still running before it is frozen').toBeNull();
    child.kill('SIGSTOP');
    const before = patches().length;
    const started = Date.now();
    const bound = new Promise<'still hanging'>((r) => setTimeout(() => r('still hanging'), 30_000).unref());
    const result = await Promise.race([handler(), bound]);
    const tookMs = Date.now() - started;
    console.log(`[autoscaler-faults] frozen server: the run failed after ${tookMs} ms`);
    expect(result).not.toBe('still hanging');
    // Once on fresh-clone CI a frozen server "answered" in 13 ms: say what was frozen and what the run read.
    const state = { pid: child.pid, procState: processState(child.pid!), exitCode: child.exitCode, log: logs.at(-1) };
    expect(result, JSON.stringify(state)).toMatchObject({ outcome: 'error' });
    expect(logs.at(-1)).toMatchObject({ severity: 'ERROR', error: { name: 'TemporalCallTimeoutError' } });
    expect(logs.at(-1)!.message).toContain('TEMPORAL_ADDRESS');
    expect(tookMs).toBeGreaterThanOrEqual(1_900);
    expect(tookMs).toBeLessThan(10_000);
    expect(patches().length).toBe(before);
    expect(fake.count(POOL)).toBe(1);
  }, 120_000);

  it('fails the job entry (exit 1) on the frozen server', async () => {
    const started = Date.now();
    const code = await runAutoscalerOnce(
      {
        TEMPORAL_ADDRESS: serverAddress,
        TEMPORAL_NAMESPACE: 'default',
        TEMPORAL_TASK_QUEUE: 'genkit',
        AUTOSCALER_TARGET: POOL,
      },
      { targetOptions: { clientOptions: fake.clientOptions }, log: (l) => logs.push(l), temporalCallTimeoutMs: 2_000 },
    );
    console.log(`[autoscaler-faults] frozen server, job entry: exit ${code} after ${Date.now() - started} ms`);
    expect(code).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 60_000);
});
