// The generic durable workflow behind every Genkit flow. Runs in Temporal's deterministic sandbox:
// it may import only @temporalio/workflow and its siblings (no Node built-ins, no genkit).
import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  ContinueAsNew,
  makeContinueAsNewFunc,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  setWorkflowOptions,
  sleep,
  TimeoutFailure,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { FlowActivities } from '../worker/activities/flow-activities';
import { libraryFailure, type FlowFailureDetails } from '../common/failures';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import {
  COST_SEARCH_ATTRIBUTE,
  TOKENS_SEARCH_ATTRIBUTE,
  DEFAULT_CONTINUE_AS_NEW_AFTER,
  DEFAULT_HEARTBEAT_TIMEOUT,
  DEFAULT_MAX_FAILOVERS_WITHOUT_PROGRESS,
  DEFAULT_RETRY,
  DEFAULT_START_TO_CLOSE_TIMEOUT,
  MAX_CARRIED_JOURNAL_BYTES,
} from '../common/defaults';
import { backoffMs, msFromDuration, validateRetryPolicy, workflowTaskTimeoutFor } from '../common/retry-math';
import {
  FailureTypes,
  type AnswerProvenance,
  type ContinuationCheck,
  type FlowRetryPolicy,
  type FlowRunRequest,
  type InputRequest,
  type JournalEntry,
  type OptionsReportRequest,
  type SerializedFlowError,
  type TemporalFlowOptions,
} from '../common/types';
import { attemptSettings, runOptions } from '../common/learned-options';
import { FlowJournalState } from './journal-state';
import { askedVersioning, runVersioningBehavior } from './versioning';
import { VERSIONING_MEMO } from '../common/defaults';
import {
  attemptFailedSignal,
  chunksQuery,
  claimAttemptUpdate,
  journalPageQuery,
  journalQuery,
  progressQuery,
  provideInputUpdate,
  recordStepsUpdate,
  stepStartedSignal,
} from './messages';

const { describeGenkitFlow, sealGenkitContinuation, verifyGenkitContinuation } = proxyLocalActivities<FlowActivities>({
  startToCloseTimeout: '30s',
  retry: { maximumAttempts: 3 },
});

/**
 * Continue-as-new seals what it carries, and a continued execution checks the seal before anything runs (both on
 * the worker, which holds the context key). Executions recorded before it replay without either.
 */
const CONTINUATION_SEAL_PATCH = 'genkitx-temporal/continuation-seal';
/** Flow attempts carry the run's priority explicitly (runs started with one; see `attemptPriority`). */
const ATTEMPT_PRIORITY_PATCH = 'genkitx-temporal/attempt-priority';

/** The run's usage totals go to its memo (`genkitUsage`) after each attempt; runs recorded before do not. */
const USAGE_MEMO_PATCH = 'genkitx-temporal/usage-memo';

/**
 * Runs the registered Genkit flow `request.flowName` on a worker, durably.
 *
 * The flow body runs in the `runGenkitFlowActivity` activity (full Node); this workflow owns the run's step
 * journal, which every attempt appends to and every new attempt replays, and the retry policy: a failed attempt
 * is retried per `retry`, an attempt lost to a worker shutdown or crash is re-run without counting against it.
 * Long runs continue as new, carrying the journal (`journal` holds the carried entries, in pages).
 *
 * @example Start it from another SDK by name: workflow type `runGenkitFlow`, one argument
 * `{ flowName: 'jokeFlow', input: { topic: 'cats' } }`.
 */
