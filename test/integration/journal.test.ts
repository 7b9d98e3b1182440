import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { executeFlowWorkflow, FlowRunError, getFlowRun, startFlowWorkflow } from '../../src';
import { chunksQuery, journalQuery, progressQuery } from '../../src/workflows/messages';
import { toFlowRunError } from '../../src/client/flow-run-error';
import { aiRunFlow, driftFlow, hugeStepFlow, parallelStepsFlow } from '../fixtures/drift-flows';
import { dotPromptFlow, failNextModelCall, ledger, sixStepFlow } from '../fixtures/durable-flows';
import { activityStarts, useWorker, waitFor } from '../helpers/temporal';

const { opts } = useWorker('journal');
beforeEach(() => {
  ledger.length = 0;
});

const ALL_STEPS = [
  'model:research',
  'tool:lookup',
  'model:research-after-tool',
  'step:charge',
  'model:summarize',
  'model:finalize',
];

async function uninterrupted(topic: string) {
  const handle = await startFlowWorkflow(sixStepFlow, topic, opts());
  const result = await handle.result();
  const chunks = (await handle.query(chunksQuery, 0)).chunks;
  return { handle, result, chunks };
}

describe('the step journal', () => {
  it('records model, tool, step and prompt calls in order under their names', async () => {
    const { handle, result } = await uninterrupted('owls');
    expect(ledger).toEqual(ALL_STEPS);
    const journal = await handle.query(journalQuery);
    expect(journal.map((e) => `${e.kind}:${e.name}`)).toEqual([
      'model:ledger/model',
      'tool:lookup',
      'model:ledger/model',
      'step:charge',
      'model:ledger/model',
      'model:ledger/model',
    ]);
    expect(journal.map((e) => e.key)).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(result).toMatchObject({ receipt: { id: 'receipt-owls' }, research: 'researched: facts about owls' });
    const progress = await handle.query(progressQuery);
    expect(progress).toMatchObject({ flowName: 'sixStepFlow', stepsCompleted: 6, attempt: 1, status: 'completed' });
  });

  it('does not run steps 1-4 again when the model fails with UNAVAILABLE at step 5', async () => {
    const baseline = await uninterrupted('bats');
    ledger.length = 0;
    failNextModelCall('summarize', 'UNAVAILABLE');
    const handle = await startFlowWorkflow(sixStepFlow, 'bats', opts());
    const result = await handle.result();
    expect(result).toEqual(baseline.result);
    expect(ledger).toEqual([...ALL_STEPS.slice(0, 5), 'model:summarize', 'model:finalize']);
    expect(await activityStarts(handle)).toHaveLength(2);
    const progress = await handle.query(progressQuery);
    expect(progress.lastError).toMatchObject({ status: 'UNAVAILABLE' });
    // Chunks streamed before the failure were stored once; the replay did not add them again.
    expect((await handle.query(chunksQuery, 0)).chunks).toEqual(baseline.chunks);
  });

  it('journals ai.run steps, nested ones under their parent key, and does not re-run them on retry', async () => {
    const handle = await startFlowWorkflow(aiRunFlow, undefined, opts());
    expect(await handle.result()).toBe('eu-inner');
    expect(ledger).toEqual(['run:fetch-config', 'run:inner']);
    const journal = await handle.query(journalQuery);
    expect(journal.map((e) => [e.key, e.kind, e.name])).toEqual([
      ['0', 'run', 'fetch-config'],
      ['1.0', 'run', 'inner'],
      ['1', 'step', 'outer'],
    ]);
    expect(await activityStarts(handle)).toHaveLength(2);
  });

  it('journals model calls made by .prompt files', async () => {
    failNextModelCall('finalize', 'UNAVAILABLE');
    const handle = await startFlowWorkflow(dotPromptFlow, 'Ada', opts());
    expect(await handle.result()).toBe('finalize of (finalize: greet of (greet Ada))');
    expect(ledger).toEqual(['model:greet', 'model:finalize', 'model:finalize']);
    expect((await handle.query(journalQuery)).map((e) => e.kind)).toEqual(['model', 'model']);
  });

  it('re-runs the whole flow when durable is false', async () => {
    failNextModelCall('summarize', 'UNAVAILABLE');
    const result = await executeFlowWorkflow(sixStepFlow, 'cats', { ...opts(), durable: false });
    expect(result).toMatchObject({ receipt: { id: 'receipt-cats' } });
    expect(ledger).toEqual([...ALL_STEPS.slice(0, 5), ...ALL_STEPS]);
  });

  it('fails once with NonDeterministicFlow when the code path changes between attempts', async () => {
    const handle = await startFlowWorkflow(driftFlow, 'x', opts());
    const err = await handle.result().then(
      () => undefined,
      (e) => e,
    );
    const flowErr = toFlowRunError(err, handle.workflowId) as FlowRunError;
    expect(flowErr.failureType).toBe('NonDeterministicFlow');
    expect(flowErr.message).toMatch(/step 0 was recorded as step "a" but this attempt asked for step "b"/);
    expect(await activityStarts(handle)).toHaveLength(2);
  });

  it('fails a step whose result is above the limit clearly, without retrying', async () => {
    const err = await executeFlowWorkflow(hugeStepFlow, 600, opts()).catch((e) => e);
    expect(err).toBeInstanceOf(FlowRunError);
    expect(err.failureType).toBe('StepResultTooLarge');
    expect(err.message).toMatch(/"download".*524288-byte limit/);
    expect(err.attempts).toBe(1);
    expect(await executeFlowWorkflow(hugeStepFlow, 10, opts())).toBe(10 * 1024);
  });
});

