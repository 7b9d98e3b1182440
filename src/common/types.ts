// Serialisable shapes shared by the client, the activity and the workflow sandbox.
// Workflow code includes this file: type-only imports, and the failure types from the sandbox-safe failures.ts.
import type { Duration } from '@temporalio/common';
import type { CallUsage, FlowBudget, PriceTable, RunUsage, UsageTotals } from './usage';

/** A Temporal duration: milliseconds or a string such as `'30s'` / `'5 minutes'`. */
export type DurationLike = Duration;

/** Retry policy for flow attempts (mirrors Temporal's `RetryPolicy`, but always bounded). */
export interface FlowRetryPolicy {
  /** @default 5 */
  maximumAttempts?: number;
  /** @default '1s' */
  initialInterval?: DurationLike;
  /** @default 2 */
  backoffCoefficient?: number;
  /** @default '60s' */
  maximumInterval?: DurationLike;
}

/** Per-flow Temporal settings: `config.temporal` of `defineTemporalFlow`, or overrides at start time. */
export interface TemporalFlowOptions {
  /** Task queue the flow's workflow and activity run on. */
  taskQueue?: string;
  retry?: FlowRetryPolicy;
  /** Limit for one flow attempt. @default '10 minutes' */
  startToCloseTimeout?: DurationLike;
  /** Limit for all attempts together. Unset by default. */
  scheduleToCloseTimeout?: DurationLike;
  /** A worker that stops heartbeating for this long is presumed dead. @default '20s' */
  heartbeatTimeout?: DurationLike;
  /** Limit for the whole workflow, waits included. Unset by default. */
  workflowExecutionTimeout?: DurationLike;
  /**
   * How long a worker may hold one workflow task. A worker killed while holding one delays the run by this much.
   * @default the heartbeat timeout, within 2-10 s (so a crash never delays a run longer than the heartbeat timeout);
   * a run whose starter did not know the flow's options adopts it before its first attempt (`adoptFlowTaskTimeout`)
   */
  workflowTaskTimeout?: DurationLike;
  /**
   * Genkit statuses that must not be retried. Replaces the default set
   * (INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE, PERMISSION_DENIED, UNAUTHENTICATED, NOT_FOUND,
   * UNIMPLEMENTED, ALREADY_EXISTS).
   */
  nonRetryableStatuses?: string[];
  /**
   * Record every model call, tool call and step in the run's journal so a retried attempt resumes where the
   * last one stopped. `false` retries the whole flow from the start. @default true
   */
  durable?: boolean;
  /**
   * Continue the run as a new workflow execution (carrying its journal) after this many journal writes, so a
   * long run never meets Temporal's limit of 2,000 Updates per execution. @default 1500
   */
  continueAsNewAfter?: number;
  /**
   * How many attempts in a row may be lost to a worker shutdown or crash without the flow making progress
   * before the run fails with `FailoverLimitExceeded`. Lost attempts never count against `retry.maximumAttempts`.
   * @default 20
   */
  maxFailoversWithoutProgress?: number;
  /**
   * With Worker Versioning on (`startTemporalWorker({ versioning })`): `'pinned'` runs finish on the worker
   * deployment version (build) that started them; `'auto-upgrade'` runs move to the current version at their next
   * workflow task, so the new code must replay them (the upgrade check, `changed()`). No effect on unversioned
   * workers. @default 'auto-upgrade' (the versioned worker's default behaviour)
   */
  versioning?: FlowVersioning;
  /**
   * A spending limit for the run's model calls (tokens and/or USD). Before a model call once the limit is reached,
   * the run asks for approval (`budget:approval` input) or fails with RESOURCE_EXHAUSTED (`onExceed`). A start
   * option replaces the flow's. See docs/cost.md.
   */
  budget?: FlowBudget;
  /** USD per million tokens by model: each call's cost is recorded with its usage when it is made. */
  prices?: PriceTable;
  /**
   * Also write what the run paid to the search attributes `GenkitCost` (Double, USD) and `GenkitTokens` (Int), so
   * runs can be filtered and sorted by cost on the server. Register both in the namespace first: an unregistered
   * one fails the run's workflow task until it is registered. @default false (the totals are in the memo only)
   */
  usageSearchAttributes?: boolean;
}

/** How a flow's runs meet a new worker deployment version: see `TemporalFlowOptions.versioning`. */
export type FlowVersioning = 'pinned' | 'auto-upgrade';

