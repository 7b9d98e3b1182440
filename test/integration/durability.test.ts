// Attacks on the journal's guarantees with one in-process worker: retries the flow catches itself, changed
// requests, continue-as-new, wide fan-outs, big journals, early and repeated answers, and the small defects that
// used to hang or mislead a caller.
import { beforeEach, describe, expect, it } from 'vitest';
import {
  FlowRunError,
  getFlowRun,
  getTemporalClient,
  provideFlowInput,
  startFlowWorkflow,
  streamFlowRun,
  type FlowStreamEvent,
} from '../../src';
import { toFlowRunError } from '../../src/client/flow-run-error';
import { journalQuery, progressQuery } from '../../src/workflows/messages';
import { ledger } from '../fixtures/durable-flows';
import {
  bigOutputFlow,
  bigJournalFlow,
  busyWaitFlow,
  changedRequestFlow,
  earlyAnswerFlow,
  longFlow,
  middlewareRetryFlow,
  retryLoopFlow,
  wideFlow,
} from '../fixtures/durability-flows';
import '../fixtures/hitl-flows';
import { activityStarts, historyOf, uniqueTaskQueue, useWorker, waitFor } from '../helpers/temporal';

const { opts } = useWorker('durability');
beforeEach(() => {
  ledger.length = 0;
});
const count = (entry: string) => ledger.filter((e) => e === entry).length;

async function failureOf(promise: Promise<unknown>): Promise<FlowRunError> {
  const err = await promise.then(
    () => undefined,
    (e) => e,
  );
  expect(err).toBeInstanceOf(FlowRunError);
  return err as FlowRunError;
}

async function collect(workflowId: string, fromOffset = 0) {
  const events: FlowStreamEvent[] = [];
  for await (const event of streamFlowRun(workflowId, { ...opts(), fromOffset, pollIntervalMs: 50 }))
    events.push(event);
  return events;
}

describe('retries the flow catches itself keep every step at its position', () => {
  it("Genkit's retry middleware: after an attempt failure each call gets its own answer, none is paid twice", async () => {
    const handle = await startFlowWorkflow(middlewareRetryFlow, 'x', opts());
    expect(await handle.result()).toEqual(['answer(flaky A x)', 'answer(B x)', 'answer(C x)']);
    expect(await activityStarts(handle)).toHaveLength(2);
    // The first call failed once and succeeded once; replay gave the middleware the same failure and answer.
    expect(count('model:flaky A x')).toBe(2);
    expect(count('model:B x')).toBe(1);
    expect(count('model:C x')).toBe(1);
    expect(count('step:charge x')).toBe(1);
    const journal = await handle.query(journalQuery);
    expect(journal.slice(0, 2)).toMatchObject([
      { key: '0', kind: 'model', retryable: true, error: { status: 'UNAVAILABLE' } },
      { key: '1', kind: 'model', output: expect.anything() },
    ]);
  });

  it('a hand-written retry loop around step(): the next attempt replays the caught failure and the retry', async () => {
    const handle = await startFlowWorkflow(retryLoopFlow, 'y', opts());
    const [data, used, last] = (await handle.result()) as string[];
    expect(data).toMatch(/^data-y-/);
    expect(used).toBe(`used ${data}`);
    expect(last).toBe('last');
    expect(count('step:fetch y')).toBe(2);
    expect(count('step:use y')).toBe(1);
    expect(count('step:last y')).toBe(1);
  });
});

describe('a replay never hands one call the result of another', () => {
  it('fails with NonDeterministicFlow naming the step whose request changed', async () => {
    const handle = await startFlowWorkflow(changedRequestFlow, 'z', opts());
    const err = await failureOf(handle.result().catch((e) => Promise.reject(toRunError(e, handle.workflowId))));
    expect(err.failureType).toBe('NonDeterministicFlow');
    expect(err.status).toBe('FAILED_PRECONDITION');
    expect(err.message).toContain('step 2');
    expect(err.message).toContain('three z');
    expect(err.message).toContain('three, but different, z');
    expect(err.detail).toMatchObject({ step: '2' });
    // The changed request was never sent to the model.
    expect(count('model:three, but different, z')).toBe(0);
  });
});

