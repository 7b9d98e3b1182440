// Serialisable shapes shared by the client, the activity and the workflow sandbox.
// Workflow code includes this file: type-only imports, nothing else.
import type { Duration } from '@temporalio/common';

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
}

/** The argument of the `runGenkitFlow` workflow. Other SDKs start the workflow by name with this object. */
export interface FlowRunRequest {
  flowName: string;
  input?: unknown;
  /** Genkit action context (`context` in the flow's side channel), e.g. auth. */
  context?: Record<string, unknown>;
  /** Overrides the flow's registered `config.temporal`. */
  options?: TemporalFlowOptions;
}

/** Which kind of durable step a journal entry records. */
export type StepKind = 'model' | 'tool' | 'run' | 'step' | 'input';

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
  /** Set when the step failed with an error that cannot succeed on retry; replay rethrows it. */
  error?: SerializedFlowError;
}

/** What a new attempt receives when it claims the run. */
export interface ClaimedRun {
  entries: JournalEntry[];
  /** Chunks already stored; the attempt does not send those again. */
  chunkCount: number;
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
export interface FlowActivityRequest extends FlowRunRequest {
  /** Which scheduling of the activity this is (1, 2, …); fences journal writes with the attempt number. */
  execution: number;
  durable: boolean;
  nonRetryableStatuses?: string[];
  retry: Required<FlowRetryPolicy>;
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
export type FlowAttemptOutcome = { kind: 'completed'; result: unknown } | { kind: 'suspended'; input: InputRequest };

/** An input the run is waiting for, as `getFlowRun` and the `progress` query show it. */
export interface PendingInput {
  name: string;
  schema?: unknown;
  description?: string;
  interrupt?: unknown;
  requestedAt: string;
  expiresAt?: string;
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

/** Answer of the `progress` query. */
export interface FlowProgress {
  flowName: string;
  stepsCompleted: number;
  stepInFlight?: StepInFlight;
  attempt: number;
  lastError?: SerializedFlowError;
  /** Inputs the run waits for (no activity runs meanwhile). */
  pendingInputs: PendingInput[];
  status: 'running' | 'waiting' | 'completed' | 'failed';
}

/** Failure types the library raises; match on them in `nonRetryableErrorTypes` or in caller code. */
export const FailureTypes = {
  flowNotFound: 'GenkitFlowNotFound',
  genkitError: 'GenkitError',
  nonDeterministic: 'NonDeterministicFlow',
  workerShutdown: 'WorkerShuttingDown',
  stepTooLarge: 'StepResultTooLarge',
  inputTimeout: 'InputTimeout',
} as const;
