import { beforeEach, describe, expect, it } from 'vitest';
import {
  cancelFlowRun,
  FlowRunError,
  type FlowRun,
  getFlowRun,
  getTemporalClient,
  provideFlowInput,
  startFlowWorkflow,
} from '../../src';
import { approvalFlow, timeoutFlow, timeoutWithDefaultFlow, transferFlow } from '../fixtures/hitl-flows';
import { interruptFlow } from '../fixtures/interrupt-flows';
import { entries as ledger } from '../fixtures/hitl-ledger';
import { useWorker, waitFor } from '../helpers/temporal';

const { opts, restart } = useWorker('hitl');
beforeEach(() => {
  ledger.length = 0;
});

/**
 * A status read that carries the run's progress. WAITING comes from the progress a worker answers within the status
 * read's budget (600 ms); a worker that must first replay the run (just restarted, or a loaded machine) can miss it,
 * and the read then says RUNNING with progressUnavailable. Reads until one answers in time.
 */
const answeredRun = (workflowId: string) =>
  runReaching(workflowId, (run) => run.progress !== undefined, 'a status read with the run’s progress');

/** Polls getFlowRun until the run matches `reached`, and returns it. */
async function runReaching(workflowId: string, reached: (run: FlowRun) => boolean, what: string) {
  return waitFor(
    async () => {
      const run = await getFlowRun(workflowId, opts());
      return reached(run) ? run : undefined;
    },
    20_000,
    what,
  );
}

function waitingFor(workflowId: string, name: string) {
  return runReaching(
    workflowId,
    (run) => run.status === 'WAITING' && run.pendingInputs.some((p) => p.name === name),
    `the run to wait for "${name}"`,
  );
}

async function pendingActivities(workflowId: string) {
  const client = await getTemporalClient(opts());
  const description = await client.workflow.getHandle(workflowId).describe();
  return description.raw.pendingActivities ?? [];
}

describe('waitForInput', () => {
  it('suspends holding no activity, survives a worker restart, rejects bad input, then completes with the value', async () => {
    const handle = await startFlowWorkflow(approvalFlow, 'laptop', opts());
    const run = await waitingFor(handle.workflowId, 'approval');
    expect(run.pendingInputs[0]).toMatchObject({ name: 'approval', description: 'approve quote: 42 EUR?' });
    expect(run.pendingInputs[0].schema).toMatchObject({ type: 'object', required: ['approved', 'approver'] });
    expect(await pendingActivities(handle.workflowId)).toHaveLength(0);

    // Restart the worker while the run waits: nothing changes.
    await restart();
    expect((await answeredRun(handle.workflowId)).status).toBe('WAITING');

    await expect(provideFlowInput(handle.workflowId, 'approval', { approved: 'yes' }, opts())).rejects.toMatchObject({
      status: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/^(?=.*\$\.approved: must be boolean)(?=.*\$\.approver: is required)/),
    });
    // An input the run has not asked for is kept for later, not rejected; the run still waits for "approval".
    await provideFlowInput(handle.workflowId, 'other', {}, opts());
    const waiting = await answeredRun(handle.workflowId);
    expect(waiting.status).toBe('WAITING');
    expect(waiting.progress?.earlyInputs).toEqual(['other']);

    await provideFlowInput(handle.workflowId, 'approval', { approved: true, approver: 'ana' }, opts());
    expect(await handle.result()).toEqual({ quote: 'quote: 42 EUR', approved: true, approver: 'ana' });
    // The steps before the wait ran once, although the flow was replayed after the wait.
    expect(ledger).toEqual(['model', 'step:reserve', 'step:pay']);
    const done = await getFlowRun(handle.workflowId, opts());
    expect(done).toMatchObject({ status: 'COMPLETED', flowName: 'approvalFlow', pendingInputs: [] });
  });

  it('cancelFlowRun ends a waiting run CANCELLED', async () => {
    const handle = await startFlowWorkflow(approvalFlow, 'desk', opts());
    await waitingFor(handle.workflowId, 'approval');
    await cancelFlowRun(handle.workflowId, opts());
    const run = await runReaching(handle.workflowId, (r) => r.status === 'CANCELLED', 'the run to be cancelled');
    expect(run.error).toMatchObject({ status: 'CANCELLED' });
  });

  it('goes on with the default when the timeout passes', async () => {
    const handle = await startFlowWorkflow(timeoutWithDefaultFlow, undefined, opts());
    expect(await handle.result()).toBe(false);
  });

  it('fails with InputTimeout when the timeout passes without a default', async () => {
    const handle = await startFlowWorkflow(timeoutFlow, undefined, opts());
    const run = await runReaching(handle.workflowId, (r) => r.status === 'FAILED', 'the run to fail');
    expect(run.error).toBeInstanceOf(FlowRunError);
    expect(run.error).toMatchObject({ failureType: 'InputTimeout', status: 'DEADLINE_EXCEEDED' });
    expect(run.error!.message).toMatch(/no value for input "confirm" arrived within 1000 ms/);
  });
});

describe('tool interrupts through toolApproval', () => {
  it('approve: the tool runs and the same generate goes on', async () => {
    const handle = await startFlowWorkflow(transferFlow, undefined, opts());
    const run = await waitingFor(handle.workflowId, 'interrupt:transfer');
    expect(run.pendingInputs[0].interrupt).toMatchObject({ toolRequest: { name: 'transfer', input: { amount: 100 } } });
    expect(ledger).not.toContain('tool:transfer');
    await provideFlowInput(handle.workflowId, 'interrupt:transfer', { action: 'approve' }, opts());
    expect(await handle.result()).toBe('done: "moved 100"');
    expect(ledger.filter((e) => e === 'tool:transfer')).toHaveLength(1);
  });

  it('deny: the tool never runs and the flow handles the denial', async () => {
    const handle = await startFlowWorkflow(transferFlow, undefined, opts());
    await waitingFor(handle.workflowId, 'interrupt:transfer');
    await provideFlowInput(handle.workflowId, 'interrupt:transfer', { action: 'deny', reason: 'over budget' }, opts());
    expect(await handle.result()).toBe('denied: over budget');
    expect(ledger).not.toContain('tool:transfer');
  });
});

describe('other tool interrupts', () => {
  it('a defineInterrupt tool (genkit/beta) is answered with respond', async () => {
    const handle = await startFlowWorkflow(interruptFlow, 'askUser', opts());
    const run = await waitingFor(handle.workflowId, 'interrupt:askUser');
    expect(run.pendingInputs[0].interrupt).toMatchObject({ toolRequest: { input: { question: 'favourite colour?' } } });
    await provideFlowInput(handle.workflowId, 'interrupt:askUser', { action: 'respond', output: 'blue' }, opts());
    expect(await handle.result()).toBe('answer: "blue"');
  });

  it('a tool that throws ToolInterruptError runs after approval, with resumed metadata', async () => {
    const handle = await startFlowWorkflow(interruptFlow, 'guardedLookup', opts());
    const run = await waitingFor(handle.workflowId, 'interrupt:guardedLookup');
    expect(run.pendingInputs[0].interrupt).toMatchObject({ metadata: { interrupt: { why: 'needs a human' } } });
    await expect(
      provideFlowInput(handle.workflowId, 'interrupt:guardedLookup', { action: 'maybe' }, opts()),
    ).rejects.toMatchObject({
      status: 'INVALID_ARGUMENT',
    });
    await provideFlowInput(handle.workflowId, 'interrupt:guardedLookup', { action: 'approve' }, opts());
    expect(await handle.result()).toBe('answer: "looked up"');
    expect(ledger).toEqual(['tool:guardedLookup']);
  });
});