describe('no hard ceiling on a run', () => {
  it('continues as new on its own and streams every chunk once, readable from offset 0', async () => {
    const steps = 200;
    const handle = await startFlowWorkflow(
      longFlow,
      { steps },
      { ...opts(), continueAsNewAfter: 40, workflowTaskTimeout: '3s' },
    );
    const events = await collect(handle.workflowId);
    const chunks = events.filter((e) => e.type === 'chunk');
    expect(events.at(-1)).toEqual({ type: 'result', result: (steps * (steps - 1)) / 2 });
    expect(chunks).toHaveLength(steps * 2);
    chunks.forEach((c, i) => {
      expect(c).toMatchObject({ offset: i, chunk: { step: Math.floor(i / 2), part: i % 2 ? 'b' : 'a' } });
    });
    const progress = await handle.query(progressQuery);
    expect(progress.continuations).toBeGreaterThanOrEqual(5);
    // Every execution keeps the run's workflow-task timeout (a failover after SIGKILL waits at most that long).
    const { raw } = await handle.describe();
    expect(Number(raw.executionConfig?.defaultWorkflowTaskTimeout?.seconds)).toBe(3);
    // A reader that re-attaches mid-way gets exactly the rest.
    const tail = (await collect(handle.workflowId, steps)).filter((e) => e.type === 'chunk');
    expect(tail.map((c) => (c as { offset: number }).offset)).toEqual(
      chunks.slice(steps).map((c) => (c as { offset: number }).offset),
    );
  });

  it('journals 100 parallel steps with long names in a few writes with bounded Update IDs, and never re-runs them', async () => {
    const handle = await startFlowWorkflow(wideFlow, 'w', opts());
    expect(await handle.result()).toBe(4950);
    for (let i = 0; i < 100; i++) expect(count(`wide:w:${i}`)).toBe(1);
    const updateIds = (await historyOf(handle))
      .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId)
      .filter((id): id is string => !!id && id.startsWith('step '));
    expect(updateIds.length).toBeLessThanOrEqual(20);
    for (const id of updateIds) expect(id.length).toBeLessThan(300);
  });

  it('resumes a run whose journal (six 500 KiB steps) is bigger than one payload', async () => {
    const handle = await startFlowWorkflow(bigJournalFlow, 'b', opts());
    expect(await handle.result()).toEqual(Array(6).fill(500 * 1024));
    expect(await activityStarts(handle)).toHaveLength(2);
    for (let i = 0; i < 6; i++) expect(count(`big:b:${i}`)).toBe(1);
  });
});

describe('answers', () => {
  it('keeps an answer sent before the run waits and delivers it; a retried answer is applied once', async () => {
    const handle = await startFlowWorkflow(earlyAnswerFlow, { workMs: 2_000 }, opts());
    // Two sends of the same answer (a client retry): the second must not answer the second wait.
    await provideFlowInput(handle.workflowId, 'approval', 'first', { ...opts(), idempotencyKey: 'a-1' });
    await provideFlowInput(handle.workflowId, 'approval', 'first', { ...opts(), idempotencyKey: 'a-1' });
    expect((await getFlowRun(handle.workflowId, opts())).progress?.status).toBe('running');
    const waiting = await waitFor(async () => {
      const run = await getFlowRun(handle.workflowId, opts());
      return run.status === 'WAITING' ? run : undefined;
    });
    expect(waiting.pendingInputs[0].name).toBe('approval');
    await provideFlowInput(handle.workflowId, 'approval', 'second', { ...opts(), idempotencyKey: 'a-2' });
    expect(await handle.result()).toEqual(['first', 'second']);
  });

  it('rejects an answer to a run that has ended with NOT_FOUND or FAILED_PRECONDITION', async () => {
    const handle = await startFlowWorkflow(earlyAnswerFlow, { workMs: 0 }, opts());
    await provideFlowInput(handle.workflowId, 'approval', 'a', opts());
    await provideFlowInput(handle.workflowId, 'approval', 'b', opts());
    await handle.result();
    const err = await provideFlowInput(handle.workflowId, 'approval', 'c', opts()).catch((e) => e);
    expect(['NOT_FOUND', 'FAILED_PRECONDITION']).toContain(err.status);
  });

  it('gives up with DEADLINE_EXCEEDED when no worker takes the answer', async () => {
    const taskQueue = uniqueTaskQueue('no-worker');
    const handle = await startFlowWorkflow('earlyAnswerFlow', { workMs: 0 }, { ...opts(), taskQueue });
    const started = Date.now();
    const err = await provideFlowInput(handle.workflowId, 'approval', 'x', { ...opts(), timeoutMs: 1_500 }).catch(
      (e) => e,
    );
    expect(err.status).toBe('DEADLINE_EXCEEDED');
    expect(Date.now() - started).toBeLessThan(10_000);
    await handle.terminate();
  });

  it('gives up with DEADLINE_EXCEEDED also when the server ends the call first (gRPC CANCELLED)', async () => {
    // The server gets the same deadline (grpc-timeout) and, when it fires first, resets the stream: the client
    // sees CANCELLED instead of its own DEADLINE_EXCEEDED. Holding this process's event loop across the deadline
    // keeps the client's timer from firing first, as a loaded machine does now and then (CI went red on it once).
    const taskQueue = uniqueTaskQueue('no-worker-busy-client');
    const handle = await startFlowWorkflow('earlyAnswerFlow', { workMs: 0 }, { ...opts(), taskQueue });
    const timeoutMs = 1_500;
    try {
      // The server's reset wins most of the time, not always (it may answer DEADLINE_EXCEEDED itself): 3 rounds.
      for (let round = 0; round < 3; round++) {
        const busy = setTimeout(() => {
          for (const until = Date.now() + 1_000; Date.now() < until;);
        }, timeoutMs - 300);
        const err = await provideFlowInput(handle.workflowId, 'approval', `x${round}`, { ...opts(), timeoutMs }).catch(
          (e) => e,
        );
        clearTimeout(busy);
        expect(err?.status, String(err?.cause?.message ?? err)).toBe('DEADLINE_EXCEEDED');
      }
    } finally {
      await handle.terminate();
    }
  });

  it('a waiting attempt stops its parallel branch instead of leaving it running', async () => {
    const handle = await startFlowWorkflow(busyWaitFlow, 'p', opts());
    await waitFor(async () => (await getFlowRun(handle.workflowId, opts())).status === 'WAITING');
    const ticksWhenWaiting = ledger.filter((e) => e.startsWith('tick:p:')).length;
    await new Promise((r) => setTimeout(r, 600));
    expect(ledger.filter((e) => e.startsWith('tick:p:')).length).toBe(ticksWhenWaiting);
    await provideFlowInput(handle.workflowId, 'go', true, opts());
    expect(await handle.result()).toEqual({ go: true, ticks: 15 });
    for (let i = 0; i < 15; i++) expect(count(`tick:p:${i}`)).toBe(1);
  });
});

