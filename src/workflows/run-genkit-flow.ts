// The generic durable workflow behind every Genkit flow. Runs in Temporal's deterministic sandbox:
// it may import only @temporalio/workflow and its siblings (no Node built-ins, no genkit).
import {
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { FlowActivities } from '../activities/flow-activities';
import { DEFAULT_HEARTBEAT_TIMEOUT, DEFAULT_RETRY, DEFAULT_START_TO_CLOSE_TIMEOUT } from '../defaults';
import type { FlowRunRequest, TemporalFlowOptions } from '../types';
import { FlowJournalState } from './journal-state';
import {
  appendChunksUpdate,
  attemptFailedSignal,
  chunksQuery,
  claimAttemptUpdate,
  journalQuery,
  progressQuery,
  recordStepUpdate,
  stepStartedSignal,
} from './messages';

const { describeGenkitFlow } = proxyLocalActivities<FlowActivities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 3 },
});

/**
 * Runs the registered Genkit flow `request.flowName` on a worker, durably.
 *
 * The flow body runs in the `runGenkitFlowActivity` activity (full Node); this workflow owns the retry policy
 * and the run's step journal, which every attempt appends to and every new attempt replays.
 *
 * @example Start it from another SDK by name: workflow type `runGenkitFlow`, one argument
 * `{ flowName: 'jokeFlow', input: { topic: 'cats' } }`.
 */
export async function runGenkitFlow(request: FlowRunRequest): Promise<unknown> {
  const state = new FlowJournalState(request.flowName);

  setHandler(progressQuery, () => state.progress());
  setHandler(journalQuery, () => state.entries());
  setHandler(chunksQuery, (offset) => ({ offset, chunks: state.chunks.slice(offset) }));
  setHandler(claimAttemptUpdate, (lease) => state.claim(lease), { validator: (lease) => state.assertCanClaim(lease) });
  setHandler(recordStepUpdate, (lease, entry, batch) => state.record(entry, batch), {
    validator: (lease, entry, batch) => state.assertCanRecord(lease, entry, batch),
  });
  setHandler(appendChunksUpdate, (lease, batch) => state.appendChunks(batch), {
    validator: (lease, batch) => state.assertCanAppend(lease, batch),
  });
  setHandler(stepStartedSignal, (lease, step) => state.stepStarted(lease, step));
  setHandler(attemptFailedSignal, (lease, error) => state.attemptFailed(lease, error));

  const description = await describeGenkitFlow(request.flowName);
  const options: TemporalFlowOptions = { ...description.options, ...request.options };
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const { runGenkitFlowActivity } = proxyActivities<FlowActivities>({
    taskQueue: options.taskQueue ?? workflowInfo().taskQueue,
    startToCloseTimeout: options.startToCloseTimeout ?? DEFAULT_START_TO_CLOSE_TIMEOUT,
    scheduleToCloseTimeout: options.scheduleToCloseTimeout,
    heartbeatTimeout: options.heartbeatTimeout ?? DEFAULT_HEARTBEAT_TIMEOUT,
    retry,
    summary: request.flowName,
  });

  try {
    const result = await runGenkitFlowActivity({
      flowName: request.flowName,
      input: request.input,
      context: request.context,
      execution: state.nextExecution(),
      durable: options.durable !== false,
      nonRetryableStatuses: options.nonRetryableStatuses,
      retry,
    });
    state.status = 'completed';
    return result;
  } catch (err) {
    state.status = 'failed';
    throw unwrapActivityFailure(err);
  }
}

/** The caller wants the flow's own error, not Temporal's ActivityFailure wrapper around it. */
function unwrapActivityFailure(err: unknown): unknown {
  if (isCancellation(err)) return err;
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) {
    const cause = err.cause;
    return ApplicationFailure.create({
      message: cause.message,
      type: cause.type ?? undefined,
      details: cause.details as unknown[] | undefined,
      nonRetryable: true,
    });
  }
  return err;
}
