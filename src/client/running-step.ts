// The step a running flow is in right now, read where the attempt publishes it: its heartbeat details, which
// `describe()` shows for the pending flow activity. Nothing is written to the run's history for it.
import type { WorkflowClient, WorkflowExecutionDescription } from '@temporalio/client';
import type { ActivitySerializationContext } from '@temporalio/common';
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- the client's own decode (codecs, then converter) is not exported from the root
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow/codec-helpers.js';
import type { AttemptLease, FlowAttemptHeartbeat, FlowProgress, StepInFlight } from '../common/types';

/** The activity that runs one attempt of the flow body (see `runGenkitFlow`). */
const FLOW_ACTIVITY = 'runGenkitFlowActivity';
/** `PendingActivityState` values of an attempt running on a worker (numbers, so callers don't load the protos). */
const PENDING_ACTIVITY_STARTED = 2;
const PENDING_ACTIVITY_CANCEL_REQUESTED = 3;

type PendingActivity = NonNullable<WorkflowExecutionDescription['raw']['pendingActivities']>[number];

/**
 * The step in flight of a run: from the running attempt's heartbeat details in `description` (decoded with the
 * client's data converter and its codecs, e.g. encryption), else — for attempts of versions that reported it with
 * the `genkit.stepStarted` signal — the `progress` query's own `stepInFlight`. Never throws: details it cannot
 * read leave the query's answer.
 *
 * Only the newest running attempt counts, and only details it sent itself: a Temporal retry inherits the previous
 * attempt's details until it heartbeats, so details of another attempt number are ignored; details that know
 * fewer journal entries than the query reports predate the step's write (the step has ended).
 *
 * @example
 * const description = await handle.describe();
 * const progress = await handle.query(progressQuery);
 * progress.stepInFlight = await stepInFlightOf(handle.client, description, progress);
 */
export async function stepInFlightOf(
  client: Pick<WorkflowClient, 'options'>,
  description: Pick<WorkflowExecutionDescription, 'workflowId' | 'status' | 'raw'>,
  progress?: Pick<FlowProgress, 'stepsCompleted' | 'stepInFlight'>,
): Promise<StepInFlight | undefined> {
  if (description.status.name !== 'RUNNING') return undefined;
  const running = (description.raw.pendingActivities ?? []).filter(
    (a) =>
      a.activityType?.name === FLOW_ACTIVITY &&
      (a.state === PENDING_ACTIVITY_STARTED || a.state === PENDING_ACTIVITY_CANCEL_REQUESTED),
  );
  // No attempt running: the run waits for input, backs off before a retry, or the next attempt is not picked up.
  if (!running.length) return undefined;
  let newest: FlowAttemptHeartbeat | undefined;
  let legacy = false;
  for (const activity of running) {
    const details = await heartbeatOf(client, description.workflowId, activity);
    if (details === 'unreadable') legacy = true;
    else if (details && (!newest || compareLeases(details.lease, newest.lease) > 0)) newest = details;
  }
  if (!newest) return legacy ? progress?.stepInFlight : undefined;
  if (progress && progress.stepsCompleted > newest.stepsCompleted) return undefined;
  return newest.stepInFlight;
}

/**
 * The attempt's own heartbeat details; `undefined` when it has not heartbeated in this Temporal attempt yet (or
 * the details are another attempt's); 'unreadable' for details of an older version, or that cannot be decoded.
 */
async function heartbeatOf(
  client: Pick<WorkflowClient, 'options'>,
  workflowId: string,
  activity: PendingActivity,
): Promise<FlowAttemptHeartbeat | 'unreadable' | undefined> {
  const payloads = activity.heartbeatDetails?.payloads;
  if (!payloads?.length) return undefined;
  // The worker encoded the details in the activity's serialization context: decode them in the same one.
  const context: ActivitySerializationContext = {
    type: 'activity',
    namespace: client.options.namespace,
    activityId: activity.activityId ?? undefined,
    workflowId,
    isLocal: false,
  };
  let details: unknown;
  try {
    details = await decodeFromPayloadsAtIndex(client.options.loadedDataConverter, 0, payloads, context);
  } catch {
    return 'unreadable';
  }
  if (!isHeartbeat(details)) return 'unreadable';
  return details.lease.attempt === activity.attempt ? details : undefined;
}

function isHeartbeat(value: unknown): value is FlowAttemptHeartbeat {
  const details = value as Partial<FlowAttemptHeartbeat> | null;
  return (
    typeof details?.stepsCompleted === 'number' &&
    typeof details.lease?.execution === 'number' &&
    typeof details.lease.attempt === 'number'
  );
}

/** The workflow's lease order (src/workflows/journal-state.ts), repeated: the light client entry loads no workflow code. */
function compareLeases(a: AttemptLease, b: AttemptLease): number {
  return a.execution - b.execution || a.attempt - b.attempt;
}
