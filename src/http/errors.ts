// Genkit errors as HTTP responses: the status code from the Genkit status, and the flat body of Genkit's own
// flow server (`{ status, message, details? }`), without schemas, stacks or internals.
import { GenkitError } from '../client/genkit-error';
import { httpCodeOf, isGenkitStatus } from '../common/genkit-status';
import { grpcCodeOf, GrpcStatus } from '../client/grpc-errors';

/** The error body callers get. */
export interface ErrorBody {
  status: string;
  message: string;
  details?: unknown;
}

type StatusName = GenkitError['status'];

/** A GenkitError to throw from a route; the error handler turns it into its HTTP response. */
export function apiError(status: StatusName, message: string, detail?: unknown): GenkitError {
  return new GenkitError({ status, message, detail });
}

/** Genkit errors from either of Genkit's builds (matched by shape, never `instanceof`). */
function isGenkitErrorLike(
  err: unknown,
): err is { status: string; message: string; originalMessage?: string; detail?: unknown } {
  const e = err as { status?: unknown; message?: unknown } | null;
  return !!e && typeof e === 'object' && isGenkitStatus(e.status) && typeof e.message === 'string';
}

/**
 * Errors that say this service cannot serve the request as it is reached or configured, by their class name (the
 * package's CommonJS and ESM builds each have the classes): Temporal unreachable (`TemporalConnectionError`), or
 * the run's data encrypted with keys this process lacks (`EncryptionKeysMissingError`, `UnknownEncryptionKeyError`).
 * Their messages say what to set, and carry no user data.
 */
const UNAVAILABLE_ERRORS = new Set([
  'TemporalConnectionError',
  'EncryptionKeysMissingError',
  'UnknownEncryptionKeyError',
]);

/** The reason this service is unavailable, when `err` (or its cause) says so; gRPC UNAVAILABLE is Temporal down. */
function unavailableReason(err: unknown): string | undefined {
  for (
    let e = err as { name?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 8;
    depth++
  ) {
    if (typeof e === 'object' && typeof e.name === 'string' && UNAVAILABLE_ERRORS.has(e.name)) return String(e.message);
    e = e.cause as typeof e;
  }
  if (grpcCodeOf(err) === GrpcStatus.UNAVAILABLE) return 'Temporal is unavailable; try again';
  return undefined;
}

/**
 * The HTTP code and body for any error. A Genkit error by its status; a Temporal that cannot be reached, or
 * encrypted data without the keys to read it, is a 503 `UNAVAILABLE` with the reason; anything else a 500 with no
 * details.
 */
export function toHttpError(err: unknown): { code: number; body: ErrorBody } {
  if (!isGenkitErrorLike(err)) {
    const reason = unavailableReason(err);
    if (reason !== undefined) return { code: 503, body: { status: 'UNAVAILABLE', message: reason } };
    return { code: 500, body: { status: 'INTERNAL', message: 'Internal Error' } };
  }
  const body: ErrorBody = {
    status: err.status,
    message: validationMessage(err.detail) ?? err.originalMessage ?? err.message,
  };
  const details = publicDetails(err.detail);
  if (details !== undefined) body.details = details;
  return { code: httpCodeOf(err.status), body };
}

/**
 * Genkit's ValidationError message embeds the provided data and the whole JSON Schema; callers get the
 * per-field errors only.
 */
function validationMessage(detail: unknown): string | undefined {
  const errors = (detail as { errors?: unknown; schema?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors) || !(detail as { schema?: unknown }).schema) return undefined;
  const parts = errors.map((e: { path?: string; message?: string }) => `${e.path || '(root)'}: ${e.message}`);
  return `Schema validation failed: ${parts.join('; ')}`;
}

/** Validation details keep the per-field errors and drop the JSON Schema (which would leak the flow's shape). */
function publicDetails(detail: unknown): unknown {
  if (!detail || typeof detail !== 'object' || Array.isArray(detail)) return detail;
  const { schema: _schema, ...rest } = detail as Record<string, unknown>;
  return Object.keys(rest).length ? rest : undefined;
}

export { httpCodeOf };
