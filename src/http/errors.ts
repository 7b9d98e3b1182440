// Genkit errors as HTTP responses: the status code from the Genkit status, and the flat body of Genkit's own
// flow server (`{ status, message, details? }`), without schemas, stacks or internals.
import { GenkitError } from '../genkit-error';

/** Genkit status → HTTP code (Genkit's `StatusCodes` table). */
const HTTP_CODES: Record<string, number> = {
  OK: 200,
  CANCELLED: 499,
  UNKNOWN: 500,
  INVALID_ARGUMENT: 400,
  DEADLINE_EXCEEDED: 504,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  RESOURCE_EXHAUSTED: 429,
  FAILED_PRECONDITION: 400,
  ABORTED: 409,
  OUT_OF_RANGE: 400,
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  DATA_LOSS: 500,
};

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
  return (
    !!e &&
    typeof e === 'object' &&
    typeof e.status === 'string' &&
    e.status in HTTP_CODES &&
    typeof e.message === 'string'
  );
}

/** The HTTP code and body for any error; anything that is not a Genkit error is a 500 with no details. */
export function toHttpError(err: unknown): { code: number; body: ErrorBody } {
  if (!isGenkitErrorLike(err)) return { code: 500, body: { status: 'INTERNAL', message: 'Internal Error' } };
  const body: ErrorBody = {
    status: err.status,
    message: validationMessage(err.detail) ?? err.originalMessage ?? err.message,
  };
  const details = publicDetails(err.detail);
  if (details !== undefined) body.details = details;
  return { code: HTTP_CODES[err.status] ?? 500, body };
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

/** The HTTP code of a Genkit status name. */
export function httpCodeOf(status: string): number {
  return HTTP_CODES[status] ?? 500;
}
