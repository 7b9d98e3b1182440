// When an attempt scheduled without the flow's registered options may run the flow (schedulesAlike), and the
// per-attempt settings it then takes from them (attemptSettings).
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY } from '../../../src/common/defaults';
import { attemptSettings, runOptions, schedulesAlike } from '../../../src/common/learned-options';
import type { OptionsReportRequest, TemporalFlowOptions } from '../../../src/common/types';

const Q = 'flows';

describe('schedulesAlike', () => {
  it('runs a flow with no options of its own, or with the defaults spelled out', () => {
    expect(schedulesAlike({}, {}, Q)).toBe(true);
    expect(
      schedulesAlike(
        {
          heartbeatTimeout: '20 seconds',
          startToCloseTimeout: 600_000,
          continueAsNewAfter: 1500,
          maxFailoversWithoutProgress: 20,
          taskQueue: Q,
        },
        {},
        Q,
      ),
    ).toBe(true);
  });

  it('runs a flow whose options the attempt applies itself or the run uses only after it', () => {
    const registered: TemporalFlowOptions = {
      retry: { maximumAttempts: 2, initialInterval: '100ms' },
      durable: false,
      nonRetryableStatuses: ['INTERNAL'],
      budget: { tokens: 10 },
      prices: { m: { input: 1, output: 2 } },
      usageSearchAttributes: true,
      workflowExecutionTimeout: '1h',
      workflowTaskTimeout: '5s',
    };
    expect(schedulesAlike(registered, {}, Q)).toBe(true);
  });

  it.each([
    ['a shorter heartbeat timeout', { heartbeatTimeout: '3s' }],
    ['another start-to-close timeout', { startToCloseTimeout: '1 minute' }],
    ['a schedule-to-close timeout', { scheduleToCloseTimeout: '1h' }],
    ['another task queue', { taskQueue: 'elsewhere' }],
    ['another continue-as-new point', { continueAsNewAfter: 10 }],
    ['another failover limit', { maxFailoversWithoutProgress: 1 }],
    ['a versioning behaviour the run was not started with', { versioning: 'pinned' as const }],
    ['an invalid retry policy', { retry: { maximumAttempts: 0 } }],
    ['an option added later', { somethingNew: 1 } as object],
  ])('does not run a flow with %s: the attempt only reports them', (_, registered) => {
    expect(schedulesAlike(registered, {}, Q)).toBe(false);
  });

  it('lets the start options win, as the run does', () => {
    expect(schedulesAlike({ heartbeatTimeout: '3s' }, { startOptions: { heartbeatTimeout: '9s' } }, Q)).toBe(true);
    expect(schedulesAlike({}, { startOptions: { heartbeatTimeout: '9s' } }, Q)).toBe(true);
  });

  it('compares with the options the starter expected (a manifest), when it sent them', () => {
    const expectedOptions: TemporalFlowOptions = { heartbeatTimeout: '3s', retry: { maximumAttempts: 3 } };
    expect(schedulesAlike({ heartbeatTimeout: '3s' }, { expectedOptions }, Q)).toBe(true);
    expect(schedulesAlike({ heartbeatTimeout: '4s' }, { expectedOptions }, Q)).toBe(false); // a stale manifest
    expect(schedulesAlike({}, { expectedOptions }, Q)).toBe(false);
  });

  it('checks the heartbeat timeout the attempt was actually given', () => {
    expect(schedulesAlike({}, {}, Q, 20_000)).toBe(true);
    expect(schedulesAlike({}, {}, Q, 1_000)).toBe(true); // capped by a 1 s start-to-close timeout, as it would be
    expect(schedulesAlike({}, { expectedOptions: { heartbeatTimeout: '3s' } }, Q, 20_000)).toBe(false);
    expect(schedulesAlike({ heartbeatTimeout: '3s' }, { expectedOptions: { heartbeatTimeout: '3s' } }, Q, 3_000)).toBe(
      true,
    );
  });

  it('runs a flow whose versioning the run was started with', () => {
    expect(schedulesAlike({ versioning: 'pinned' }, { versioning: 'pinned' }, Q)).toBe(true);
    expect(schedulesAlike({ versioning: 'pinned' }, { versioning: 'auto-upgrade' }, Q)).toBe(false);
  });

  it('does not run when the run would first adopt a shorter workflow-task timeout', () => {
    // The start's own 5 s heartbeat: the run (10 s task timeout) adopts 5 s before its first attempt.
    const ask: OptionsReportRequest = { startOptions: { heartbeatTimeout: '5s' }, adoptsTaskTimeoutBelowMs: 10_000 };
    expect(schedulesAlike({}, ask, Q)).toBe(false);
    expect(schedulesAlike({}, { ...ask, adoptsTaskTimeoutBelowMs: 5_000 }, Q)).toBe(true);
    expect(schedulesAlike({}, { adoptsTaskTimeoutBelowMs: 10_000 }, Q)).toBe(true);
  });
});

describe('attemptSettings', () => {
  it('are the registered options, overridden by the start options', () => {
    const options = runOptions(
      { retry: { maximumAttempts: 2 }, durable: false, budget: { tokens: 5 } },
      { retry: { maximumAttempts: 3 } },
    );
    expect(attemptSettings(options)).toEqual({
      durable: false,
      nonRetryableStatuses: undefined,
      retry: { ...DEFAULT_RETRY, maximumAttempts: 3 },
      budget: { tokens: 5 },
    });
    expect(attemptSettings({})).toEqual({ durable: true, nonRetryableStatuses: undefined, retry: DEFAULT_RETRY });
  });
});
