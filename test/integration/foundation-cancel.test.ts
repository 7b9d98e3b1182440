// A cancel reaches the flow's in-flight model call within 2 s (a wall-clock bound: this file runs alone; the other
// basics are in foundation.test.ts).
import { describe, expect, it } from 'vitest';
import { startFlowWorkflow } from '../../src';
import { askFlow, model, setScript } from '../fixtures/basic-flows';
import { useWorker, waitFor } from '../helpers/temporal';

const { opts } = useWorker('foundation-cancel');

describe('cancellation', () => {
  it('aborts the in-flight model call within 2 s and ends the run CANCELLED', async () => {
    setScript([{ delayMs: 60_000, text: 'never' }]);
    const abortsBefore = model.aborts;
    const callsBefore = model.calls;
    const handle = await startFlowWorkflow(askFlow, 'slow', opts());
    await waitFor(() => model.calls > callsBefore, 20_000, 'the model call to start');
    const cancelledAt = Date.now();
    await handle.cancel();
    await waitFor(() => model.aborts > abortsBefore, 5_000, 'the model to see its abortSignal');
    expect(Date.now() - cancelledAt).toBeLessThan(2_000);
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('CANCELLED');
  });
});
