// The activities behind runGenkitFlow: look a flow up, and run one attempt of it in full Node.
import { encodesPayloads } from '../../codec/encrypted-payload-guard';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { serializeError, toApplicationFailure } from '../../common/errors';
import { libraryFailure, type FlowFailureDetails } from '../../common/failures';
import { attemptSettings, runOptions, schedulesAlike } from '../../common/learned-options';
import {
  BudgetExceededError,
  DurableRun,
  NonDeterministicFlowError,
  StepResultTooLargeError,
} from '../journal/durable-run';
import { AttemptSupersededError, JournalWriteError, JournalWriter, temporalTransport } from '../journal/journal-writer';
import { MAX_FLOW_RESULT_BYTES, MAX_OFFLOADED_STEP_RESULT_BYTES } from '../../common/defaults';
import { findFlow, listFlowNames, type RegisteredFlow } from '../registry';
import {
  FailureTypes,
  type FlowActivityRequest,
  type FlowAttemptHeartbeat,
  type FlowAttemptOutcome,
  type CarriedState,
  type ContinuationCheck,
  type ContinuationSeal,
  type FlowAttemptResult,
  type FlowDescription,
  type TemporalFlowOptions,
} from '../../common/types';
import { AttemptTracker, WorkerShutdownAbort } from './attempt-tracker';
import { startHeartbeats } from './heartbeat';
import { untilAborted } from '../until-aborted';
import { assertScheduledByRunGenkitFlow } from './workflow-guard';
import { assertTrustedContext, resolveContextTrust, type ContextTrustOptions } from '../../identity/trust';
import { checkContinuation, sealOwnContinuation } from '../../identity/continuation-trust';
import { continuedByItsOwnWorkflow } from '../../identity/unsealed-continuation';

/** Activities a worker must register for `runGenkitFlow`; `createFlowActivities()` builds them. */
export interface FlowActivities {
  describeGenkitFlow(flowName: string): Promise<FlowDescription>;
  /** Runs one attempt: the flow's result, or the input it now waits for. */
  runGenkitFlowActivity(request: FlowActivityRequest): Promise<FlowAttemptResult>;
  /** Local activity, at continue-as-new: seals what the run carries (`undefined` without a context key). */
  sealGenkitContinuation(carried: CarriedState): Promise<ContinuationSeal | undefined>;
  /** Local activity, when a continued execution starts: whether what it carries came from its own continue-as-new. */
  verifyGenkitContinuation(carried: CarriedState): Promise<ContinuationCheck>;
}

/**
 * Builds the activities for one worker. `tracker` lets the worker fail its in-flight attempts fast on shutdown.
 */
