// The basics on the dev server: a flow run end to end, failure semantics (retries by Genkit status, Retry-After,
// validation), idempotency keys and per-flow defaults. The cancel's wall-clock bound is in foundation-cancel.test.ts
// (which runs alone).
import { describe, expect, it } from 'vitest';
import { executeFlowWorkflow, FlowRunError, getTemporalClient, startFlowWorkflow } from '../../src';
import { toFlowRunError } from '../../src/client/flow-run-error';
import { askFlow, greetFlow, setScript } from '../fixtures/basic-flows';
import { activityStarts, address, namespace, startWorker, tsMs, useWorker } from '../helpers/temporal';

const { opts } = useWorker('foundation');

describe('a flow with object input and output', () => {
  it('runs end to end through executeFlowWorkflow, and still directly and through flow.run', async () => {
    const input = { name: 'Ada', times: 2 };
    const viaTemporal = await executeFlowWorkflow(greetFlow, input, opts());
    expect(viaTemporal).toEqual({ greeting: 'hello Ada, hello Ada', length: 20 });
    expect(await greetFlow(input)).toEqual(viaTemporal);
    expect((await greetFlow.run(input)).result).toEqual(viaTemporal);
  });
});

describe('failure semantics', () => {
  it('fails an unknown flow after exactly one attempt, listing the registered flows', async () => {
    const handle = await startFlowWorkflow('noSuchFlow', {}, opts());
    const err = await executeResult(handle);
    expect(err).toBeInstanceOf(FlowRunError);
    expect(err.failureType).toBe('GenkitFlowNotFound');
    expect(err.status).toBe('NOT_FOUND');
    expect(err.message).toContain('noSuchFlow');
    expect(err.message).toContain('greetFlow');
    expect(err.attempts).toBe(1);
    const history = (await handle.fetchHistory()).events ?? [];
    const markers = history.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
    // Started by a name this process does not define, the run learns the flow's options from its first attempt
    // (no lookup before it): that attempt finds no flow, once, and nothing retries it.
    expect(markers).toHaveLength(0);
    expect(history.filter((e) => e.activityTaskScheduledEventAttributes)).toHaveLength(1);
  });

  it('rejects invalid input before any workflow starts when given the flow object', async () => {
    const workflowId = `invalid-${Date.now()}`;
    await expect(
      startFlowWorkflow(greetFlow, { name: 'Ada', times: 'twice' } as never, { ...opts(), workflowId }),
    ).rejects.toMatchObject({ status: 'INVALID_ARGUMENT' });
    const client = await getTemporalClient(opts());
    await expect(client.workflow.getHandle(workflowId).describe()).rejects.toThrow(/not found/i);
  });

  it('fails invalid input given by name non-retryably after one attempt, with the validation details', async () => {
    const handle = await startFlowWorkflow('greetFlow', { name: 42 }, opts());
    const err = await executeResult(handle);
    expect(err.status).toBe('INVALID_ARGUMENT');
    expect(err.attempts).toBe(1);
    expect(JSON.stringify(err.detail)).toMatch(/name|times/);
    expect(await activityStarts(handle)).toHaveLength(1);
  });

  it('retries UNAVAILABLE and succeeds on the third attempt', async () => {
    setScript([
      { error: { status: 'UNAVAILABLE', message: 'overloaded' } },
      { error: { status: 'UNAVAILABLE', message: 'overloaded' } },
      { text: 'third time lucky' },
    ]);
    const handle = await startFlowWorkflow(askFlow, 'hi', opts());
    expect(await handle.result()).toBe('third time lucky');
    expect(await activityStarts(handle)).toHaveLength(3);
  });

  it('waits at least Retry-After before the next attempt on RESOURCE_EXHAUSTED', async () => {
    setScript([{ error: { status: 'RESOURCE_EXHAUSTED', message: 'quota', retryAfterMs: 1500 } }, { text: 'later' }]);
    const handle = await startFlowWorkflow(askFlow, 'hi', opts());
    expect(await handle.result()).toBe('later');
    const events = (await handle.fetchHistory()).events ?? [];
    const failed = events.find((e) => e.activityTaskFailedEventAttributes)!;
    const starts = await activityStarts(handle);
    expect(starts).toHaveLength(2);
    // Attempt 2 began no earlier than 1.5 s after attempt 1 failed.
    expect(starts[1].time - tsMs(failed.eventTime)).toBeGreaterThanOrEqual(1500);
  });

  it('does not retry INVALID_ARGUMENT from the model, and the caller keeps Genkit status and message', async () => {
    setScript([{ error: { status: 'INVALID_ARGUMENT', message: 'prompt too long' } }]);
    const handle = await startFlowWorkflow(askFlow, 'hi', opts());
    const err = await executeResult(handle);
    expect(err.status).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('prompt too long');
    expect(err.attempts).toBe(1);
    expect(await activityStarts(handle)).toHaveLength(1);
  });
});

describe('idempotency', () => {
  it('starts one run for two concurrent starts with the same key', async () => {
    setScript([{ delayMs: 500, text: 'once' }]);
    const key = `key-${Date.now()}`;
    const [a, b] = await Promise.all([
      startFlowWorkflow(askFlow, 'x', { ...opts(), idempotencyKey: key }),
      startFlowWorkflow(askFlow, 'x', { ...opts(), idempotencyKey: key }),
    ]);
    expect(a.workflowId).toBe(b.workflowId);
    const [da, db] = await Promise.all([a.describe(), b.describe()]);
    expect(da.runId).toBe(db.runId);
    expect(await a.result()).toBe('once');

    // After the run has finished, the same key still returns that run instead of starting another.
    const again = await startFlowWorkflow(askFlow, 'x', { ...opts(), idempotencyKey: key });
    expect((await again.describe()).runId).toBe(da.runId);
    expect(await again.result()).toBe('once');
  });
});

async function executeResult(handle: { result(): Promise<unknown>; workflowId: string }): Promise<FlowRunError> {
  try {
    await handle.result();
  } catch (err) {
    return toFlowRunError(err, handle.workflowId) as FlowRunError;
  }
  throw new Error('expected the run to fail');
}

describe('per-flow defaults', () => {
  it("routes the workflow to the flow's own task queue from config.temporal", async () => {
    const { routedFlow, routedQueue } = await import('../fixtures/routed-flow');
    const worker = await startWorker(routedQueue);
    try {
      const handle = await startFlowWorkflow(routedFlow, 'x', { address: address(), namespace: namespace() });
      expect(await handle.result()).toBe('X');
      expect((await handle.describe()).taskQueue).toBe(routedQueue);
    } finally {
      await worker.shutdown();
    }
  });
});
