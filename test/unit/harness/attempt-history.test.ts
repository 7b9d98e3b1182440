// The chaos run's account of spent attempts (test/harness/attempt-history.ts): read from history, judged against
// the injected faults. A heartbeat timeout on a worker nobody killed, or a failure with the server up, must come
// out as ours; a SIGKILLed worker's heartbeat timeout and a failure during the server restart as the fault's cost.
import { describe, expect, it } from 'vitest';
import { FailureTypes } from '../../../src/common/failures';
import { parseSlowCall } from '../../harness/dev-server-process';
import { flowAttempts, isFailover, judgeAttempt, type AttemptRecord, type Fault } from '../../harness/attempt-history';

const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

/** One attempt's events: scheduled (id), started by `worker-<pid>`, and its closing event. */
function attemptEvents(id: number, pid: number, from: number, to: number, close: Record<string, unknown>) {
  return [
    {
      eventId: id,
      eventTime: at(from),
      activityTaskScheduledEventAttributes: { activityType: { name: 'runGenkitFlowActivity' } },
    },
    {
      eventId: id + 1,
      eventTime: at(from),
      activityTaskStartedEventAttributes: { scheduledEventId: id, identity: `worker-${pid}` },
    },
    { eventId: id + 2, eventTime: at(to), ...close },
  ];
}

describe('flow attempts from history', () => {
  it('reads each attempt: worker, timeout type, failure type and message with its causes', () => {
    const events = [
      ...attemptEvents(5, 11, 1_000, 9_000, {
        activityTaskTimedOutEventAttributes: {
          scheduledEventId: 5,
          failure: { message: 'activity Heartbeat timeout', timeoutFailureInfo: { timeoutType: 4 } },
        },
      }),
      ...attemptEvents(10, 12, 9_500, 12_000, {
        activityTaskFailedEventAttributes: {
          scheduledEventId: 10,
          identity: 'worker-12',
          failure: {
            message: 'refused',
            applicationFailureInfo: { type: 'JournalWriteRejected' },
            cause: { message: 'deeper' },
          },
        },
      }),
      ...attemptEvents(15, 12, 12_500, 13_000, { activityTaskCompletedEventAttributes: { scheduledEventId: 15 } }),
      // Another activity type is not a flow attempt.
      { eventId: 20, eventTime: at(1), activityTaskScheduledEventAttributes: { activityType: { name: 'other' } } },
    ];
    const attempts = flowAttempts(events as never);
    expect(attempts).toEqual([
      {
        n: 1,
        scheduledAt: 1_000,
        startedAt: 1_000,
        endedAt: 9_000,
        pid: 11,
        end: 'timed out',
        type: 'timeout:HEARTBEAT',
        message: 'activity Heartbeat timeout',
      },
      {
        n: 2,
        scheduledAt: 9_500,
        startedAt: 9_500,
        endedAt: 12_000,
        pid: 12,
        end: 'failed',
        type: 'JournalWriteRejected',
        message: 'refused <- deeper',
      },
      { n: 3, scheduledAt: 12_500, startedAt: 12_500, endedAt: 13_000, pid: 12, end: 'completed' },
    ]);
    expect(attempts.map(isFailover)).toEqual([true, false, false]);
  });
});

