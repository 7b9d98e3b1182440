// Genkit errors as Firebase callable errors: the matching `HttpsError` code (INVALID_ARGUMENT →
// `invalid-argument`, not `internal`), the same sanitised message as the HTTP API (no schema, no stack).
import { logger } from 'firebase-functions/logger';
import { HttpsError, type FunctionsErrorCode } from 'firebase-functions/v2/https';
import { callableCodeOf as callableCode, type CallableCode } from '../common/genkit-status';
import { toHttpError } from '../http/errors';

// The status table spells the callable codes itself (common/ imports no SDK); they must be the SDK's.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const callableCodesAreTheSdks: Same<CallableCode, FunctionsErrorCode> = true;
void callableCodesAreTheSdks;

/** The callable error code of a Genkit status name (the status table's `callable`; `internal` for anything else). */
export function callableCodeOf(status: string): FunctionsErrorCode {
  return callableCode(status);
}

/**
 * Any error as the `HttpsError` a callable throws: an `HttpsError` as is, a Genkit error (either of Genkit's
 * builds, matched by shape) with its code, message and public details, anything else as a bare `internal`. An
 * internal error is logged first (`Unhandled error`, with its stack, at ERROR), as firebase-functions logs any
 * error a callable throws that is not an `HttpsError`: the caller gets `INTERNAL`, the operator gets the cause.
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
  // Internal errors keep their text to the logs, in the words firebase-functions uses for any non-HttpsError (it
  // logs none itself once the error is an HttpsError).
  if (callableCodeOf(body.status) === 'internal') {
    logger.error('Unhandled error', err);
    return new HttpsError('internal', 'INTERNAL');
  }
  return new HttpsError(callableCodeOf(body.status), body.message, body.details);
}
