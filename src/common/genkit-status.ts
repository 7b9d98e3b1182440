// Genkit's status names and what each means to a caller, in one table: the HTTP code of the API's error
// responses (Genkit's own `StatusCodes` mapping), the Firebase callable error code, and whether a flow attempt
// that failed with it is retried by default. The HTTP API, the callables, the retry logic and the GenkitError
// stand-in of callers without genkit all read it; no other list of the statuses exists.

/** The error codes of a Firebase callable (`FunctionsErrorCode`), spelled here so common/ imports no SDK. */
export type CallableCode =
  | 'ok'
  | 'cancelled'
  | 'unknown'
  | 'invalid-argument'
  | 'deadline-exceeded'
  | 'not-found'
  | 'already-exists'
  | 'permission-denied'
  | 'resource-exhausted'
  | 'failed-precondition'
  | 'aborted'
  | 'out-of-range'
  | 'unimplemented'
  | 'internal'
  | 'unavailable'
  | 'data-loss'
  | 'unauthenticated';

/** What one Genkit status means to a caller. */
export interface GenkitStatusMeaning {
  /** The HTTP code of an error response with this status. */
  http: number;
  /** The Firebase callable error code. */
  callable: CallableCode;
  /** Whether a flow attempt that failed with it is tried again by default (`nonRetryableStatuses` replaces this). */
  retryable: boolean;
}

/** Genkit status → its HTTP code, callable code and default retryability. */
export const GENKIT_STATUSES = {
  // An error that claims OK is no answer: it is an internal error to a callable, and retried like any other.
  OK: { http: 200, callable: 'internal', retryable: true },
  CANCELLED: { http: 499, callable: 'cancelled', retryable: true },
  UNKNOWN: { http: 500, callable: 'unknown', retryable: true },
  INVALID_ARGUMENT: { http: 400, callable: 'invalid-argument', retryable: false },
  DEADLINE_EXCEEDED: { http: 504, callable: 'deadline-exceeded', retryable: true },
  NOT_FOUND: { http: 404, callable: 'not-found', retryable: false },
  ALREADY_EXISTS: { http: 409, callable: 'already-exists', retryable: false },
  PERMISSION_DENIED: { http: 403, callable: 'permission-denied', retryable: false },
  UNAUTHENTICATED: { http: 401, callable: 'unauthenticated', retryable: false },
  RESOURCE_EXHAUSTED: { http: 429, callable: 'resource-exhausted', retryable: true },
  FAILED_PRECONDITION: { http: 400, callable: 'failed-precondition', retryable: false },
  ABORTED: { http: 409, callable: 'aborted', retryable: true },
  OUT_OF_RANGE: { http: 400, callable: 'out-of-range', retryable: false },
  UNIMPLEMENTED: { http: 501, callable: 'unimplemented', retryable: false },
  INTERNAL: { http: 500, callable: 'internal', retryable: true },
  UNAVAILABLE: { http: 503, callable: 'unavailable', retryable: true },
  DATA_LOSS: { http: 500, callable: 'data-loss', retryable: true },
} as const satisfies Record<string, GenkitStatusMeaning>;

/** A Genkit status name (Genkit's `StatusName`). */
export type GenkitStatus = keyof typeof GENKIT_STATUSES;

/** Whether `value` is one of Genkit's status names. */
export function isGenkitStatus(value: unknown): value is GenkitStatus {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(GENKIT_STATUSES, value);
}

/** The HTTP code of a Genkit status name (500 for anything else). */
export function httpCodeOf(status: string): number {
  return isGenkitStatus(status) ? GENKIT_STATUSES[status].http : 500;
}

/** The callable error code of a Genkit status name (`internal` for anything else). */
export function callableCodeOf(status: string): CallableCode {
  return isGenkitStatus(status) ? GENKIT_STATUSES[status].callable : 'internal';
}

/** The statuses no retry can fix: the default of `nonRetryableStatuses`. */
export const NON_RETRYABLE_STATUSES: readonly GenkitStatus[] = (Object.keys(GENKIT_STATUSES) as GenkitStatus[]).filter(
  (status) => !GENKIT_STATUSES[status].retryable,
);