describe('judging an attempt against the faults', () => {
  const attempt = (over: Partial<AttemptRecord>): AttemptRecord => ({
    n: 1,
    scheduledAt: 10_000,
    startedAt: 10_000,
    endedAt: 20_000,
    pid: 7,
    end: 'timed out',
    type: 'timeout:HEARTBEAT',
    ...over,
  });
  const kill: Fault = { kind: 'SIGKILL', pid: 7, at: 15_000 };

  it('a heartbeat timeout of a SIGKILLed worker is the fault', () => {
    expect(judgeAttempt(attempt({}), [kill])).toMatchObject({
      cost: 'fault',
      key: 'fault: timeout:HEARTBEAT, worker got SIGKILL',
    });
  });

  it('a heartbeat timeout of a worker nobody killed is ours (another worker killed, or a kill outside the attempt)', () => {
    expect(judgeAttempt(attempt({}), [{ ...kill, pid: 8 }]).cost).toBe('ours');
    expect(judgeAttempt(attempt({}), [{ ...kill, at: 25_000 }]).cost).toBe('ours');
    expect(judgeAttempt(attempt({}), []).key).toBe('ours: timeout:HEARTBEAT, no fault in flight');
  });

  it('a failure while or just after the server was down is the fault; long after, ours', () => {
    const failed = attempt({ end: 'failed', type: 'JournalWriteRejected', message: 'no' });
    expect(judgeAttempt(failed, [{ kind: 'server down', at: 12_000, until: 14_000 }]).cost).toBe('fault');
    expect(judgeAttempt(failed, [{ kind: 'server down', at: 1_000, until: 2_000 }], [], 5_000).cost).toBe('ours');
  });

  it('a lost worker must end its attempt the way its signal says: SIGKILL by heartbeat timeout, SIGTERM by handing it back', () => {
    expect(judgeAttempt(attempt({}), [{ ...kill, kind: 'SIGTERM' }]).cost).toBe('ours');
    const failed = attempt({ end: 'failed', type: 'GenkitError', message: 'x' });
    expect(judgeAttempt(failed, [kill])).toMatchObject({ cost: 'ours' });
    expect(
      judgeAttempt(attempt({ end: 'failed', type: FailureTypes.workerShutdown }), [{ ...kill, kind: 'SIGTERM' }]).cost,
    ).toBe('fault');
  });

  it('a heartbeat timeout on a live worker: the machine when its loop waited for a core, ours when it was busy', () => {
    const waited = { pid: 7, at: 18_000, ms: 4_000, cpuMs: 300 };
    expect(judgeAttempt(attempt({}), [], [waited])).toMatchObject({
      cost: 'load',
      key: 'load: timeout:HEARTBEAT, live worker starved of CPU',
    });
    expect(judgeAttempt(attempt({}), [], [{ ...waited, cpuMs: 3_900 }]).cost).toBe('ours');
    // A stall of another worker, or one long before, does not explain it.
    expect(judgeAttempt(attempt({}), [], [{ ...waited, pid: 8 }]).cost).toBe('ours');
    expect(judgeAttempt(attempt({}), [], [{ ...waited, at: 5_000 }]).cost).toBe('ours');
  });

  it('a heartbeat timeout of a live worker whose heartbeat call the server logged as slow is the load on the server', () => {
    const slow = [{ at: 19_000, ms: 5_000 }];
    expect(judgeAttempt(attempt({}), [], [], undefined, slow)).toMatchObject({
      cost: 'load',
      key: 'load: timeout:HEARTBEAT, live worker, the server was slow to record its heartbeat',
    });
    // A quick call, or one outside the attempt, does not explain it.
    expect(judgeAttempt(attempt({}), [], [], undefined, [{ at: 19_000, ms: 200 }]).cost).toBe('ours');
    expect(judgeAttempt(attempt({}), [], [], undefined, [{ at: 40_000, ms: 5_000 }]).cost).toBe('ours');
  });
});

describe("the dev server's slow-call log", () => {
  it('reads a slow heartbeat call: method, workflow, when it ended (UTC) and how long it took', () => {
    const line =
      'time=2026-12-07T22:17:22.871 level=WARN msg="Slow gRPC call" wf-id=hb-7 wf-run-id=01a2 duration=5.029524801s ' +
      'method=/temporal.api.workflowservice.v1.WorkflowService/RecordActivityTaskHeartbeat';
    expect(parseSlowCall(line)).toEqual({
      method: 'RecordActivityTaskHeartbeat',
      workflowId: 'hb-7',
      at: Date.UTC(2026, 11, 7, 22, 17, 22, 871),
      ms: 5030,
    });
    expect(
      parseSlowCall('time=2026-12-07T22:17:14.730 level=ERROR msg="Update workflow execution operation failed."'),
    ).toBeUndefined();
  });
});
