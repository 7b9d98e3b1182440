// The error a caller of executeFlowWorkflow gets: the flow's own Genkit status, message and detail, plus how
// many attempts were made, instead of Temporal's wrapper chain.
import { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { GenkitError } from './genkit-error';
import type { FlowFailureDetails } from '../common/failures';
import type { SerializedFlowError } from '../common/types';

type Status = GenkitError['status'];

/** A durable flow run failed. `status`, `detail` and the message are the flow's own. */
export class FlowRunError extends GenkitError {
  /** How many attempts were made, when known. */
  readonly attempts?: number;
  /** Temporal failure type, e.g. `GenkitError`, `GenkitFlowNotFound`, `NonDeterministicFlow`. */
  readonly failureType?: string;
  readonly workflowId: string;
  readonly runId?: string;

  constructor(opts: {
    status: Status;
    message: string;
    detail?: unknown;
    attempts?: number;
    failureType?: string;
    workflowId: string;
    runId?: string;
    cause?: unknown;
  }) {
    super({ status: opts.status, message: opts.message, detail: opts.detail });
    this.attempts = opts.attempts;
    this.failureType = opts.failureType;
    this.workflowId = opts.workflowId;
    this.runId = opts.runId;
    if (opts.cause !== undefined) (this as { cause?: unknown }).cause = opts.cause;
  }
}

/** Converts a failed workflow into a FlowRunError; other errors are returned unchanged. */
export function toFlowRunError(err: unknown, workflowId: string, runId?: string): unknown {
  if (!(err instanceof WorkflowFailedError)) return err;
  const cause = innermost(err.cause);
  const base = { workflowId, runId, cause: err };
  if (cause instanceof ApplicationFailure) {
    const details = cause.details?.[0] as Partial<FlowFailureDetails> | undefined;
    const error: SerializedFlowError = details?.error ?? { message: cause.message };
    return new FlowRunError({
      ...base,
      status: (error.status as Status) ?? 'UNKNOWN',
      message: error.message,
      detail: error.detail,
      attempts: details?.attempt,
      failureType: cause.type ?? undefined,
    });
  }
  if (cause instanceof CancelledFailure)
    return new FlowRunError({ ...base, status: 'CANCELLED', message: 'flow run was cancelled' });
  if (cause instanceof TerminatedFailure)
    return new FlowRunError({ ...base, status: 'ABORTED', message: 'flow run was terminated' });
  if (cause instanceof TimeoutFailure) {
    // The workflow's own timeout (the client reports it as START_TO_CLOSE); attempt timeouts arrive as
    // ApplicationFailure `FlowAttemptTimedOut` from the workflow.
    const whole = err.cause === cause;
    return new FlowRunError({
      ...base,
      status: 'DEADLINE_EXCEEDED',
      message: whole
        ? 'the flow run exceeded its workflowExecutionTimeout'
        : `flow run timed out (${cause.timeoutType})`,
      failureType: whole ? 'WorkflowExecutionTimedOut' : undefined,
    });
  }
  return new FlowRunError({ ...base, status: 'UNKNOWN', message: cause?.message ?? err.message });
}

function innermost(failure: Error | undefined): Error | undefined {
  let current = failure;
  // Skip ActivityFailure / ChildWorkflowFailure wrappers down to the failure that says what went wrong.
  while (current && !(current instanceof ApplicationFailure) && current.cause instanceof Error) current = current.cause;
  return current;
}
