// Named defaults with their units. Shared by the workflow sandbox, so no imports here.

export const DEFAULT_ADDRESS = 'localhost:7233';
export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_TASK_QUEUE = 'genkit';

/** Bounded by default: a flow that cannot succeed must not be retried forever. */
export const DEFAULT_RETRY = {
  maximumAttempts: 5,
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '60s',
} as const;

export const DEFAULT_START_TO_CLOSE_TIMEOUT = '10 minutes';
/** Dead-worker detection: a flow attempt that stops heartbeating for this long is retried elsewhere. */
export const DEFAULT_HEARTBEAT_TIMEOUT = '20s';

/** Genkit statuses that no retry can fix. */
export const DEFAULT_NON_RETRYABLE_STATUSES: readonly string[] = [
  'INVALID_ARGUMENT',
  'FAILED_PRECONDITION',
  'OUT_OF_RANGE',
  'PERMISSION_DENIED',
  'UNAUTHENTICATED',
  'NOT_FOUND',
  'UNIMPLEMENTED',
  'ALREADY_EXISTS',
];

/** Keyword search attribute that names the flow of each run. */
export const FLOW_SEARCH_ATTRIBUTE = 'GenkitFlow';
/** Keyword search attribute that names the principal (caller identity) that started a run. */
export const PRINCIPAL_SEARCH_ATTRIBUTE = 'GenkitPrincipal';
/** Name the generic workflow is registered under (what other SDKs start by name). */
export const WORKFLOW_TYPE = 'runGenkitFlow';

/** Step results above Temporal's payload warning size fail clearly instead of retrying forever. */
export const MAX_STEP_RESULT_BYTES = 512 * 1024;