describe('progress', () => {
  it('shows a slow step in flight, then the completed count', async () => {
    const gate = join(mkdtempSync(join(tmpdir(), 'gate-')), 'open');
    process.env.GATE_FILE = gate;
    try {
      const handle = await startFlowWorkflow(sixStepFlow, 'newts', opts());
      const progress = await waitFor(
        async () => {
          const p = (await getFlowRun(handle.workflowId, opts())).progress;
          return p?.stepInFlight?.name === 'charge' ? p : undefined;
        },
        20_000,
        'step 4 to show as in flight',
      );
      expect(progress).toMatchObject({
        stepsCompleted: 3,
        attempt: 1,
        status: 'running',
        stepInFlight: { key: '3', kind: 'step' },
      });
      writeFileSync(gate, 'open');
      await handle.result();
      expect(await handle.query(progressQuery)).toMatchObject({ stepsCompleted: 6, status: 'completed' });
      expect((await getFlowRun(handle.workflowId, opts())).progress?.stepInFlight).toBeUndefined();
    } finally {
      delete process.env.GATE_FILE;
    }
  });
});

describe('group commit', () => {
  it('journals steps that complete together in fewer writes than steps', async () => {
    const handle = await startFlowWorkflow(parallelStepsFlow, undefined, opts());
    expect(await handle.result()).toBe(45);
    const journal = await handle.query(journalQuery);
    expect(journal.map((e) => e.key).sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const events = (await handle.fetchHistory()).events ?? [];
    const stepWrites = events.filter((e) =>
      e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId?.startsWith('step '),
    );
    expect(stepWrites.length).toBeGreaterThanOrEqual(1);
    expect(stepWrites.length).toBeLessThan(10);
  });
});

describe('history', () => {
  it('names each journaled step in the run history', async () => {
    const { handle } = await uninterrupted('moles');
    const events = (await handle.fetchHistory()).events ?? [];
    const updateIds = events
      .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId)
      .filter((id): id is string => !!id && id.startsWith('step '));
    expect(updateIds).toEqual([
      'step 0 model ledger/model (attempt 1.1 write 1)',
      'step 1 tool lookup (attempt 1.1 write 2)',
      'step 2 model ledger/model (attempt 1.1 write 3)',
      'step 3 step charge (attempt 1.1 write 4)',
      'step 4 model ledger/model (attempt 1.1 write 5)',
      'step 5 model ledger/model (attempt 1.1 write 6)',
    ]);
  });
});
