// What the journal does not hold, read from the run's Temporal history: when each step started and was recorded,
// which activity (run of the flow body) ran it live and which later activities replayed it, and every activity with
// how it ended.
// Only the current execution's history is read (steps carried over a continue-as-new show no timing).
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type {
  AttemptLease,
  FlowActivityRequest,
  JournalWrite,
  SerializedFlowError,
  StepInFlight,
} from '../../common/types';
import { decodePayloads, timestampMs } from './payloads';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** One activity ("activity #n"): a run of the flow body, started by a retry, a failover, or the resumption after an input. */
export interface AttemptTiming {
  /** The n-th activity the run scheduled (the journal's lease `execution`). */
  execution: number;
  /** The flow attempt it belongs to (retries count; failovers and resumptions after an input do not). */
  flowAttempt?: number;
  scheduledAt?: number;
  startedAt?: number;
  endedAt?: number;
  outcome:
    | 'running'
    | 'scheduled'
    | 'completed'
    | 'suspended'
    /** A run started by name: the first attempt only reported the flow's options, and the flow ran in the next. */
    | 'reported options'
    | 'failed'
    | 'timed out'
    | 'cancelled';
  error?: { status?: string; message: string };
  /** When it claimed the journal: every step recorded before then is replayed, not run again. */
  claimedAt?: number;
}

/** Timing of one journal entry. */
export interface StepTiming {
  startedAt?: number;
  recordedAt?: number;
  /** The attempt (`execution`) that ran the step live. */
  recordedBy?: number;
}

export interface RunTimings {
  attempts: AttemptTiming[];
  steps: Map<string, StepTiming>;
  /** When each input (by name) was last answered. */
  answers: Map<string, number>;
}

const FLOW_ACTIVITY = 'runGenkitFlowActivity';

/** Reads the history of `handle` (skipped above `maxEvents`: the journal alone is shown then). */
export async function readRunTimings(
  client: Client,
  handle: WorkflowHandle,
  historyLength: number,
  maxEvents = 5_000,
): Promise<RunTimings | undefined> {
  if (historyLength > maxEvents) return undefined;
  const history = await handle.fetchHistory().catch(() => undefined);
  if (!history?.events) return undefined;
  return analyseHistory(client, history.events);
}

async function analyseHistory(client: Client, events: HistoryEvent[]): Promise<RunTimings> {
  const attempts = new Map<number, AttemptTiming>();
  const bySchedule = new Map<string, AttemptTiming>();
  const steps = new Map<string, StepTiming>();
  const answers = new Map<string, number>();
  const stepOf = (key: string) => steps.get(key) ?? steps.set(key, {}).get(key)!;
  const attemptOf = (execution: number) =>
    attempts.get(execution) ?? attempts.set(execution, { execution, outcome: 'scheduled' }).get(execution)!;

  for (const event of events) {
    const at = timestampMs(event.eventTime);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name === FLOW_ACTIVITY) {
      const [request] = ((await decodePayloads(client, scheduled.input?.payloads)) ?? []) as FlowActivityRequest[];
      if (typeof request?.execution !== 'number') continue;
      const attempt = attemptOf(request.execution);
      attempt.flowAttempt = request.attempt;
      attempt.scheduledAt = at;
      bySchedule.set(String(event.eventId), attempt);
      continue;
    }
    const activityEnd = activityOutcome(event);
    if (activityEnd) {
      const attempt = bySchedule.get(String(activityEnd.scheduledEventId));
      if (!attempt) continue;
      if (activityEnd.outcome === 'running') attempt.startedAt = at;
      else {
        attempt.endedAt = at;
        attempt.outcome = activityEnd.outcome;
        if (activityEnd.outcome === 'completed') {
          const [result] = ((await decodePayloads(client, activityEnd.payloads)) ?? []) as { kind?: string }[];
          if (result?.kind === 'suspended') attempt.outcome = 'suspended';
          if (result?.kind === 'notRun') attempt.outcome = 'reported options';
        }
        if (activityEnd.message && !attempt.error) attempt.error = { message: activityEnd.message };
      }
      if (activityEnd.outcome === 'running') attempt.outcome = 'running';
      continue;
    }
    // Runs of older versions: each slow step's start came in a signal (current ones journal it with the step).
    const signal = event.workflowExecutionSignaledEventAttributes;
    if (signal?.signalName === 'genkit.stepStarted' || signal?.signalName === 'genkit.attemptFailed') {
      const args = await decodePayloads(client, signal.input?.payloads);
      const lease = args?.[0] as AttemptLease | undefined;
      if (!lease) continue;
      if (signal.signalName === 'genkit.stepStarted') {
        const step = args?.[1] as StepInFlight | undefined;
        if (step?.key) stepOf(step.key).startedAt = Date.parse(step.startedAt) || at;
      } else {
        const error = args?.[1] as SerializedFlowError | undefined;
        if (error) attemptOf(lease.execution).error = { status: error.status, message: error.message };
      }
      continue;
    }
    const accepted = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
    if (!accepted) continue;
    if (accepted.name === 'genkit.claimAttempt' || accepted.name === 'genkit.recordSteps') {
      const args = await decodePayloads(client, accepted.args?.payloads);
      const lease = args?.[0] as AttemptLease | undefined;
      if (!lease) continue;
      if (accepted.name === 'genkit.claimAttempt') {
        attemptOf(lease.execution).claimedAt = at;
        continue;
      }
      for (const entry of (args?.[1] as JournalWrite | undefined)?.entries ?? []) {
        const step = stepOf(entry.key);
        step.recordedAt = at;
        step.recordedBy = lease.execution;
      }
    } else if (accepted.name === 'genkit.provideInput') {
      const [name] = (await decodePayloads(client, accepted.args?.payloads)) ?? [];
      if (typeof name === 'string' && at !== undefined) answers.set(name, at);
    }
  }
  return { attempts: [...attempts.values()].sort((a, b) => a.execution - b.execution), steps, answers };
}

/** The flow activity's start or end in `event`, with the failure message of a failed or timed-out attempt. */
function activityOutcome(event: HistoryEvent):
  | {
      scheduledEventId: unknown;
      outcome: AttemptTiming['outcome'];
      message?: string;
      payloads?: temporal.api.common.v1.IPayload[] | null;
    }
  | undefined {
  if (event.activityTaskStartedEventAttributes) {
    return { scheduledEventId: event.activityTaskStartedEventAttributes.scheduledEventId, outcome: 'running' };
  }
  if (event.activityTaskCompletedEventAttributes) {
    const done = event.activityTaskCompletedEventAttributes;
    return { scheduledEventId: done.scheduledEventId, outcome: 'completed', payloads: done.result?.payloads };
  }
  if (event.activityTaskFailedEventAttributes) {
    const failed = event.activityTaskFailedEventAttributes;
    return {
      scheduledEventId: failed.scheduledEventId,
      outcome: 'failed',
      message: failed.failure?.message ?? undefined,
    };
  }
  if (event.activityTaskTimedOutEventAttributes) {
    const timedOut = event.activityTaskTimedOutEventAttributes;
    const message = timedOut.failure?.message ?? 'the worker stopped heartbeating';
    return { scheduledEventId: timedOut.scheduledEventId, outcome: 'timed out', message };
  }
  if (event.activityTaskCanceledEventAttributes) {
    return { scheduledEventId: event.activityTaskCanceledEventAttributes.scheduledEventId, outcome: 'cancelled' };
  }
  return undefined;
}