export function createFlowActivities(
  tracker = new AttemptTracker(),
  options: {
    /** The worker stores large payloads outside history (external storage): outputs are not size-checked. */
    largeResults?: boolean;
    /** Which run contexts to trust (signed ones; see docs/security.md). @default from GENKITX_CONTEXT_KEYS, on first use */
    contextTrust?: ContextTrustOptions;
  } = {},
): FlowActivities {
  let trust = options.contextTrust ? resolveContextTrust(options.contextTrust) : undefined;
  const trustOf = () => (trust ??= resolveContextTrust());
  return {
    async describeGenkitFlow(flowName) {
      const found = await findFlow(flowName);
      if (!found) throw await flowNotFound(flowName, 1);
      return { flowName, options: found.options };
    },

    async sealGenkitContinuation(carried) {
      return sealOwnContinuation(trustOf(), Context.current().info, carried);
    },

    async verifyGenkitContinuation(carried) {
      const ctx = Context.current();
      const check = await checkContinuation(trustOf(), ctx.info, carried, (previousRunId) =>
        continuedByItsOwnWorkflow(ctx.client, ctx.info, previousRunId),
      );
      if (check.accepted && check.unsealed) {
        ctx.log.warn(
          'accepted an unsealed continuation: the previous execution continued on a worker that does not seal',
          {
            previousRunId: carried.continuedFromRunId,
          },
        );
      }
      return check;
    },

    async runGenkitFlowActivity(request) {
      assertScheduledByRunGenkitFlow(request.flowName);
      if (!request.reportOptions) return runAttempt(request);
      // The run does not know the flow's registered options: this attempt reports them (the lookup a run started
      // with them skips), and runs the flow only when they would have scheduled it as it was.
      const found = await findFlow(request.flowName);
      if (!found) throw await flowNotFound(request.flowName, request.attempt ?? Context.current().info.attempt);
      const registeredOptions = found.options;
      const { taskQueue, heartbeatTimeoutMs } = Context.current().info;
      if (!schedulesAlike(registeredOptions, request.reportOptions, taskQueue, heartbeatTimeoutMs)) {
        return { kind: 'notRun', registeredOptions };
      }
      const settings = attemptSettings(runOptions(registeredOptions, request.reportOptions.startOptions));
      try {
        return { ...(await runAttempt({ ...request, ...settings }, found)), registeredOptions };
      } catch (err) {
        // A failed attempt reports them too: the run decides on its retry with them.
        throw withRegisteredOptions(err, registeredOptions);
      }
    },
  };

  /** One attempt of the flow; `known` is the flow when the caller has looked it up already. */
  async function runAttempt(request: FlowActivityRequest, known?: RegisteredFlow): Promise<FlowAttemptOutcome> {
    const ctx = Context.current();
    const { workflowExecution } = ctx.info;
    if (!workflowExecution) throw new Error('runGenkitFlowActivity must be called from a workflow');
    const attempt = request.attempt ?? ctx.info.attempt;
    // Before anything runs: the caller identity in `context` must come from a starter holding the context key.
    const signedRun = {
      namespace: ctx.info.workflowNamespace ?? ctx.info.activityNamespace,
      workflowId: workflowExecution.workflowId,
      flowName: request.flowName,
      input: request.input,
      context: request.context,
    };
    assertTrustedContext(trustOf(), signedRun, request.contextSignature, attempt);
    const found = known ?? (await findFlow(request.flowName));
    if (!found) throw await flowNotFound(request.flowName, attempt);

    const abort = new AbortController();
    const onCancel = () => abort.abort(ctx.cancellationSignal.reason);
    ctx.cancellationSignal.addEventListener('abort', onCancel);
    const untrack = tracker.track(abort);

    const transport = temporalTransport(ctx.client, workflowExecution.workflowId, workflowExecution.runId);
    const writer = new JournalWriter(
      transport,
      { execution: request.execution, attempt: ctx.info.attempt },
      abort.signal,
      encodesPayloads(ctx.client.options.loadedDataConverter),
    );
    let run: DurableRun | undefined;
    let chunkIndex = 0;
    // The step in flight travels in the heartbeat details (read with describe), not in a signal: a signal
    // would cost the run a workflow task per slow step, queued in front of the step's own journal write.
    const heartbeatDetails = (): FlowAttemptHeartbeat => ({
      attempt,
      lease: writer.lease,
      stepsCompleted: writer.journalSize,
      stepInFlight: run?.stepsInFlight.current,
    });
    const heartbeats = startHeartbeats(ctx, heartbeatDetails);
    try {
      const claim = request.claimWithFirstWrite
        ? { ...writer.claimWithFirstWrite(), claimed: undefined }
        : await writer.claim();
      const { entries } = claim;
      if (request.durable) {
        run = new DurableRun(entries, writer, request.nonRetryableStatuses, abort.signal);
        run.prices = request.prices ?? {};
        run.setBudget(request.budget, claim.claimed?.paid);
        if (options.largeResults) run.maxStepBytes = MAX_OFFLOADED_STEP_RESULT_BYTES;
        run.stepsInFlight.onChange = heartbeats.beat;
      }
      const onChunk = run
        ? (chunk: unknown) => run!.emit(chunk)
        : (chunk: unknown) => writer.chunk(chunkIndex++, chunk);
      const invoke = () =>
        found.flow.run(request.input, { context: request.context, abortSignal: abort.signal, onChunk });
      const completed = (run ? run.enter(invoke) : invoke()).then(({ result }): FlowAttemptOutcome => ({
        kind: 'completed',
        result,
      }));
      // A flow body that ignores its abortSignal must not hold the attempt open: the attempt ends at once and
      // anything the body still does is fenced out of the journal by the next attempt's claim.
      const outcome = await untilAborted(run ? Promise.race([completed, run.suspended]) : completed, abort.signal);
      if (outcome.kind === 'completed' && !options.largeResults) assertResultFits(outcome.result);
      // Records the failures the flow caught and went on past; a divergence fails the attempt even if caught.
      await (run ? run.finish() : writer.flush());
      return outcome;
    } catch (err) {
      // The failure that ends this attempt must not be replayed: the next attempt runs that step again.
      const cause = run ? run.abandon(err) : err;
      // Chunks streamed before the failure are kept (a reader sees them before the error); never lost silently.
      if (!abort.signal.aborted) await writer.flush().catch(() => undefined);
      // The failure itself tells the workflow what went wrong (no separate signal: one workflow task, not two).
      throw toFailure(cause, abort.signal, request, attempt);
    } finally {
      run?.close();
      // Whatever the body still runs (parallel branches of a suspended attempt) is told to stop.
      if (!abort.signal.aborted) abort.abort(ATTEMPT_ENDED);
      heartbeats.stop();
      writer.close();
      untrack();
      ctx.cancellationSignal.removeEventListener('abort', onCancel);
    }
  }
}

