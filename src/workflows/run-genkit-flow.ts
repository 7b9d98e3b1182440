// The generic durable workflow behind every Genkit flow. Runs in Temporal's deterministic sandbox:
// it may import only @temporalio/workflow and its siblings (no Node built-ins, no genkit).
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { FlowActivities } from '../activities/flow-activities';
import { DEFAULT_HEARTBEAT_TIMEOUT, DEFAULT_RETRY, DEFAULT_START_TO_CLOSE_TIMEOUT } from '../defaults';
import { FailureTypes, type FlowRunRequest, type InputRequest, type TemporalFlowOptions } from '../types';
import { FlowJournalState } from './journal-state';
import {
  appendChunksUpdate,
  attemptFailedSignal,
  chunksQuery,
  claimAttemptUpdate,
  journalQuery,
  progressQuery,
  provideInputUpdate,
  recordStepsUpdate,
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
  setHandler(chunksQuery, (offset) => ({
    offset,
    chunks: state.chunks.slice(offset),
    done: state.status === 'completed' || state.status === 'failed',
  }));
  setHandler(claimAttemptUpdate, (lease) => state.claim(lease), { validator: (lease) => state.assertCanClaim(lease) });
  setHandler(recordStepsUpdate, (lease, entries, batch) => state.record(entries, batch), {
    validator: (lease, entries, batch) => state.assertCanRecord(lease, entries, batch),
  });
  setHandler(appendChunksUpdate, (lease, batch) => state.appendChunks(batch), {
    validator: (lease, batch) => state.assertCanAppend(lease, batch),
  });
  setHandler(stepStartedSignal, (lease, step) => state.stepStarted(lease, step));
  setHandler(attemptFailedSignal, (lease, error) => state.attemptFailed(lease, error));
  setHandler(provideInputUpdate, (name, value) => state.provide(value), {
    validator: (name, value) => state.assertCanProvide(name, value),
  });

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
    // Each pass runs the flow until it completes or waits for input. While it waits, no activity (and no
    // worker slot) is held: the workflow waits durably, then a new attempt replays the journal.
    for (;;) {
      const outcome = await runGenkitFlowActivity({
        flowName: request.flowName,
        input: request.input,
        context: request.context,
        execution: state.nextExecution(),
        durable: options.durable !== false,
        nonRetryableStatuses: options.nonRetryableStatuses,
        retry,
      });
      if (outcome.kind === 'completed') {
        state.status = 'completed';
        return outcome.result;
      }
      await waitForInput(state, outcome.input);
    }
  } catch (err) {
    state.status = 'failed';
    throw unwrapActivityFailure(err);
  }
}

async function waitForInput(state: FlowJournalState, input: InputRequest): Promise<void> {
  state.awaitInput(input, new Date());
  if (input.timeoutMs === undefined) return condition(() => !state.isWaiting);
  const arrived = await condition(() => !state.isWaiting, input.timeoutMs);
  if (arrived || state.timeOut()) return;
  const message = `no value for input "${input.name}" arrived within ${input.timeoutMs} ms`;
  throw ApplicationFailure.create({
    type: FailureTypes.inputTimeout,
    message: `DEADLINE_EXCEEDED: ${message}`,
    nonRetryable: true,
    details: [{ error: { name: FailureTypes.inputTimeout, status: 'DEADLINE_EXCEEDED', message }, attempt: 1 }],
  });
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
