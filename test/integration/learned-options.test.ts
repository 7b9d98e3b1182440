// A run whose starter does not know the flow's registered options (another process or SDK, by name) learns them
// from its first attempt instead of a lookup before it (`FlowRunRequest.learnOptions`): a no-op run has the 11
// events of a run started with the flow object, and the flow's own options are honoured all the same (its retry
// policy, its heartbeat timeout, its versioning behaviour).
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal as proto } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { startFlowWorkflow, WORKFLOW_TYPE, type FlowRunRequest } from '../../src';
import { getTemporalClient } from '../../src/client/connection';
import { VERSIONING_MEMO } from '../../src/common/defaults';
import { readRunTimings } from '../../src/http/console/run-history';
import {
  learnNoopFlow,
  pinnedFlow,
  shortHeartbeatFlow,
  slowTwoAttemptsFlow,
  twoAttemptsFlow,
} from '../fixtures/learned-options-flows';
import { historyOf, useWorker } from '../helpers/temporal';

const { opts } = useWorker('learn');
type Events = Awaited<ReturnType<typeof historyOf>>;

/** Starts `flowName` as the kit's front doors do when they do not define the flow (`startFlowWorkflow` by name). */
async function startByName(
  flowName: string,
  input: unknown,
  request: Partial<FlowRunRequest> = { learnOptions: true },
) {
  const client = await getTemporalClient(opts());
  return client.workflow.start(WORKFLOW_TYPE, {
    taskQueue: opts().taskQueue,
    workflowId: `${flowName}-by-name-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    args: [{ flowName, input, ...request }],
  });
}

/** Events by type, e.g. `{ ACTIVITY_TASK_SCHEDULED: 1, … }`. */
function countByType(events: Events): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) {
    const type = proto.api.enums.v1.EventType[e.eventType ?? 0].replace(/^EVENT_TYPE_/, '');
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

const scheduled = (events: Events) =>
  events.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : []));
const heartbeatSeconds = (a: ReturnType<typeof scheduled>[number]) => Number(a.heartbeatTimeout?.seconds ?? 0);
/** What each completed flow attempt returned (`FlowAttemptResult`). */
const results = (events: Events) =>
  events.flatMap((e) => {
    const payload = e.activityTaskCompletedEventAttributes?.result?.payloads?.[0];
    return payload
      ? [defaultPayloadConverter.fromPayload(payload) as { kind: string; registeredOptions?: unknown }]
      : [];
  });

const NO_OP_RUN = {
  WORKFLOW_EXECUTION_STARTED: 1,
  WORKFLOW_TASK_SCHEDULED: 2,
  WORKFLOW_TASK_STARTED: 2,
  WORKFLOW_TASK_COMPLETED: 2,
  ACTIVITY_TASK_SCHEDULED: 1,
  ACTIVITY_TASK_STARTED: 1,
  ACTIVITY_TASK_COMPLETED: 1,
  WORKFLOW_EXECUTION_COMPLETED: 1,
};

describe('a run started by name learns its flow’s options from its first attempt', () => {
  it('a no-op run: 11 events, as with the flow object — no lookup marker', async () => {
    const handle = await startByName('learnNoopFlow', 7);
    expect(await handle.result()).toBe(7);
    const events = await historyOf(handle);
    expect(countByType(events)).toEqual(NO_OP_RUN);
    expect(events).toHaveLength(11);
    expect(results(events)).toEqual([{ kind: 'completed', result: 7, registeredOptions: {} }]);

    // The yardstick: the same flow started with the flow object (its options sent with the start).
    const withObject = await startFlowWorkflow(learnNoopFlow, 7, opts());
    await withObject.result();
    expect(countByType(await historyOf(withObject))).toEqual(NO_OP_RUN);
  });

  it('a start without the ask (runs from before it, other SDKs) still looks the options up: one marker more', async () => {
    const handle = await startByName('learnNoopFlow', 8, {});
    expect(await handle.result()).toBe(8);
    const counts = countByType(await historyOf(handle));
    expect(counts).toEqual({ ...NO_OP_RUN, MARKER_RECORDED: 1 });
  });

  it('a failing flow is tried exactly as often as its own retry policy says (2, not the default 5)', async () => {
    const handle = await startByName('twoAttemptsFlow', 'learn');
    const failure = await handle.result().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeDefined();
    const events = await historyOf(handle);
    expect(scheduled(events)).toHaveLength(2);
    expect(countByType(events).ACTIVITY_TASK_FAILED).toBe(2);
    expect(countByType(events).MARKER_RECORDED).toBeUndefined();
    // The failure the caller gets is the flow's own, without the options the attempt reported with it.
    const cause = (failure as { cause?: { details?: unknown[] } }).cause;
    expect(cause?.details?.[0]).toMatchObject({ attempt: 2, error: { message: 'learn: always fails' } });
    expect(cause?.details?.[0]).not.toHaveProperty('registeredOptions');
    expect(twoAttemptsFlow.__action.name).toBe('twoAttemptsFlow');
  });

  it('an attempt that times out reports nothing: the run looks the options up to decide on the retry', async () => {
    // The start's own 1 s start-to-close timeout: the attempt runs (the flow does not set one) and times out.
    const handle = await startByName('slowTwoAttemptsFlow', 5_000, {
      learnOptions: true,
      options: { startToCloseTimeout: '1s' },
    });
    await expect(handle.result()).rejects.toThrow();
    const counts = countByType(await historyOf(handle));
    expect(counts.ACTIVITY_TASK_SCHEDULED).toBe(2); // the flow's 2, not the default 5
    expect(counts.ACTIVITY_TASK_TIMED_OUT).toBe(2);
    expect(counts.MARKER_RECORDED).toBe(1); // the lookup, once
    expect(slowTwoAttemptsFlow.__action.name).toBe('slowTwoAttemptsFlow');
  });

  it('a flow with a shorter heartbeat timeout: the first attempt only reports it, the flow runs under it', async () => {
    const handle = await startByName('shortHeartbeatFlow', 21);
    expect(await handle.result()).toBe(42);
    const events = await historyOf(handle);
    const attempts = scheduled(events);
    expect(attempts.map(heartbeatSeconds)).toEqual([20, 3]);
    expect(results(events)).toEqual([
      { kind: 'notRun', registeredOptions: { heartbeatTimeout: '3s' } },
      { kind: 'completed', result: 42 },
    ]);
    expect(countByType(events).MARKER_RECORDED).toBeUndefined();
    expect(shortHeartbeatFlow.__action.name).toBe('shortHeartbeatFlow');
    // The run console says the first activity only reported the options, not that it completed the flow.
    const timings = await readRunTimings(await getTemporalClient(opts()), handle, events.length);
    expect(timings?.attempts.map((a) => a.outcome)).toEqual(['reported options', 'completed']);
    // The price, for such flows: an activity (5 events) where the lookup cost a marker.
    const lookedUp = await startByName('shortHeartbeatFlow', 21, {});
    await lookedUp.result();
    const lookedUpEvents = await historyOf(lookedUp);
    console.log(
      `[measure] 3 s heartbeat flow by name: ${events.length} events learnt, ${lookedUpEvents.length} looked up`,
    );
    expect(scheduled(lookedUpEvents).map(heartbeatSeconds)).toEqual([3]);
  });

  it('a start that expects the flow’s options (a flowRef from the manifest) schedules the first attempt with them', async () => {
    const handle = await startByName('shortHeartbeatFlow', 4, {
      learnOptions: true,
      expectedOptions: { heartbeatTimeout: '3s' },
    });
    expect(await handle.result()).toBe(8);
    const events = await historyOf(handle);
    expect(countByType(events)).toEqual(NO_OP_RUN);
    expect(scheduled(events).map(heartbeatSeconds)).toEqual([3]);
    // A stale expectation: the first attempt only reports the flow's options, as without one.
    const stale = await startByName('shortHeartbeatFlow', 5, {
      learnOptions: true,
      expectedOptions: { heartbeatTimeout: '5s' },
    });
    expect(await stale.result()).toBe(10);
    expect(scheduled(await historyOf(stale)).map(heartbeatSeconds)).toEqual([5, 3]);
  });

  it('a flow with a versioning behaviour: the run adopts it (continue-as-new) before the flow runs', async () => {
    const handle = await startByName('pinnedFlow', 1);
    expect(await handle.result()).toBe(2);
    const client = await getTemporalClient(opts());
    const first = await historyOf(client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId));
    expect(results(first)).toEqual([{ kind: 'notRun', registeredOptions: { versioning: 'pinned' } }]);
    expect(countByType(first).WORKFLOW_EXECUTION_CONTINUED_AS_NEW).toBe(1);
    const current = await client.workflow.getHandle(handle.workflowId).describe();
    expect(current.runId).not.toBe(handle.firstExecutionRunId);
    expect(current.memo?.[VERSIONING_MEMO]).toBe('pinned');
    expect(results(await historyOf(client.workflow.getHandle(handle.workflowId)))).toEqual([
      { kind: 'completed', result: 2 },
    ]);
    expect(pinnedFlow.__action.name).toBe('pinnedFlow');
  });
});