/** The failure of an attempt asked to report the flow's options, with them in its details (`FlowFailureDetails`). */
function withRegisteredOptions(err: unknown, registeredOptions: TemporalFlowOptions): unknown {
  const details = err instanceof ApplicationFailure ? err.details : undefined;
  const first = details?.[0];
  if (!details || typeof first !== 'object' || first === null) return err;
  details[0] = { ...(first as FlowFailureDetails), registeredOptions };
  return err;
}

/** The reason handed to a finished attempt's abort signal. */
class AttemptEndedError extends Error {
  override readonly name = 'AttemptEndedError';
  constructor() {
    super('this flow attempt has ended');
  }
}
/** One instance for every attempt: capturing a fresh stack trace for each ended attempt cost ~0.1 ms a run. */
const ATTEMPT_ENDED = new AttemptEndedError();

/** A result over Temporal's payload limit would fail the workflow task over and over: fail once, clearly. */
function assertResultFits(result: unknown): void {
  const bytes = result === undefined ? 0 : Buffer.byteLength(JSON.stringify(result) ?? '');
  if (bytes <= MAX_FLOW_RESULT_BYTES) return;
  throw new FlowResultTooLargeError(bytes);
}

class FlowResultTooLargeError extends Error {
  override readonly name = 'FlowResultTooLargeError';
  constructor(readonly bytes: number) {
    super(
      `the flow's output is ${bytes} bytes, above the ${MAX_FLOW_RESULT_BYTES}-byte limit of one Temporal payload. ` +
        'Return a smaller output (store large data elsewhere and return a reference), or turn on payload offload.',
    );
  }
}

function toFailure(err: unknown, signal: AbortSignal, request: FlowActivityRequest, attempt: number): unknown {
  if (err instanceof AttemptSupersededError) {
    // A newer attempt holds the run (or it ended): the workflow no longer waits for this one.
    return libraryFailure(FailureTypes.staleAttempt, err.message, { attempt, nonRetryable: false });
  }
  if (signal.aborted) {
    if (signal.reason instanceof WorkerShutdownAbort) {
      // The workflow re-runs the attempt elsewhere at once, without counting it against the retry budget.
      return libraryFailure(FailureTypes.workerShutdown, signal.reason.message, { attempt, nonRetryable: false });
    }
    // Cancelled by Temporal: report the CancelledFailure itself so the workflow ends CANCELLED.
    return signal.reason;
  }
  if (err instanceof NonDeterministicFlowError) {
    return libraryFailure(FailureTypes.nonDeterministic, serializeError(err).message, {
      attempt,
      status: err.status,
      detail: err.detail,
    });
  }
  if (err instanceof StepResultTooLargeError) {
    return libraryFailure(FailureTypes.stepTooLarge, serializeError(err).message, { attempt, status: err.status });
  }
  if (err instanceof BudgetExceededError) {
    return libraryFailure(FailureTypes.budgetExceeded, serializeError(err).message, {
      attempt,
      status: err.status,
      detail: err.detail,
    });
  }
  if (err instanceof JournalWriteError) {
    return libraryFailure(err.type, err.message, { attempt, status: err.status });
  }
  if (err instanceof FlowResultTooLargeError) {
    return libraryFailure(FailureTypes.resultTooLarge, err.message, { attempt, status: 'RESOURCE_EXHAUSTED' });
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
/** Seals what a run carries into its next execution (a local activity of `runGenkitFlow`). */
export const sealGenkitContinuation = defaultActivities.sealGenkitContinuation;
/** Verifies that a continued execution carries its own sealed state (a local activity of `runGenkitFlow`). */
export const verifyGenkitContinuation = defaultActivities.verifyGenkitContinuation;
