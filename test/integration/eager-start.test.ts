// Eager workflow start (`requestEagerStart`): with a client on the NativeConnection of a worker in this process,
// the server hands the run's first workflow task back in the start call. The run must behave exactly like a
// normal one (same result, same history shape); a client that cannot take the task is refused before anything
// starts; a task queue with no worker in this process falls back to a normal start.
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeFlowWorkflow, startFlowWorkflow } from '../../src';
import { closeTemporalClients } from '../../src/client/connection';
import type { TemporalWorkerHandle } from '../../src/worker/start-worker';
import { greetFlow } from '../fixtures/basic-flows';
import { address, historyOf, namespace, newClient, startWorker, uniqueTaskQueue } from '../helpers/temporal';

const taskQueue = uniqueTaskQueue('eager');
let connection: NativeConnection;
let worker: TemporalWorkerHandle;
let eagerClient: Client;

beforeAll(async () => {
  connection = await NativeConnection.connect({ address: address() });
  worker = await startWorker(taskQueue, { connection });
  eagerClient = new Client({ connection, namespace: namespace() });
});

afterAll(async () => {
  await worker?.shutdown();
  await connection?.close();
  await closeTemporalClients();
});

const input = { name: 'eager', times: 2 };
/** What the SDK's start reported: whether the server handed the first workflow task back eagerly. */
const eagerlyStarted = (handle: object) => (handle as { eagerlyStarted?: boolean }).eagerlyStarted;

describe('requestEagerStart', () => {
  it('starts the run on this process worker and completes it like a normal start', async () => {
    const eager = await startFlowWorkflow(greetFlow, input, {
      client: eagerClient,
      taskQueue,
      requestEagerStart: true,
    });
    expect(eagerlyStarted(eager)).toBe(true);
    const normal = await startFlowWorkflow(greetFlow, input, { client: eagerClient, taskQueue });
    expect(eagerlyStarted(normal)).toBe(false);
    expect(await eager.result()).toEqual(await normal.result());
    const kinds = async (h: typeof eager) => (await historyOf(h)).map((e) => e.eventType);
    expect(await kinds(eager)).toEqual(await kinds(normal));
  });

  it('falls back to a normal start when no worker of this process polls the task queue', async () => {
    const otherQueue = uniqueTaskQueue('eager-none');
    const handle = await startFlowWorkflow(greetFlow, input, {
      client: eagerClient,
      taskQueue: otherQueue,
      requestEagerStart: true,
    });
    expect(eagerlyStarted(handle)).toBe(false);
    await handle.terminate('no worker for this queue in the test');
  });

  it('refuses, before starting anything, a client that cannot take the task', async () => {
    const grpcClient = await newClient();
    try {
      for (const [i, client] of [undefined, grpcClient].entries()) {
        const workflowId = `eager-refused-${i}-${Date.now()}`;
        await expect(
          executeFlowWorkflow(greetFlow, input, {
            client,
            address: address(),
            namespace: namespace(),
            taskQueue,
            requestEagerStart: true,
            workflowId,
          }),
        ).rejects.toMatchObject({ status: 'INVALID_ARGUMENT' });
        await expect(grpcClient.workflow.getHandle(workflowId).describe()).rejects.toBeInstanceOf(
          WorkflowNotFoundError,
        );
      }
    } finally {
      await grpcClient.connection.close();
    }
  });
});