export async function runGenkitFlow(request: FlowRunRequest, ...journal: JournalEntry[][]): Promise<unknown> {
  assertNotForgedContinuation(request, journal);
  const state = new FlowJournalState(request.flowName, request.continued, journal.flat());
  setHandlers(state);
  try {
    if (carriesState(request, journal) && patched(CONTINUATION_SEAL_PATCH)) {
      const check = await verifyGenkitContinuation({
        request,
        journal,
        continuedFromRunId: workflowInfo().continuedFromExecutionRunId,
      });
      if (!check.accepted) throw forgedContinuation(check);
    }
    const startedAt = Date.now();
    // A starter that did not know the flow's registered options asked the first attempt to report them (no lookup
    // before it): until one does, attempts are scheduled with the start options and the kit's defaults.
    const learning = !request.continued && !request.registeredOptions && request.learnOptions === true;
    let registered =
      request.continued || learning
        ? undefined
        : (request.registeredOptions ?? (await describeGenkitFlow(request.flowName)).options);
    let options = request.continued
      ? (request.options ?? {})
      : runOptions(learning ? request.expectedOptions : registered, request.options);
    if (!learning) await adoptFlowOptions(state, request, registered, options);
    // Only the first attempt of a new run has nothing to replay and nobody to fence out.
    let firstAttempt = !request.continued;
    state.continueAsNewAfter = options.continueAsNewAfter ?? DEFAULT_CONTINUE_AS_NEW_AFTER;
    let retry = checkedRetryPolicy(options.retry);
    let deadlineMs =
      request.continued?.deadlineMs ??
      (options.scheduleToCloseTimeout !== undefined
        ? Date.now() + msFromDuration(options.scheduleToCloseTimeout)
        : undefined);
    /** The flow's registered options, reported by an attempt (or looked up): the run goes by them from now on. */
    const learn = (reported: TemporalFlowOptions) => {
      registered = reported;
      options = runOptions(registered, request.options);
      state.continueAsNewAfter = options.continueAsNewAfter ?? DEFAULT_CONTINUE_AS_NEW_AFTER;
      retry = checkedRetryPolicy(options.retry);
      deadlineMs =
        options.scheduleToCloseTimeout !== undefined
          ? startedAt + msFromDuration(options.scheduleToCloseTimeout)
          : undefined;
    };

    for (;;) {
      const entriesBefore = state.entryCount;
      let outcome;
      const claimWithFirstWrite = firstAttempt;
      firstAttempt = false;
      const reportOptions = learning && !registered ? optionsReportRequest(request) : undefined;
      try {
        outcome = await activityFor(options, retry, deadlineMs).runGenkitFlowActivity({
          flowName: request.flowName,
          input: request.input,
          context: request.context,
          contextSignature: request.contextSignature,
          execution: state.nextExecution(),
          attempt: state.flowAttempt,
          ...attemptSettings(options),
          claimWithFirstWrite: claimWithFirstWrite || undefined,
          ...(reportOptions ? { reportOptions } : {}),
        });
      } catch (err) {
        if (reportOptions) {
          const reported = registeredOptionsOf(err);
          if (reported) learn(reported);
        }
        recordUsageInMemo(state, options);
        if (isCancellation(err)) throw err;
        const failover = isFailover(err);
        state.attemptEnded(failover ? undefined : flowErrorOf(err));
        if (failover) {
          // A lost worker is not an error of the flow: run the attempt again, elsewhere, on a fresh budget.
          const limit = options.maxFailoversWithoutProgress ?? DEFAULT_MAX_FAILOVERS_WITHOUT_PROGRESS;
          if (!state.failover(entriesBefore, limit)) throw failoverLimit(limit, state.flowAttempt);
          continue;
        }
        // A failure that did not report the options (one the flow's code did not raise: a timeout, a payload the
        // server refused): the retry is decided by them all the same, looked up.
        if (learning && !registered && retryDelay(err, retry, state.flowAttempt) !== undefined) {
          learn((await describeGenkitFlow(request.flowName)).options);
        }
        const delayMs = retryDelay(err, retry, state.flowAttempt);
        if (delayMs === undefined || state.flowAttempt >= retry.maximumAttempts) throw err;
        if (deadlineMs !== undefined && Date.now() + delayMs >= deadlineMs) throw err;
        await sleep(delayMs);
        state.flowAttempt++;
        continue;
      }
      if (reportOptions && outcome.registeredOptions) learn(outcome.registeredOptions);
      if (outcome.kind === 'notRun') {
        // The flow's options schedule its attempts differently: nothing ran, the run goes on as after a lookup.
        await adoptFlowOptions(state, request, registered, options);
        firstAttempt = claimWithFirstWrite;
        continue;
      }
      recordUsageInMemo(state, options);
      if (outcome.kind === 'completed') {
        state.status = 'completed';
        return outcome.result;
      }
      if (outcome.kind === 'suspended') await waitForInput(state, outcome.input);
      else await continueAsNewCarrying(state, request, options, deadlineMs);
    }
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    state.status = 'failed';
    throw finalFailure(err, state.flowAttempt);
  }
}

