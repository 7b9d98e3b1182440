// Genkit errors as Firebase callable errors: the matching `HttpsError` code (INVALID_ARGUMENT →
// `invalid-argument`, not `internal`), the same sanitised message as the HTTP API (no schema, no stack).
import { HttpsError, type FunctionsErrorCode } from 'firebase-functions/v2/https';
import { toHttpError } from '../http/errors';

/** Genkit status → callable error code. Anything unlisted is `internal`. */
const CALLABLE_CODES: Record<string, FunctionsErrorCode> = {
  CANCELLED: 'cancelled',
  UNKNOWN: 'unknown',
  INVALID_ARGUMENT: 'invalid-argument',
  DEADLINE_EXCEEDED: 'deadline-exceeded',
  NOT_FOUND: 'not-found',
  ALREADY_EXISTS: 'already-exists',
  PERMISSION_DENIED: 'permission-denied',
  UNAUTHENTICATED: 'unauthenticated',
  RESOURCE_EXHAUSTED: 'resource-exhausted',
  FAILED_PRECONDITION: 'failed-precondition',
  ABORTED: 'aborted',
  OUT_OF_RANGE: 'out-of-range',
  UNIMPLEMENTED: 'unimplemented',
  INTERNAL: 'internal',
  UNAVAILABLE: 'unavailable',
  DATA_LOSS: 'data-loss',
};

/** The callable error code of a Genkit status name. */
export function callableCodeOf(status: string): FunctionsErrorCode {
  return CALLABLE_CODES[status] ?? 'internal';
}

/**
 * Any error as the `HttpsError` a callable throws: an `HttpsError` as is, a Genkit error (either of Genkit's
 * builds, matched by shape) with its code, message and public details, anything else as a bare `internal`.
 *
 * @example
 * ```ts
 * try { await startFlowWorkflow(flow, data); } catch (err) { throw toHttpsError(err); }
 * ```
 */
export function toHttpsError(err: unknown): HttpsError {
  if (err instanceof HttpsError) return err;
  // Temporal unreachable mid-call (after its own retries) or encrypted data without keys: `unavailable`, with the
  // reason (toHttpError decides), so clients retry and operators see what to set.
  const { body } = toHttpError(err);
  // Internal errors keep their text to the logs, as firebase-functions does for any non-HttpsError.
  if (callableCodeOf(body.status) === 'internal') return new HttpsError('internal', 'INTERNAL');
  return new HttpsError(callableCodeOf(body.status), body.message, body.details);
}