/** The argument of the `runGenkitFlow` workflow. Other SDKs start the workflow by name with this object. */
export interface FlowRunRequest {
  flowName: string;
  input?: unknown;
  /** Genkit action context (`context` in the flow's side channel), e.g. auth. */
  context?: Record<string, unknown>;
  /** Overrides the flow's registered `config.temporal`. */
  options?: TemporalFlowOptions;
  /**
   * Set by a starter holding the context key (`GENKITX_CONTEXT_KEYS`): proves `context` was given for this run.
   * Workers with the key refuse a run without a valid one (PERMISSION_DENIED); see docs/security.md.
   */
  contextSignature?: ContextSignature;
  /**
   * The flow's registered `config.temporal`, when the starter knows it (the flow is defined in its process): the
   * workflow then does not look it up on a worker (one local activity less per run). Absent: looked up.
   */
  registeredOptions?: TemporalFlowOptions;
  /**
   * Set by a starter that did not know the flow's options (a bare name, a `flowRef` without `temporal`) and so
   * started the run with the default workflow-task timeout of a flow with the default heartbeat timeout (10 s):
   * when the flow's own heartbeat timeout calls for a shorter one, the run continues as new once, before its
   * first attempt, with that timeout, so a crash delays it no longer than a run started with the flow object.
   */
  adoptFlowTaskTimeout?: boolean;
  /**
   * Set by a starter that does not know the flow's registered options (no `registeredOptions`): instead of looking
   * them up before its first attempt (a local activity, one history event), the run schedules that attempt with
   * the kit's defaults and the attempt reports them. It runs the flow only when the registered options would have
   * scheduled it the same way; otherwise it returns them at once and the run goes on as with a lookup. Runs without
   * it (started before it existed, or by a starter that does not set it) look the options up.
   */
  learnOptions?: boolean;
  /**
   * With `learnOptions`: the flow's options as the starter has them from elsewhere (a `flowRef` from the workers'
   * `flowManifest`). The first attempt is scheduled with them instead of the defaults, and runs the flow when the
   * registered options agree, as they do unless the manifest is stale.
   */
  expectedOptions?: TemporalFlowOptions;
  /** @internal Set by the workflow itself when it continues as new: the state the next execution resumes. */
  continued?: ContinuedRun;
  /**
   * @internal Set by the workflow itself when it continues as new and its workers hold a context key: binds the
   * request, `continued` and the journal to the execution they came from (see docs/security.md).
   */
  continuationSeal?: ContinuationSeal;
}

/** HMAC-SHA256 of a run's context, bound to its namespace, workflow ID, flow name and input. */
export interface ContextSignature {
  v: 1;
  /** ID of the key that signed (rotation: workers verify with any key they know). */
  kid: string;
  /** base64url HMAC. */
  mac: string;
}

/** @internal HMAC-SHA256 of what a run carries into its next execution, bound to the execution it came from. */
export interface ContinuationSeal {
  v: 1;
  /** ID of the context key that sealed (rotation: workers verify with any key they know). */
  kid: string;
  /** base64url HMAC. */
  mac: string;
}

/**
 * @internal What a workflow asks its worker to seal (at continue-as-new) or verify (when a continued execution
 * starts): the next execution's arguments. Verifying also names the execution it was continued from.
 */
export interface CarriedState {
  request: FlowRunRequest;
  journal: JournalEntry[][];
  /** Verifying: the workflow's `continuedFromExecutionRunId`. Sealing: unset (the activity's own run ID is used). */
  continuedFromRunId?: string;
}

/** The worker's verdict on a continued execution's carried state: `accepted`, or why not (INVALID_ARGUMENT). */
export type ContinuationCheck =
  | {
      accepted: true;
      /** No seal, but Temporal's history shows the workflow's own continue-as-new (by a worker that did not seal). */
      unsealed?: true;
    }
  | { accepted: false; reason: string; message: string };

/** @internal What a run carries into its next execution (continue-as-new). Journal entries travel as extra arguments. */
export interface ContinuedRun {
  executions: number;
  flowAttempt: number;
  failoversWithoutProgress: number;
  /** Chunks stored by earlier executions: this execution's chunk offsets start here. */
  chunkBase: number;
  /** The execution before this one, which holds the chunks below `chunkBase`. */
  previousRunId: string;
  earlyInputs: EarlyInput[];
  answeredInputKeys: string[];
  lastError?: SerializedFlowError;
  /** How many executions this run has had before this one. */
  continuations: number;
  /** When `scheduleToCloseTimeout` ends, as ms since the epoch (workflow time). */
  deadlineMs?: number;
  /** Model usage of the earlier executions (paid and replayed). */
  usage?: RunUsage;
}

/** Which kind of durable step a journal entry records (`change`: a `changed()` marker, the new branch taken). */
export type StepKind = 'model' | 'tool' | 'run' | 'step' | 'input' | 'change';

/** An error as the journal and failures carry it: enough to rebuild a GenkitError. */
export interface SerializedFlowError {
  name?: string;
  message: string;
  status?: string;
  detail?: unknown;
  retryAfterMs?: number;
}