// Per run, before its first workflow task completes: the flow's Worker Versioning behaviour (versioning.ts).
setWorkflowOptions(() => ({ versioningBehavior: runVersioningBehavior() }), runGenkitFlow);

/**
 * Puts the run's usage totals in its memo, so a list of runs shows what each cost without asking a worker (and a
 * closed run keeps them). Only when they changed, and never in runs recorded before (no model call, no marker).
 */
function recordUsageInMemo(state: FlowJournalState, options: TemporalFlowOptions): void {
  if (!state.hasUsage) return;
  const usage = JSON.stringify(state.usage);
  if (usage === state.usageInMemo || !patched(USAGE_MEMO_PATCH)) return;
  state.usageInMemo = usage;
  upsertMemo({ genkitUsage: state.usage });
  if (!options.usageSearchAttributes) return;
  const { paid } = state.usage;
  upsertSearchAttributes([
    { key: COST_SEARCH_ATTRIBUTE_KEY, value: paid.cost },
    { key: TOKENS_SEARCH_ATTRIBUTE_KEY, value: paid.inputTokens + paid.outputTokens },
  ]);
}
const COST_SEARCH_ATTRIBUTE_KEY = defineSearchAttributeKey(COST_SEARCH_ATTRIBUTE, SearchAttributeType.DOUBLE);
const TOKENS_SEARCH_ATTRIBUTE_KEY = defineSearchAttributeKey(TOKENS_SEARCH_ATTRIBUTE, SearchAttributeType.INT);

function setHandlers(state: FlowJournalState): void {
  setHandler(progressQuery, () => state.progress());
  setHandler(journalQuery, () => state.entries());
  setHandler(journalPageQuery, (from) => state.page(from));
  setHandler(chunksQuery, (offset) => state.readChunks(offset));
  setHandler(claimAttemptUpdate, (lease) => state.claim(lease), { validator: (lease) => state.assertCanClaim(lease) });
  setHandler(recordStepsUpdate, (lease, write) => state.write(write, workflowInfo().historyLength, lease), {
    validator: (lease, write) => state.assertCanWrite(lease, write),
  });
  // Sent only by activities of older versions (the step in flight now travels in heartbeat details): kept for them.
  setHandler(stepStartedSignal, (lease, step) => state.stepStarted(lease, step));
  setHandler(attemptFailedSignal, (lease, error) => state.attemptFailed(lease, error));
  setHandler(
    provideInputUpdate,
    (name: string, value: unknown, key?: string, by?: AnswerProvenance) =>
      state.receive(name, value, new Date(), key, by),
    {
      validator: (name: string, value: unknown, key?: string, by?: AnswerProvenance) =>
        state.assertCanProvide(name, value, key, by),
    },
  );
}

/**
 * Before the first attempt of a run whose starter did not know the flow's options: the adoptions of the flow's
 * workflow-task timeout and versioning behaviour (each continues as new when it applies).
 */
async function adoptFlowOptions(
  state: FlowJournalState,
  request: FlowRunRequest,
  registered: TemporalFlowOptions | undefined,
  options: TemporalFlowOptions,
): Promise<void> {
  if (request.adoptFlowTaskTimeout && !request.continued) {
    await adoptFlowTaskTimeout(state, request, registered ?? {}, options);
  }
  if (!request.registeredOptions && !request.continued && registered?.versioning) {
    await adoptFlowVersioning(state, request, registered);
  }
}

/** What an attempt of a run that has not learnt the flow's options yet is asked to check them against. */
function optionsReportRequest(request: FlowRunRequest): OptionsReportRequest {
  const versioning = askedVersioning();
  return {
    ...(request.options ? { startOptions: request.options } : {}),
    ...(request.expectedOptions ? { expectedOptions: request.expectedOptions } : {}),
    ...(request.adoptFlowTaskTimeout ? { adoptsTaskTimeoutBelowMs: workflowInfo().taskTimeoutMs } : {}),
    ...(versioning ? { versioning } : {}),
  };
}

