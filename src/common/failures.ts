// The failure vocabulary: every failure type the library raises, and the one builder of the failures it raises
// itself (flow not found, non-deterministic replay, an invalid request refused by the workflow, …). Sandbox-safe:
// workflow code builds its failures here too, so a caller decides on the same `type` and details wherever a
// failure was raised. The type strings are wire format (histories, callers' `nonRetryableErrorTypes`): never
// rename one.
//
// Error classes follow one convention: class `XError` declares `override readonly name = 'XError'`, and a failure
// that crosses Temporal takes its type from this table, never from a class's name. A few classes keep names users
// already match on (listed, with why, in the error-names unit test).
import { ApplicationFailure } from '@temporalio/common';
import type { GenkitStatus } from './genkit-status';
import type { SerializedFlowError, TemporalFlowOptions } from './types';

/** Failure types the library raises; match on them in `nonRetryableErrorTypes` or in caller code. */
export const FailureTypes = {
  flowNotFound: 'GenkitFlowNotFound',
  genkitError: 'GenkitError',
  nonDeterministic: 'NonDeterministicFlow',
  workerShutdown: 'WorkerShuttingDown',
  stepTooLarge: 'StepResultTooLarge',
  inputTimeout: 'InputTimeout',
  /** A journal write came from an attempt that a newer attempt has replaced (a zombie). */
  staleAttempt: 'StaleFlowAttempt',
  /** The run's journal, chunks or Updates reached a limit (the message names it). */
  journalLimit: 'JournalLimitExceeded',
  /** The server refused a journal write that no retry can fix (the message says why). */
  journalWriteRejected: 'JournalWriteRejected',
  /** Too many attempts in a row were lost to worker shutdowns or crashes without progress. */
  failoverLimit: 'FailoverLimitExceeded',
  /** The flow's output is too large for a Temporal payload. */
  resultTooLarge: 'FlowResultTooLarge',
  /** A value for an input was rejected (wrong name, schema mismatch). */
  invalidInput: 'InvalidFlowInput',
  /** The run is not in a state that accepts this message. */
  notAccepted: 'FlowMessageNotAccepted',
  /** The run's context is unsigned or its signature does not verify (PERMISSION_DENIED, before any step runs). */
  untrustedContext: 'UntrustedFlowContext',
  /** An attempt ran out of its `startToCloseTimeout` and no retry was left (DEADLINE_EXCEEDED). */
  attemptTimedOut: 'FlowAttemptTimedOut',
  /** The run reached its budget and the approval was refused, or its policy is `fail` (RESOURCE_EXHAUSTED). */
  budgetExceeded: 'BudgetExceeded',
  /** A flow activity was scheduled by a workflow other than `runGenkitFlow` (which owns the flow's journal). */
  activityOutsideRun: 'GenkitActivityOutsideRunGenkitFlow',
} as const;

/** One of the failure types the library raises. */
export type FailureType = (typeof FailureTypes)[keyof typeof FailureTypes];

/** Details attached to every failure the activity raises (read back by `FlowRunError`). */
export interface FlowFailureDetails {
  error: SerializedFlowError;
  /** The attempt that raised it (1-based): on a final failure, how many attempts were made. */
  attempt: number;
  /** How long to wait before the next attempt (Retry-After or backoff), when the failure is retryable. */
  retryDelayMs?: number;
  /** The flow's registered options, when the attempt was asked to report them (`FlowRunRequest.learnOptions`). */
  registeredOptions?: TemporalFlowOptions;
}

/** A failure the library itself raises (flow not found, non-deterministic replay, …), with its details. */
export function libraryFailure(
  type: FailureType,
  message: string,
  opts: {
    attempt: number;
    status?: GenkitStatus;
    detail?: unknown;
    nonRetryable?: boolean;
    nextRetryDelayMs?: number;
  },
): ApplicationFailure {
  const details: FlowFailureDetails = {
    error: { name: type, status: opts.status, message, detail: opts.detail },
    attempt: opts.attempt,
  };
  return ApplicationFailure.create({
    type,
    message: opts.status ? `${opts.status}: ${message}` : message,
    nonRetryable: opts.nonRetryable ?? true,
    details: [details],
    nextRetryDelay: opts.nextRetryDelayMs,
  });
}
