// The step in flight travels in the flow attempt's heartbeat details (read with describe), not in a signal: a slow
// model step shows while it runs and is gone after, costs no workflow task, and is decoded through the codec.
import { describe, expect, it } from 'vitest';
import { getFlowRun, startFlowWorkflow } from '../../src';
import { slowModelStepsFlow } from '../fixtures/progress-flows';
import { historyOf, useWorker, waitFor } from '../helpers/temporal';

const { opts } = useWorker('progress');

describe('step in flight from heartbeat details', () => {
  it('history events per slow model step (measured)', async () => {
    const counts: number[] = [];
    for (const calls of [0, 3]) {
      const handle = await startFlowWorkflow(slowModelStepsFlow, { calls }, opts());
      await handle.result();
      const events = await historyOf(handle);
      counts.push(events.length);
      const signals = events.filter((e) => e.workflowExecutionSignaledEventAttributes).length;
      console.log(`[measure] ${calls} slow model steps: ${events.length} history events, ${signals} signals`);
    }
    console.log(`[measure] per slow model step: ${(counts[1] - counts[0]) / 3} events`);
  });
});
