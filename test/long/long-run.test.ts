// The long run behind docs/journal.md's figures (`npm run test:long`, minutes): one flow of 10,000 sequential
// steps streaming two chunks each, continuing as new on its own, read back from offset 0 with no loss and no
// duplicates. Too slow for `npm test`, which runs the same path with 200 steps.
import { describe, expect, it } from 'vitest';
import { startFlowWorkflow, streamFlowRun } from '../../src';
import { progressQuery } from '../../src/workflows/messages';
import { longFlow } from '../fixtures/durability-flows';
import { useWorker } from '../helpers/temporal';

const STEPS = Number(process.env.LONG_RUN_STEPS ?? 10_000);
const { opts } = useWorker('long');

describe('a long run', () => {
  it(`${STEPS} sequential steps and ${STEPS * 2} chunks`, async () => {
    const started = Date.now();
    const handle = await startFlowWorkflow(longFlow, { steps: STEPS }, opts());
    expect(await handle.result()).toBe((STEPS * (STEPS - 1)) / 2);
    const ranMs = Date.now() - started;

    const readStarted = Date.now();
    let next = 0;
    for await (const event of streamFlowRun(handle.workflowId, { ...opts(), pollIntervalMs: 20 })) {
      if (event.type !== 'chunk') continue;
      expect(event.offset).toBe(next);
      expect(event.chunk).toEqual({ step: Math.floor(next / 2), part: next % 2 ? 'b' : 'a' });
      next++;
    }
    expect(next).toBe(STEPS * 2);
    const progress = await handle.query(progressQuery);
    const { historyLength, historySize } = await handle.describe();
    console.log(
      `[long run] ${STEPS} steps in ${(ranMs / 1000).toFixed(1)} s (${(ranMs / STEPS).toFixed(1)} ms a step), ` +
        `${progress.continuations} continuations, last execution ${historyLength} events / ${historySize} bytes; ` +
        `${next} chunks read from offset 0 in ${((Date.now() - readStarted) / 1000).toFixed(1)} s`,
    );
  }, 3_600_000);
});