/** One completed step of a flow run. `key` is its position: `"3"`, or `"3.1"` for a step inside step 3. */
export interface JournalEntry {
  key: string;
  kind: StepKind;
  name: string;
  output?: unknown;
  /** Set when the step failed; replay rethrows it where the flow saw it. */
  error?: SerializedFlowError;
  /** The failure was retryable and the flow caught it (a retry loop, retry middleware) and went on. */
  retryable?: boolean;
  /** Fingerprint of the step's request (model request, tool input, run input): replay checks it. */
  fp?: string;
  /** A short human description of the request, for the error when a replay asks for something else. */
  about?: string;
  /** Chunks the flow streamed while the step ran (steps other than model calls), so replay keeps offsets. */
  emitted?: number;
  /**
   * When the step started (ISO 8601), kept only for steps that ran longer than `STEP_REPORT_DELAY_MS`: the run
   * console shows their duration from it. Replay ignores it.
   */
  startedAt?: string;
  /** An input's answer: who gave it, as the front door that sent it knew them (absent when nobody said). */
  answeredBy?: AnswerProvenance;
  /** A model call's token usage (and cost, when the model has a price), as the provider reported it. */
  usage?: CallUsage;
}

/**
 * Who answered an input, recorded with the answer in the journal. It says what the sender of the answer (a front
 * door of this library, or your code through `provideFlowInput`) vouched for; it is as trustworthy as whoever may
 * send Updates to the run.
 */
export interface AnswerProvenance {
  /** The principal that answered (`auth.uid`), or for an approval link the addressee it was minted for. */
  by: string;
  /** How the answer came: `'api'` (`POST /runs/:id/inputs/:name`), `'approval-link'`, or a name of your own. */
  via: string;
  /** The approval link's ID (the answer's idempotency key) when the answer came through one. */
  linkId?: string;
}

/** What a new attempt receives when it claims the run; the entries follow in pages (`journalPageQuery`). */
export interface ClaimedRun {
  entryCount: number;
  journalBytes: number;
  /** Chunks already stored; the attempt does not send those again. */
  chunkCount: number;
  /** What the run's model calls have cost so far (every paid call), for the budget check. */
  paid?: UsageTotals;
}

/** One page of the journal, in recording order. */
export interface JournalPage {
  entries: JournalEntry[];
  /** Index of the next entry, when there are more. */
  next?: number;
}

/** One write of an attempt: completed steps, chunks streamed since the last write, failures to forget. */
export interface JournalWrite {
  entries: JournalEntry[];
  chunks: ChunkBatch | null;
  /** Keys of recorded retryable failures that turned out to end the attempt: the next attempt runs them again. */
  retract?: string[];
  /** This write also claims the run for its lease (an attempt that skipped the claim: see `claimWithFirstWrite`). */
  claim?: boolean;
}

/** The workflow's answer to a write. */
export interface JournalWriteResult {
  /** The run has used most of its budget of Updates: finish the steps in flight, then end the attempt. */
  continueAsNew: boolean;
  /** Updates this execution has accepted so far (chunk batching slows down as it grows). */
  updates: number;
}

/** A value sent with `provideFlowInput` before the run asked for it; delivered when it does. */
export interface EarlyInput {
  name: string;
  value: unknown;
  receivedAt: string;
  answeredBy?: AnswerProvenance;
}

/** Chunks a flow streamed, addressed by the offset of the first one in the run's whole chunk sequence. */
export interface ChunkBatch {
  offset: number;
  chunks: unknown[];
}

/** Identifies one flow attempt: the n-th activity the workflow scheduled, and Temporal's attempt number. */
export interface AttemptLease {
  execution: number;
  attempt: number;
}

/** Argument of `runGenkitFlowActivity`. */
export interface FlowActivityRequest extends Omit<FlowRunRequest, 'continued'> {
  /** Which scheduling of the activity this is (1, 2, …); fences journal writes with the attempt number. */
  execution: number;
  /** The flow attempt (1-based): attempts lost to failover do not count. */
  attempt: number;
  durable: boolean;
  nonRetryableStatuses?: string[];
  retry: Required<FlowRetryPolicy>;
  /**
   * The run's very first attempt: nothing to replay and no older attempt to fence out, so the attempt skips the
   * claim round trip and its first journal write claims the run instead (`JournalWrite.claim`).
   */
  claimWithFirstWrite?: boolean;
  /** The run's budget (the flow's, or the start option's). */
  budget?: FlowBudget;
  /** The price table each model call's cost is computed with. */
  prices?: PriceTable;
  /**
   * Set while the run does not know the flow's registered options (`FlowRunRequest.learnOptions`): the attempt
   * reports them, and takes the per-attempt settings above from them rather than from the request.
   */
  reportOptions?: OptionsReportRequest;
}

