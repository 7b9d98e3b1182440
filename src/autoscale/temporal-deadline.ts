// Every Temporal call the autoscaler makes has a deadline: a frozen or partitioned server must fail the run in
// seconds (no write, one clear log line, a non-zero exit), not hold it until the job's own timeout.
import type { Client } from '@temporalio/client';
import { isDeadlineExceeded } from '../client/grpc-errors';

/** How long one Temporal call may take before the autoscaler gives up on this run. */
export const DEFAULT_TEMPORAL_CALL_TIMEOUT_MS = 10_000;

/** A Temporal call that did not answer within its deadline (the server is frozen, overloaded or unreachable). */
export class TemporalCallTimeoutError extends Error {
  override readonly name = 'TemporalCallTimeoutError';
  constructor(
    readonly call: string,
    readonly timeoutMs: number,
    cause: unknown,
  ) {
    super(
      `autoscaler: Temporal did not answer ${call} within ${timeoutMs} ms; nothing was written. ` +
        'Check that the server at TEMPORAL_ADDRESS is up and answering',
      { cause },
    );
  }
}

/**
 * Runs one Temporal call under a deadline. A call that runs out of it (DEADLINE_EXCEEDED, or CANCELLED once the
 * deadline has passed: the server resets the stream at its copy of the deadline) becomes a
 * {@link TemporalCallTimeoutError}; other errors pass through unchanged.
 */
export async function withCallDeadline<T>(
  client: Client,
  call: string,
  timeoutMs: number,
  fn: () => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  try {
    return await client.withDeadline(deadline, fn);
  } catch (err) {
    if (isDeadlineExceeded(err, deadline)) throw new TemporalCallTimeoutError(call, timeoutMs, err);
    throw err;
  }
}
