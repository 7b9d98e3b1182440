// Determinism guard: histories of real runs (retries, journal writes, a wait for input) replay cleanly against
// the current workflow code. A workflow change that breaks running workflows fails here, not in production.
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { getFlowRun, provideFlowInput, startFlowWorkflow } from '../../src';
import { failNextModelCall, sixStepFlow } from '../fixtures/durable-flows';
import { approvalFlow } from '../fixtures/hitl-flows';
import { useWorker, waitFor } from '../helpers/temporal';

const { opts } = useWorker('replay');

describe('workflow replay', () => {
  it('replays the histories of a retried journaled run and of a run that waited for input', async () => {
    failNextModelCall('finalize', 'UNAVAILABLE');
    const retried = await startFlowWorkflow(sixStepFlow, 'replay', opts());
    await retried.result();

    const waited = await startFlowWorkflow(approvalFlow, 'replay', opts());
    await waitFor(async () => (await getFlowRun(waited.workflowId, opts())).status === 'WAITING', 20_000, 'the wait');
    await provideFlowInput(waited.workflowId, 'approval', { approved: false, approver: 'bo' }, opts());
    await waited.result();

    for (const handle of [retried, waited]) {
      const history = await handle.fetchHistory();
      expect(history.events?.length).toBeGreaterThan(10);
      await expect(
        Worker.runReplayHistory(
          { workflowBundle: { codePath: inject('workflowBundlePath') } },
          history,
          handle.workflowId,
        ),
      ).resolves.toBeUndefined();
    }
  });
});