/** What the workflow tells an attempt that is to report the flow's registered options (`learnOptions`). */
export interface OptionsReportRequest {
  /** The run's start options, which override the registered ones. */
  startOptions?: TemporalFlowOptions;
  /** The options the attempt was scheduled with in place of the registered ones (`FlowRunRequest.expectedOptions`). */
  expectedOptions?: TemporalFlowOptions;
  /** The run's workflow-task timeout (ms), when it adopts a shorter one before its first attempt. */
  adoptsTaskTimeoutBelowMs?: number;
  /** The Worker Versioning behaviour the run was started with (its memo), if any. */
  versioning?: FlowVersioning;
}

/** What a flow waiting in `waitForInput` asks for. Travels from the activity to the workflow. */
export interface InputRequest {
  name: string;
  /** The journal key the answer is recorded under. */
  key: string;
  /** JSON Schema the value must match (checked by the workflow before it accepts the value). */
  schema?: unknown;
  description?: string;
  timeoutMs?: number;
  /** Whether `defaultValue` applies on timeout (a default may itself be `undefined`/`null`). */
  hasDefault: boolean;
  defaultValue?: unknown;
  /** For Genkit tool interrupts: the interrupted tool request. */
  interrupt?: unknown;
}

/** How one flow attempt ended without failing. */
export type FlowAttemptOutcome =
  | { kind: 'completed'; result: unknown }
  | { kind: 'suspended'; input: InputRequest }
  /** The run asked to continue as new: the attempt finished its steps in flight and stopped. */
  | { kind: 'continueAsNew' };

/**
 * What `runGenkitFlowActivity` returns: the attempt's outcome, or `notRun` (asked to report the flow's options, the
 * attempt found that they schedule it differently), with the flow's registered options when asked for them.
 */
export type FlowAttemptResult = (FlowAttemptOutcome | { kind: 'notRun' }) & { registeredOptions?: TemporalFlowOptions };

/** An input the run is waiting for, as `getFlowRun` and the `progress` query show it. */
export interface PendingInput {
  name: string;
  schema?: unknown;
  description?: string;
  interrupt?: unknown;
  requestedAt: string;
  expiresAt?: string;
  /** Why the last value sent for it was not accepted (an early answer that did not match the schema). */
  rejected?: string;
}

/** What `describeGenkitFlow` tells the workflow about a flow registered on the worker. */
export interface FlowDescription {
  flowName: string;
  options: TemporalFlowOptions;
}

/** The step a flow attempt is running right now. */
export interface StepInFlight {
  key: string;
  kind: StepKind;
  name: string;
  attempt: number;
  startedAt: string;
}

/**
 * The heartbeat details of a running flow attempt (`runGenkitFlowActivity`), as `describe()` shows them: how the
 * step in flight reaches readers without a signal (a signal would cost the run a workflow task per slow step).
 */
export interface FlowAttemptHeartbeat {
  /** The flow attempt (retries count; failovers do not). */
  attempt: number;
  /** The attempt's journal lease: readers trust only the details of the newest lease they see. */
  lease: AttemptLease;
  /** Journal entries the attempt knows to be recorded (details older than the journal are stale). */
  stepsCompleted: number;
  /** The step running for longer than `STEP_REPORT_DELAY_MS`, if any (the latest started of parallel ones). */
  stepInFlight?: StepInFlight;
}

/** Answer of the `progress` query. */
export interface FlowProgress {
  flowName: string;
  stepsCompleted: number;
  /**
   * The step running for longer than `STEP_REPORT_DELAY_MS` (the latest started, when several run in parallel).
   * The `progress` query itself knows it only from activities of older versions (the `genkit.stepStarted`
   * signal); `getFlowRun` fills it in from the running attempt's heartbeat details.
   */
  stepInFlight?: StepInFlight;
  attempt: number;
  lastError?: SerializedFlowError;
  /** Inputs the run waits for (no activity runs meanwhile). */
  pendingInputs: PendingInput[];
  /** Names of values sent before the run asked for them; each is delivered when the run waits for it. */
  earlyInputs: string[];
  status: 'running' | 'waiting' | 'completed' | 'failed';
  /** Attempts lost to a worker shutdown or crash (they do not count against the retry budget). */
  failovers: number;
  /** How many times the run has continued as new. */
  continuations: number;
  /** Tokens and cost of the run's model calls, paid and replayed (absent before the first model call). */
  usage?: RunUsage;
}

/** Failure types the library raises (the table lives with the failure builder in `failures.ts`). */
export { FailureTypes } from './failures';