describe('small defects that used to hang or mislead', () => {
  it('streamFlowRun ends with the error for a run whose flow does not exist', async () => {
    const handle = await startFlowWorkflow('noSuchFlow', {}, opts());
    const err = await collect(handle.workflowId).catch((e) => e);
    expect(err).toBeInstanceOf(FlowRunError);
    expect(err.status).toBe('NOT_FOUND');
  });

  it('streamFlowRun ends for a terminated run and for a run past its workflowExecutionTimeout', async () => {
    const terminated = await startFlowWorkflow(earlyAnswerFlow, { workMs: 0 }, opts());
    await waitFor(async () => (await getFlowRun(terminated.workflowId, opts())).status === 'WAITING');
    await terminated.terminate('test');
    expect(await collect(terminated.workflowId).catch((e) => e.status)).toBe('ABORTED');

    const timedOut = await startFlowWorkflow(
      earlyAnswerFlow,
      { workMs: 0 },
      { ...opts(), workflowExecutionTimeout: '2s' },
    );
    const err = await collect(timedOut.workflowId).catch((e) => e);
    expect(err.status).toBe('DEADLINE_EXCEEDED');
    expect(err.failureType).toBe('WorkflowExecutionTimedOut');
    expect(err.message).toMatch(/workflowExecutionTimeout/);
  });

  it('rejects bad offsets, empty workflow IDs and unbounded retries with INVALID_ARGUMENT', async () => {
    for (const fromOffset of [-1, Number.NaN, 1.5]) {
      await expect(streamFlowRun('any', { ...opts(), fromOffset }).next()).rejects.toMatchObject({
        status: 'INVALID_ARGUMENT',
      });
    }
    await expect(getFlowRun('', opts())).rejects.toMatchObject({ status: 'INVALID_ARGUMENT' });
    await expect(provideFlowInput('', 'a', 1, opts())).rejects.toMatchObject({ status: 'INVALID_ARGUMENT' });
    await expect(
      startFlowWorkflow(longFlow, { steps: 1 }, { ...opts(), retry: { maximumAttempts: 0 } }),
    ).rejects.toMatchObject({ status: 'INVALID_ARGUMENT' });
    // Started by name from a plain Temporal client (no client-side check), the workflow refuses it at once.
    const client = await getTemporalClient(opts());
    const byName = await client.workflow.start('runGenkitFlow', {
      taskQueue: opts().taskQueue,
      workflowId: `unbounded-${Date.now()}`,
      args: [{ flowName: 'longFlow', input: { steps: 1 }, options: { retry: { maximumAttempts: 0 } } }],
    });
    const err = toRunError(await byName.result().catch((e: unknown) => e), byName.workflowId);
    expect(err.status).toBe('INVALID_ARGUMENT');
    expect(err.message).toMatch(/maximumAttempts/);
    expect(await activityStarts(byName)).toHaveLength(0);
  });

  it('refuses an idempotency key reused with different input', async () => {
    const key = `k-${Date.now()}`;
    const first = await startFlowWorkflow(longFlow, { steps: 1 }, { ...opts(), idempotencyKey: key });
    const again = await startFlowWorkflow(longFlow, { steps: 1 }, { ...opts(), idempotencyKey: key });
    expect(again.workflowId).toBe(first.workflowId);
    await expect(startFlowWorkflow(longFlow, { steps: 2 }, { ...opts(), idempotencyKey: key })).rejects.toMatchObject({
      status: 'ALREADY_EXISTS',
    });
  });

  it('fails an output too big for a payload on attempt 1, saying so', async () => {
    const handle = await startFlowWorkflow(bigOutputFlow, undefined, opts());
    const err = await handle.result().catch((e) => toRunError(e, handle.workflowId));
    expect(err).toMatchObject({ status: 'RESOURCE_EXHAUSTED', failureType: 'FlowResultTooLarge', attempts: 1 });
    expect(count('bigOutput')).toBe(1);
  });
});

/** handle.result() throws Temporal's WorkflowFailedError; this is the conversion executeFlowWorkflow applies. */
function toRunError(err: unknown, workflowId: string): FlowRunError {
  return toFlowRunError(err, workflowId) as FlowRunError;
}
