// A call that ran out of its caller's deadline is recognised by its gRPC code, also when the server's reset of the
// stream at that deadline made grpc-js report CANCELLED instead of DEADLINE_EXCEEDED.
import { describe, expect, it } from 'vitest';
import { GrpcStatus, isDeadlineExceeded } from '../../../src/client/grpc-errors';

const failed = (code: number) => Object.assign(new Error('Failed to query Workflow'), { cause: { code } });

describe('isDeadlineExceeded', () => {
  it('DEADLINE_EXCEEDED is, whenever it comes', () => {
    expect(isDeadlineExceeded(failed(GrpcStatus.DEADLINE_EXCEEDED), Date.now() + 60_000)).toBe(true);
  });

  it('CANCELLED is once the deadline has passed, not before (a caller that went away)', () => {
    expect(isDeadlineExceeded(failed(GrpcStatus.CANCELLED), Date.now() - 1)).toBe(true);
    expect(isDeadlineExceeded(failed(GrpcStatus.CANCELLED), Date.now() + 60_000)).toBe(false);
  });

  it('other codes and errors without one are not', () => {
    expect(isDeadlineExceeded(failed(GrpcStatus.UNAVAILABLE), Date.now() - 1)).toBe(false);
    expect(isDeadlineExceeded(new Error('no code'), Date.now() - 1)).toBe(false);
  });
});
