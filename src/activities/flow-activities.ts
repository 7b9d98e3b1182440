// The activities behind runGenkitFlow: look a flow up, and run one attempt of it in full Node.
import { Context } from '@temporalio/activity';
import { libraryFailure, serializeError, toApplicationFailure } from '../errors';
import { DurableRun, NonDeterministicFlowError, StepResultTooLargeError } from '../journal/durable-run';
import { JournalWriter } from '../journal/journal-writer';
import { findFlow, listFlowNames } from '../registry';
import { FailureTypes, type FlowActivityRequest, type FlowAttemptOutcome, type FlowDescription } from '../types';
import { AttemptTracker, WorkerShutdownAbort } from './attempt-tracker';
import { startHeartbeats } from './heartbeat';
import { assertScheduledByRunGenkitFlow } from './workflow-guard';

/** Delay before a shut-down worker's attempt is retried elsewhere: just enough to not spin. */
const SHUTDOWN_RETRY_DELAY_MS = 100;

/** Activities a worker must register for `runGenkitFlow`; `createFlowActivities()` builds them. */
export interface FlowActivities {
  describeGenkitFlow(flowName: string): Promise<FlowDescription>;
  /** Runs one attempt: the flow's result, or the input it now waits for. */
  runGenkitFlowActivity(request: FlowActivityRequest): Promise<FlowAttemptOutcome>;
}

/**
 * Builds the activities for one worker. `tracker` lets the worker fail its in-flight attempts fast on shutdown.
 */
export function createFlowActivities(tracker = new AttemptTracker()): FlowActivities {
  return {
    async describeGenkitFlow(flowName) {
      const found = await findFlow(flowName);
      if (!found) throw await flowNotFound(flowName, 1);
      return { flowName, options: found.options };
    },

    async runGenkitFlowActivity(request) {
      assertScheduledByRunGenkitFlow(request.flowName);
      const ctx = Context.current();
      const { attempt, workflowExecution } = ctx.info;
      if (!workflowExecution) throw new Error('runGenkitFlowActivity must be called from a workflow');
      const found = await findFlow(request.flowName);
      if (!found) throw await flowNotFound(request.flowName, attempt);

      const abort = new AbortController();
      const onCancel = () => abort.abort(ctx.cancellationSignal.reason);
      ctx.cancellationSignal.addEventListener('abort', onCancel);
      const untrack = tracker.track(abort);

      const writer = new JournalWriter(ctx.client, workflowExecution.workflowId, workflowExecution.runId, {
        execution: request.execution,
        attempt,
      });
      let run: DurableRun | undefined;
      let chunkIndex = 0;
      const stopHeartbeats = startHeartbeats(ctx, () => ({ attempt, stepsCompleted: run?.stepsCompleted ?? 0 }));
      try {
        const claimed = await writer.claim();
        if (request.durable) run = new DurableRun(claimed.entries, writer, request.nonRetryableStatuses, abort.signal);
        const invoke = () =>
          found.flow.run(request.input, {
            context: request.context,
            abortSignal: abort.signal,
            onChunk: (chunk: unknown) => writer.chunk(chunkIndex++, chunk),
          });
        const completed = (run ? run.enter(invoke) : invoke()).then(({ result }): FlowAttemptOutcome => ({
          kind: 'completed',
          result,
        }));
        const suspended = run?.suspended.then((input): FlowAttemptOutcome => ({ kind: 'suspended', input }));
        // A flow body that ignores its abortSignal must not hold the attempt open: the attempt ends at once and
        // anything the body still does is fenced out of the journal by the next attempt's claim.
        const outcome = await untilAborted(suspended ? Promise.race([completed, suspended]) : completed, abort.signal);
        if (run?.divergence) throw run.divergence;
        await writer.flush();
        return outcome;
      } catch (err) {
        const failure = toFailure(run?.divergence ?? err, abort.signal, request, attempt);
        if (!ctx.cancellationSignal.aborted) await writer.attemptFailed(serializeError(err));
        throw failure;
      } finally {
        stopHeartbeats();
        writer.close();
        untrack();
        ctx.cancellationSignal.removeEventListener('abort', onCancel);
      }
    },
  };
}

/** Settles like `promise`, or rejects with the signal's reason as soon as it fires. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function toFailure(err: unknown, signal: AbortSignal, request: FlowActivityRequest, attempt: number): unknown {
  if (signal.aborted) {
    if (signal.reason instanceof WorkerShutdownAbort) {
      return libraryFailure(FailureTypes.workerShutdown, signal.reason.message, {
        attempt,
        nonRetryable: false,
        nextRetryDelayMs: SHUTDOWN_RETRY_DELAY_MS,
      });
    }
    // Cancelled by Temporal: report the CancelledFailure itself so the workflow ends CANCELLED.
    return signal.reason;
  }
  if (err instanceof NonDeterministicFlowError) {
    return libraryFailure(FailureTypes.nonDeterministic, serializeError(err).message, { attempt, status: err.status });
  }
  if (err instanceof StepResultTooLargeError) {
    return libraryFailure(FailureTypes.stepTooLarge, serializeError(err).message, { attempt, status: err.status });
  }
  return toApplicationFailure(err, {
    attempt,
    retry: request.retry,
    nonRetryableStatuses: request.nonRetryableStatuses,
  });
}

async function flowNotFound(flowName: string, attempt: number) {
  const names = await listFlowNames();
  const taskQueue = Context.current().info.taskQueue;
  return libraryFailure(
    FailureTypes.flowNotFound,
    `no Genkit flow named "${flowName}" is registered on the workers of task queue "${taskQueue}". ` +
      `Registered flows: ${names.length ? names.join(', ') : '(none)'}. ` +
      'Define it with defineTemporalFlow, registerTemporalFlow, or on a Genkit instance with the temporal() plugin.',
    { attempt, status: 'NOT_FOUND', detail: { flowName, registeredFlows: names } },
  );
}

// The default instances, for users who register the activities on their own worker.
const defaultActivities = createFlowActivities();
/** Runs one attempt of a registered Genkit flow (see `runGenkitFlow`). */
export const runGenkitFlowActivity = defaultActivities.runGenkitFlowActivity;
/** Looks up a registered flow's Temporal defaults; fails non-retryably when the flow is unknown. */
export const describeGenkitFlow = defaultActivities.describeGenkitFlow;
