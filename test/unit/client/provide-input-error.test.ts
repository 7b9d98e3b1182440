// provideFlowInput's errors, decided by the Temporal client's error types. The case that made durability.test.ts
// flaky: with no worker, the update call ends at the deadline either by the client's own timer (gRPC
// DEADLINE_EXCEEDED) or by the server, which got the same deadline and resets the stream first (gRPC CANCELLED,
// "Call cancelled"); the client wraps both in WorkflowUpdateRPCTimeoutOrCancelledError. Both are DEADLINE_EXCEEDED.
import { Metadata, status as GrpcCode } from '@grpc/grpc-js';
import {
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { provideInputError } from '../../../src/client/provide-input-error';
import { FailureTypes } from '../../../src/common/types';

/** A gRPC error as @grpc/grpc-js builds it from a call's final status (callErrorFromStatus). */
function grpcError(code: GrpcCode, details: string): Error {
  return Object.assign(new Error(`${code} ${GrpcCode[code]}: ${details}`), {
    code,
    details,
    metadata: new Metadata(),
  });
}

/** What the client throws for a gRPC error during an update (workflow-client.js rethrowUpdateGrpcError). */
const updateRpcError = (cause: Error) =>
  new WorkflowUpdateRPCTimeoutOrCancelledError((cause as { details?: string }).details ?? cause.message, { cause });

const classify = (err: unknown) => provideInputError(err, 'wf-1', 'approval', 1_500) as { status?: string };

describe('provideFlowInput errors', () => {
  it('a deadline ended by the server (gRPC CANCELLED, "Call cancelled") is DEADLINE_EXCEEDED', () => {
    const err = classify(updateRpcError(grpcError(GrpcCode.CANCELLED, 'Call cancelled')));
    expect(err.status).toBe('DEADLINE_EXCEEDED');
    expect((err as Error).message).toMatch(/no worker accepted the answer within 1500 ms/);
  });

  it('a deadline ended by the client (gRPC DEADLINE_EXCEEDED) is DEADLINE_EXCEEDED', () => {
    const err = classify(updateRpcError(grpcError(GrpcCode.DEADLINE_EXCEEDED, 'Deadline exceeded after 1.501s')));
    expect(err.status).toBe('DEADLINE_EXCEEDED');
  });

  it('the client cancelling the call itself (CancelledFailure, no gRPC code) is DEADLINE_EXCEEDED too', () => {
    expect(classify(updateRpcError(new CancelledFailure('cancelled'))).status).toBe('DEADLINE_EXCEEDED');
  });

  it('keeps the other answers: NOT_FOUND, INVALID_ARGUMENT, RESOURCE_EXHAUSTED, FAILED_PRECONDITION', () => {
    expect(classify(new WorkflowNotFoundError('gone', 'wf-1', undefined)).status).toBe('NOT_FOUND');
    const refused = (type: string) =>
      classify(
        new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.create({ type, message: 'x' })),
      );
    expect(refused(FailureTypes.invalidInput).status).toBe('INVALID_ARGUMENT');
    expect(refused(FailureTypes.journalLimit).status).toBe('RESOURCE_EXHAUSTED');
    expect(refused('SomethingElse').status).toBe('FAILED_PRECONDITION');
  });

  it('other errors pass through unchanged', () => {
    const other = new ServiceError('Workflow Update failed', { cause: grpcError(GrpcCode.UNAVAILABLE, 'down') });
    expect(classify(other)).toBe(other);
  });
});
