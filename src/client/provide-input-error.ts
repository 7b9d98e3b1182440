// What `provideFlowInput` throws when the answer was not applied, decided by the Temporal client's error types.
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { GenkitError } from './genkit-error';
import { FailureTypes } from '../common/types';

/**
 * @internal The Genkit error for a failed answer (`err` as is when it is none of these).
 *
 * No worker within the deadline: the client throws `WorkflowUpdateRPCTimeoutOrCancelledError` whichever side
 * ended the call. Its cause is gRPC DEADLINE_EXCEEDED when the client's own deadline timer fires first, but
 * CANCELLED ("Call cancelled", an RST_STREAM from the server) when the server, which got the same deadline in the
 * `grpc-timeout` header, ends the call first — a race a busy event loop loses now and then. So the type decides,
 * never the cause's code. Nothing in provideFlowInput cancels the call otherwise.
 */
export function provideInputError(err: unknown, workflowId: string, input: string, timeoutMs: number): unknown {
  const detail = { workflowId, input };
  if (err instanceof WorkflowNotFoundError) {
    return new GenkitError({ status: 'NOT_FOUND', message: `no running flow run "${workflowId}"`, detail });
  }
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause instanceof ApplicationFailure ? err.cause : undefined;
    const status =
      cause?.type === FailureTypes.invalidInput
        ? 'INVALID_ARGUMENT'
        : cause?.type === FailureTypes.journalLimit
          ? 'RESOURCE_EXHAUSTED'
          : 'FAILED_PRECONDITION';
    return new GenkitError({ status, message: cause?.message ?? err.message, detail });
  }
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new GenkitError({
      status: 'DEADLINE_EXCEEDED',
      message: `no worker accepted the answer within ${timeoutMs} ms (is a worker running for this flow's task queue?); it was not applied — send it again with the same idempotencyKey`,
      detail,
    });
  }
  return err;
}
