// Genkit's status names and their HTTP codes (Genkit's `StatusCodes` table), in one place: the HTTP error
// responses use them, and so does the GenkitError stand-in of callers that run without genkit installed.

/** Genkit status → HTTP code. */
export const GENKIT_HTTP_CODES: Readonly<Record<string, number>> = {
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

/** The HTTP code of a Genkit status name (500 for anything else). */
export function httpCodeOf(status: string): number {
  return GENKIT_HTTP_CODES[status] ?? 500;
}
