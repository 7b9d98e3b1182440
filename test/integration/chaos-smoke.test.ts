// The small version of `npm run chaos` (test/harness/chaos.ts): 20 runs on 2 real worker processes, one worker SIGKILLed
// and replaced, the dev server SIGKILLed and restarted on its SQLite file mid-run. Every run must complete with the
// output of an uninterrupted run and no journaled step may run again (the ledger is written outside the workers).
import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';
import { runChaos } from '../harness/chaos';

describe('chaos smoke', () => {
  it('20 runs survive a worker SIGKILL and a dev-server SIGKILL + restart, no journaled step repeated', async () => {
    const lines: string[] = [];
    const [report] = await runChaos({
      cliPath: inject('temporalCliPath'),
      runs: 20,
      steps: 3,
      stepMs: 200,
      startGapMs: 100,
      referenceRuns: 3,
      killEveryMs: 1_500,
      maxKills: 1,
      chaosWindowMs: 60_000,
      serverKillAtMs: 2_500,
      serverDownMs: 1_000,
      rollingRuns: 0,
      rollingSteps: 10,
      rollingEveryMs: 2_000,
      timeoutMs: 150_000,
      bundlePath: inject('workflowBundlePath'),
      log: (line) => lines.push(line),
    });
    console.log(`[chaos-smoke] ${lines.join('; ')}; ${JSON.stringify({ ...report, violations: undefined })}`);
    expect(report.faults).toEqual({ 'worker SIGKILL + restart': 1, 'dev server SIGKILL + restart': 1 });
    expect(report.violations).toEqual([]);
    expect(report.completed).toBe(20);
    expect(report.wrongOutput).toBe(0);
    expect(report.journaledStepsRepeated).toBe(0);
  }, 240_000);
});