/** The flow's registered options a failed attempt reported (`FlowRunRequest.learnOptions`). */
function registeredOptionsOf(err: unknown): TemporalFlowOptions | undefined {
  if (!(err instanceof ActivityFailure) || !(err.cause instanceof ApplicationFailure)) return undefined;
  return (err.cause.details?.[0] as Partial<FlowFailureDetails> | undefined)?.registeredOptions;
}

/** The activity proxy for one attempt: Temporal does not retry it; this workflow decides what comes next. */
function activityFor(options: TemporalFlowOptions, retry: Required<FlowRetryPolicy>, deadlineMs?: number) {
  const remainingMs = deadlineMs !== undefined ? Math.max(1, deadlineMs - Date.now()) : undefined;
  return proxyActivities<FlowActivities>({
    taskQueue: options.taskQueue ?? workflowInfo().taskQueue,
    startToCloseTimeout: options.startToCloseTimeout ?? DEFAULT_START_TO_CLOSE_TIMEOUT,
    scheduleToCloseTimeout: remainingMs,
    heartbeatTimeout: options.heartbeatTimeout ?? DEFAULT_HEARTBEAT_TIMEOUT,
    retry: { maximumAttempts: 1, initialInterval: retry.initialInterval },
    summary: 'Genkit flow attempt',
    ...attemptPriority(),
  });
}

/**
 * The run's priority and fairness key, set on each flow attempt. Temporal would inherit them when it dispatches the
 * attempt anyway; set, they also show on the attempt (its scheduled event, pending-activity info and
 * `activityInfo().priority`). A run without a priority schedules exactly what it did before; one with a priority
 * replays its history from before this change without it (the patch).
 */
function attemptPriority(): Pick<ActivityOptions, 'priority'> {
  const { priorityKey, fairnessKey, fairnessWeight } = workflowInfo().priority ?? {};
  if (!priorityKey && !fairnessKey && !fairnessWeight) return {};
  if (!patched(ATTEMPT_PRIORITY_PATCH)) return {};
  return {
    priority: {
      ...(priorityKey ? { priorityKey } : {}),
      ...(fairnessKey ? { fairnessKey } : {}),
      ...(fairnessWeight ? { fairnessWeight } : {}),
    },
  };
}

function carriesState(request: FlowRunRequest, journal: JournalEntry[][]): boolean {
  return request.continued !== undefined || journal.length > 0;
}

/**
 * Only this workflow's own continue-as-new hands a run a journal: a client that starts a run with journal entries
 * or continued state (e.g. a replayed signed request with forged step results) is refused. This catches a plain
 * start at once; the seal check (`verifyGenkitContinuation`) catches every other path (cron, retry, reset).
 */
function assertNotForgedContinuation(request: FlowRunRequest, journal: JournalEntry[][]): void {
  if (workflowInfo().continuedFromExecutionRunId || !carriesState(request, journal)) return;
  throw forgedContinuation({ reason: 'unsigned' });
}

function forgedContinuation(check: Partial<Extract<ContinuationCheck, { accepted: false }>>): ApplicationFailure {
  const message =
    check.message ?? 'a run cannot be started with a journal or continued state; only the workflow itself continues';
  const detail = check.reason ? { reason: check.reason } : undefined;
  return libraryFailure(FailureTypes.genkitError, message, { attempt: 0, status: 'INVALID_ARGUMENT', detail });
}

/** Bounded always: `maximumAttempts` 0 (Temporal's "unlimited"), negative intervals and the like are refused. */
function checkedRetryPolicy(policy: FlowRetryPolicy | undefined): Required<FlowRetryPolicy> {
  const retry = { ...DEFAULT_RETRY, ...policy };
  const problems = validateRetryPolicy(policy ?? {});
  if (problems.length) {
    const message = `invalid retry policy: ${problems.join('; ')}`;
    throw libraryFailure(FailureTypes.genkitError, message, { attempt: 0, status: 'INVALID_ARGUMENT' });
  }
  return retry;
}

