// Where a run started by name does not adopt its flow's workflow-task timeout, and what the server does behind a
// short one. No wall-clock bound here: the failover bounds of runs started by name are in failover-by-name.test.ts
// (which runs alone); this file runs beside the others.
import { temporal as proto } from '@temporalio/proto';
import { afterAll, describe, expect, it } from 'vitest';
import { provideFlowInput, WORKFLOW_TYPE } from '../../src';
import { closeTemporalClients, getTemporalClient } from '../../src/client/connection';
import '../fixtures/basic-flows';
import '../fixtures/failover-flows';
import { address, namespace, startWorker, uniqueTaskQueue } from '../helpers/temporal';

afterAll(() => closeTemporalClients());

describe('what keeps a run from adopting', () => {
  /** Starts `flowName` as a starter that does not know the flow would (another process, another SDK). */
  async function startUnknowing(flowName: string, input: unknown, queue: string) {
    const client = await getTemporalClient({ address: address(), namespace: namespace() });
    return client.workflow.start(WORKFLOW_TYPE, {
      taskQueue: queue,
      workflowId: `${flowName}-unknowing-${Date.now()}`,
      args: [{ flowName, input, adoptFlowTaskTimeout: true }],
      workflowTaskTimeout: '10s',
    });
  }
  const continuations = async (handle: { fetchHistory: () => Promise<{ events?: any[] | null }> }) =>
    ((await handle.fetchHistory()).events ?? []).filter((e) => e.workflowExecutionContinuedAsNewEventAttributes);

  it('a flow with the default heartbeat timeout: 10 s is its own already, no continue-as-new', async () => {
    const queue = uniqueTaskQueue('adopt-default');
    const handle = await startUnknowing('greetFlow', { name: 'plain', times: 1 }, queue);
    const worker = await startWorker(queue);
    try {
      expect(await handle.result()).toMatchObject({ greeting: 'hello plain' });
      expect((await handle.describe()).runId).toBe(handle.firstExecutionRunId);
      expect(await continuations(handle)).toHaveLength(0);
    } finally {
      await worker.shutdown();
    }
  });

  it('an input that reached the run first: it keeps its timeout, and the input is not lost', async () => {
    const queue = uniqueTaskQueue('adopt-race');
    const handle = await startUnknowing('quickApprovalFlow', 'invoice', queue);
    // Sent before any worker polls: the Update arrives with the run's first workflow task.
    const answered = provideFlowInput(handle.workflowId, 'approval', 'early', {
      address: address(),
      namespace: namespace(),
      timeoutMs: 30_000,
    });
    await new Promise((r) => setTimeout(r, 500));
    const worker = await startWorker(queue);
    try {
      await answered;
      expect(await handle.result()).toBe('invoice: early');
      expect(await continuations(handle)).toHaveLength(0);
      expect((await handle.describe()).runId).toBe(handle.firstExecutionRunId);
    } finally {
      await worker.shutdown();
    }
  });
});

describe('the server behind a short workflow-task timeout', () => {
  it('gives a task slower than its timeout more time from the 4th attempt: it completes, never loops', async () => {
    const client = await getTemporalClient({ address: address(), namespace: namespace() });
    const queue = uniqueTaskQueue('slow-task');
    const handle = await client.workflow.start('slowTaskWorkflow', {
      taskQueue: queue,
      workflowId: `slow-task-${Date.now()}`,
      workflowTaskTimeout: '1s',
    });
    // A worker of our own, over the raw API: it takes each attempt and answers after 2 s, twice the timeout.
    const attempts: number[] = [];
    for (let polls = 0; polls < 20; polls++) {
      const task = await client.withDeadline(Date.now() + 30_000, () =>
        client.workflowService.pollWorkflowTaskQueue({
          namespace: namespace(),
          taskQueue: { name: queue, kind: proto.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
          identity: 'slow-worker',
        }),
      );
      if (!task.taskToken?.length) continue;
      attempts.push(task.attempt ?? 0);
      await new Promise((r) => setTimeout(r, 2_000));
      const done = await client.workflowService
        .respondWorkflowTaskCompleted({
          namespace: namespace(),
          taskToken: task.taskToken,
          identity: 'slow-worker',
          commands: [
            {
              commandType: proto.api.enums.v1.CommandType.COMMAND_TYPE_COMPLETE_WORKFLOW_EXECUTION,
              completeWorkflowExecutionCommandAttributes: {},
            },
          ],
        })
        .then(
          () => true,
          () => false, // timed out: the server has taken the task back
        );
      if (done) break;
    }
    console.log(`[failover-by-name] a 2 s task under a 1 s timeout completed at attempt ${attempts.at(-1)}`);
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect((await handle.describe()).status.name).toBe('COMPLETED');
  }, 60_000);
});