/** A worker shutdown (the attempt failed itself fast) or a worker that stopped heartbeating (crash, SIGKILL). */
function isFailover(err: unknown): boolean {
  if (!(err instanceof ActivityFailure)) return false;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) return cause.type === FailureTypes.workerShutdown;
  return cause instanceof TimeoutFailure && cause.timeoutType === 'HEARTBEAT';
}

/** The flow's error carried by a failed attempt (shown as `lastError` in progress). */
function flowErrorOf(err: unknown): SerializedFlowError | undefined {
  if (!(err instanceof ActivityFailure)) return undefined;
  const cause = err.cause;
  const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as Partial<FlowFailureDetails>) : undefined;
  if (details?.error) return details.error;
  return cause ? { name: cause.name, message: cause.message } : undefined;
}

/** How long to wait before retrying a failed attempt, or undefined when it must not be retried. */
function retryDelay(err: unknown, retry: Required<FlowRetryPolicy>, attempt: number): number | undefined {
  if (!(err instanceof ActivityFailure)) return undefined;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) {
    if (cause.nonRetryable) return undefined;
    const details = cause.details?.[0] as Partial<FlowFailureDetails> | undefined;
    return details?.retryDelayMs ?? backoffMs(retry, attempt);
  }
  // An attempt that ran out of its startToCloseTimeout is retried like any transient failure.
  if (cause instanceof TimeoutFailure) return backoffMs(retry, attempt);
  return undefined;
}

async function waitForInput(state: FlowJournalState, input: InputRequest): Promise<void> {
  state.awaitInput(input, new Date());
  if (input.timeoutMs === undefined) return condition(() => !state.isWaiting);
  const arrived = await condition(() => !state.isWaiting, input.timeoutMs);
  if (arrived || state.timeOut()) return;
  const message = `no value for input "${input.name}" arrived within ${input.timeoutMs} ms`;
  throw libraryFailure(FailureTypes.inputTimeout, message, { attempt: 1, status: 'DEADLINE_EXCEEDED' });
}

/**
 * Starts the next execution with the journal as its arguments (pages of about 1 MiB, each its own payload), sealed
 * for it by the worker. Whatever reaches the run while the seal is made (an early input) is carried too: the state
 * is sealed again until it holds still.
 */
async function continueAsNewCarrying(
  state: FlowJournalState,
  request: FlowRunRequest,
  options: TemporalFlowOptions,
  deadlineMs: number | undefined,
): Promise<never> {
  const { continuationSeal: _previous, ...rest } = request;
  for (;;) {
    await condition(allHandlersFinished);
    const { pages, bytes } = state.pages();
    if (bytes > MAX_CARRIED_JOURNAL_BYTES) {
      const message =
        `the journal holds ${bytes} bytes; a run can carry at most ${MAX_CARRIED_JOURNAL_BYTES} bytes of journal ` +
        'into a continued execution. Return smaller step results (store large data elsewhere and journal a reference).';
      throw libraryFailure(FailureTypes.journalLimit, message, { attempt: 1, status: 'RESOURCE_EXHAUSTED' });
    }
    const next: FlowRunRequest = {
      ...rest,
      options,
      continued: { ...state.continued(workflowInfo().runId), deadlineMs },
    };
    // The next execution keeps this one's workflow-task timeout (short, for fast failover), whoever started the run.
    const continueAsNew = makeContinueAsNewFunc<typeof runGenkitFlow>({
      workflowTaskTimeout: workflowInfo().taskTimeoutMs,
    });
    if (!patched(CONTINUATION_SEAL_PATCH)) return continueAsNew(next, ...pages);
    const sealed = JSON.stringify([next, pages]);
    const continuationSeal = await sealGenkitContinuation({ request: next, journal: pages });
    await condition(allHandlersFinished);
    const now = { ...next, continued: { ...state.continued(workflowInfo().runId), deadlineMs } };
    if (JSON.stringify([now, state.pages().pages]) !== sealed) continue;
    return continueAsNew(continuationSeal ? { ...next, continuationSeal } : next, ...pages);
  }
}

/**
 * A run started by a caller that did not know the flow's options got the default workflow-task timeout of a flow
 * with the default heartbeat timeout. When the flow's own heartbeat timeout calls for a shorter one (a worker
 * killed while it holds a workflow task stalls the run that long), the run continues as new with it, once, before
 * its first attempt — unless something has already reached it (an early input), in which case it keeps the timeout.
 */
async function adoptFlowTaskTimeout(
  state: FlowJournalState,
  request: FlowRunRequest,
  registered: TemporalFlowOptions,
  options: TemporalFlowOptions,
): Promise<void> {
  const wanted = workflowTaskTimeoutFor(options.heartbeatTimeout);
  if (wanted >= workflowInfo().taskTimeoutMs) return;
  await condition(allHandlersFinished);
  if (!state.untouched) return;
  const { adoptFlowTaskTimeout: _adopted, ...rest } = request;
  // The next execution starts afresh with the looked-up options (no second lookup), from this workflow only.
  // With the flow's versioning choice too, when the starter did not know it (one continue-as-new for both).
  const memo = adoptedVersioningMemo(registered);
  await makeContinueAsNewFunc<typeof runGenkitFlow>({ workflowTaskTimeout: wanted, ...(memo && { memo }) })({
    ...rest,
    registeredOptions: registered,
  });
}

/**
 * A run started by a caller that did not know the flow's `versioning` (a bare name, as another SDK starts it) got
 * the worker's default behaviour. When the flow chose one, the run continues as new once, before its first
 * attempt, with the choice in its memo (read before the next execution's first task completes) — unless
 * something has already reached it (an early input), in which case it keeps the default.
 */
async function adoptFlowVersioning(
  state: FlowJournalState,
  request: FlowRunRequest,
  registered: TemporalFlowOptions,
): Promise<void> {
  const memo = adoptedVersioningMemo(registered);
  if (!memo) return;
  await condition(allHandlersFinished);
  if (!state.untouched) return;
  const { adoptFlowTaskTimeout: _adopted, ...rest } = request;
  await makeContinueAsNewFunc<typeof runGenkitFlow>({ workflowTaskTimeout: workflowInfo().taskTimeoutMs, memo })({
    ...rest,
    registeredOptions: registered,
  });
}

/** The run's memo with the flow's `versioning` in it, when the run's starter did not ask for that one. */
function adoptedVersioningMemo(registered: TemporalFlowOptions): Record<string, unknown> | undefined {
  if (!registered.versioning || askedVersioning() === registered.versioning) return undefined;
  return { ...workflowInfo().memo, [VERSIONING_MEMO]: registered.versioning };
}

function failoverLimit(limit: number, attempt: number): ApplicationFailure {
  const message =
    `${limit} attempts in a row were lost to worker shutdowns or crashes without the flow making progress; ` +
    'check the workers (crash loops, out-of-memory kills, a step that outlives the heartbeat timeout)';
  return libraryFailure(FailureTypes.failoverLimit, message, { attempt, status: 'UNAVAILABLE' });
}

/** The caller wants the flow's own error, not Temporal's ActivityFailure wrapper around it. */
function finalFailure(err: unknown, attempt: number): unknown {
  if (isCancellation(err) || !(err instanceof ActivityFailure)) return err;
  const cause = err.cause;
  if (cause instanceof ApplicationFailure) {
    return ApplicationFailure.create({
      message: cause.message,
      type: cause.type ?? undefined,
      details: withoutRegisteredOptions(cause.details),
      nonRetryable: true,
    });
  }
  if (cause instanceof TimeoutFailure) {
    const message = `attempt ${attempt} of the flow timed out (${cause.timeoutType ?? 'timeout'})`;
    return libraryFailure(FailureTypes.attemptTimedOut, message, { attempt, status: 'DEADLINE_EXCEEDED' });
  }
  return err;
}

/** The caller gets the flow's failure, not the options the attempt reported to this workflow with it. */
function withoutRegisteredOptions(details: unknown[] | null | undefined): unknown[] | undefined {
  const first = details?.[0] as Partial<FlowFailureDetails> | undefined;
  if (!details) return undefined;
  if (typeof first !== 'object' || first === null || !('registeredOptions' in first)) return details;
  const { registeredOptions: _reported, ...rest } = first;
  return [rest, ...details.slice(1)];
}
