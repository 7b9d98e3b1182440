// Named defaults with their units. Shared by the workflow sandbox, so it imports only sandbox-safe common/ files.
import { NON_RETRYABLE_STATUSES } from './genkit-status';

export const DEFAULT_ADDRESS = 'localhost:7233';
export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_TASK_QUEUE = 'genkit';
/** A client fails this soon when the server cannot be reached (the SDK's own default is 10 s). */
export const DEFAULT_CONNECT_TIMEOUT = '3s';

/** Bounded by default: a flow that cannot succeed must not be retried forever. */
export const DEFAULT_RETRY = {
  maximumAttempts: 5,
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '60s',
} as const;

export const DEFAULT_START_TO_CLOSE_TIMEOUT = '10 minutes';
/**
 * Bounds of the default workflow-task timeout, which follows the flow's heartbeat timeout: a worker killed
 * while holding a workflow task then delays the run no longer than its heartbeat timeout already does (Temporal's
 * own default, 10 s, came on top of a 3 s heartbeat timeout). Not lower than 2 s: an overloaded worker must still
 * complete its tasks in time (a timed-out task is replayed from scratch elsewhere, which adds load).
 */
export const MIN_WORKFLOW_TASK_TIMEOUT_MS = 2_000;
export const MAX_WORKFLOW_TASK_TIMEOUT_MS = 10_000;
/** Dead-worker detection: a flow attempt that stops heartbeating for this long is retried elsewhere. */
export const DEFAULT_HEARTBEAT_TIMEOUT = '20s';

/** Genkit statuses that no retry can fix (those the status table marks not retryable). */
export const DEFAULT_NON_RETRYABLE_STATUSES: readonly string[] = NON_RETRYABLE_STATUSES;

/** Keyword search attribute that names the flow of each run. */
export const FLOW_SEARCH_ATTRIBUTE = 'GenkitFlow';
/** Keyword search attribute that names the principal (caller identity) that started a run. */
export const PRINCIPAL_SEARCH_ATTRIBUTE = 'GenkitPrincipal';
/**
 * Memo field of a run whose flow chose a Worker Versioning behaviour (`versioning`): the workflow reads it before
 * its first task completes, when nothing else of the run is known yet. Other SDKs starting a pinned flow by name set it.
 */
export const VERSIONING_MEMO = 'genkitVersioning';

/** Double search attribute: USD a run has paid for model calls (with `usageSearchAttributes`). */
export const COST_SEARCH_ATTRIBUTE = 'GenkitCost';
/** Int search attribute: tokens (input + output) a run has paid for (with `usageSearchAttributes`). */
export const TOKENS_SEARCH_ATTRIBUTE = 'GenkitTokens';
/** Name the generic workflow is registered under (what other SDKs start by name). */
export const WORKFLOW_TYPE = 'runGenkitFlow';

/**
 * With external storage a step result travels as a reference, but the workflow still holds the journal in
 * memory (its total is bounded by `MAX_JOURNAL_BYTES`).
 */
export const MAX_OFFLOADED_STEP_RESULT_BYTES = 4 * 1024 * 1024;

/** Step results above Temporal's payload warning size fail clearly instead of retrying forever. */
export const MAX_STEP_RESULT_BYTES = 512 * 1024;

/** Journal writes per workflow execution before the run continues as new (Temporal allows 2,000 Updates). */
export const DEFAULT_CONTINUE_AS_NEW_AFTER = 1500;
/** Attempts in a row that may be lost to worker shutdowns or crashes without progress. */
export const DEFAULT_MAX_FAILOVERS_WITHOUT_PROGRESS = 20;
/** All journal entries of one run, in bytes of JSON: history holds them (its limit is 50 MiB). */
export const MAX_JOURNAL_BYTES = 24 * 1024 * 1024;
/** Journal entries a run can carry into its next execution (the continue-as-new request must stay under 4 MB). */
export const MAX_CARRIED_JOURNAL_BYTES = 3 * 1024 * 1024;
/** Journal entries and chunks are read in pages of about this size (one payload must stay under 2 MB). */
export const PAGE_BYTES = 1024 * 1024;
/**
 * A step still running after this long shows as `stepInFlight` (in the attempt's heartbeat details, which
 * `getFlowRun` reads); faster steps are never reported, so the run console shows their duration as below it.
 */
export const STEP_REPORT_DELAY_MS = 250;
/**
 * How long a status read (`getFlowRun`, `GET /runs/:id`, the callables, the run console) lets a worker take to
 * answer the `progress` query before it answers without progress (`progressUnavailable`): with no worker polling
 * the run's task queue the query would otherwise hang for ~30 s. A warm query answers in 6-30 ms (at most
 * 113 ms measured with the 2 cores at load 2.7-5); 600 ms is over 5x that and keeps a read with no worker under
 * 1 s (one describe, this budget, the answer). A run no worker holds in its cache is replayed first (1.5 s for
 * 2,000 history events): such a read comes back without progress; a running run stays cached for the next one.
 */
export const PROGRESS_QUERY_TIMEOUT_MS = 600;
/**
 * How long `POST /flows/:name?wait=true` waits for the result before answering 202 with the run's links (the run
 * goes on): under the 300 s that Cloud Run's default request timeout and Node's fetch (undici's headers timeout,
 * which Genkit's `runFlow` rides on) both allow, so the caller gets the links rather than a cut connection.
 */
export const DEFAULT_WAIT_TIMEOUT_MS = 240_000;
/** Queued chunks are sent as soon as they reach this size. */
export const MAX_CHUNK_BATCH_BYTES = 256 * 1024;
/** A flow output must fit one Temporal payload (2 MB, less room for metadata). */
export const MAX_FLOW_RESULT_BYTES = 2_000_000;
/** Values sent before the run asks for them that one run keeps at most. */
export const MAX_EARLY_INPUTS = 100;
/**
 * Run streams (`streamFlowRun`, the API's event routes) look for new chunks this often while chunks come, and back
 * off by `STREAM_POLL_BACKOFF` per empty look up to `STREAM_MAX_POLL_INTERVAL_MS` while the run waits (a run
 * waiting for a person costs one read every 2 s rather than ten a second); the next chunk brings them back to fast.
 */
export const STREAM_POLL_INTERVAL_MS = 100;
export const STREAM_MAX_POLL_INTERVAL_MS = 2_000;
export const STREAM_POLL_BACKOFF = 1.5;
/**
 * Open streams (`GET /runs/:id/events` and Genkit streams) one caller may hold at once in one API process: a
 * browser tab each, with room for a few. Above it: 429. Without auth there are no callers to tell apart and only
 * the process limit applies.
 */
export const DEFAULT_MAX_STREAMS_PER_CALLER = 20;
/**
 * Open streams one API process serves at once (readers of one run share one poller; each run read costs one).
 * Above Cloud Run's default of 80 concurrent requests per instance, so that setting binds first there.
 */
export const DEFAULT_MAX_STREAMS = 500;
/** The `Retry-After` (seconds) of a 429 for too many open streams. */
export const STREAM_LIMIT_RETRY_AFTER_S = 5;
/**
 * How long a webhook delivery of a scheme that signs no delivery ID (GitHub, plain HMAC) is a duplicate of an
 * earlier one with the same signed content: 3 days, the span in which GitHub lets a delivery be redelivered.
 * Bounded in practice by the namespace's retention (a run removed by retention no longer holds its content).
 */
export const DEFAULT_WEBHOOK_REPLAY_WINDOW_MS = 3 * 24 * 60 * 60 * 1000;
/**
 * Levels of arrays and objects a flow input or an answer may nest (Rust's serde_json stops at 128, and no real
 * input comes near): deeper input is refused at the front door, before it could fail a run on the worker.
 */
export const MAX_INPUT_DEPTH = 64;
/** A flow input or an answer must fit one Temporal payload (2 MB, less room for metadata and the run's context). */
export const MAX_FLOW_INPUT_BYTES = 1_900_000;

// The serverless kit's front doors (HTTP API, webhooks, codec server, sign-in).
/**
 * Largest request body the flow API and a webhook handler accept (`bodyLimit`; 413 above it): bounds what one
 * request makes the process buffer and parse, and holds any ordinary flow input, answer or webhook delivery (an
 * input must fit one Temporal payload anyway, `MAX_FLOW_INPUT_BYTES`, unless the data converter offloads it).
 */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
/**
 * Largest request body the codec server accepts: the Temporal UI and CLI send a whole history's payloads in one
 * decode request, several of them up to 2 MB each.
 */
export const DEFAULT_CODEC_BODY_LIMIT_BYTES = 8 * 1024 * 1024;
/**
 * The `: ping` period of an idle `GET /runs/:id/events` stream: under the 30-60 s after which proxies and load
 * balancers commonly drop a connection that sends nothing (a run waiting for a person sends no chunks for long).
 */
export const DEFAULT_SSE_HEARTBEAT_MS = 15_000;
/**
 * How long an answer (`provideFlowInput`, and the check of what the run waits for) waits for a worker of the run's
 * task queue: the answer is a Temporal Update, which only a worker can accept; 30 s covers a worker restarting or
 * replaying a long history, and is still well inside a front door's request timeout.
 */
export const DEFAULT_ANSWER_TIMEOUT_MS = 30_000;
/** How long a fetched signing-key set (JWKS: IAP, Firebase) is used: issuers rotate keys over days. */
export const KEY_SET_MAX_AGE_MS = 3_600_000;
/**
 * Shortest time between two key-set fetches for a key ID the set does not hold (the issuer rotated): a rotation is
 * picked up within it, and forged key IDs cannot make every request fetch.
 */
export const KEY_SET_REFETCH_INTERVAL_MS = 30_000;
/** How long one key-set fetch may take before the request it serves is refused rather than held. */
export const KEY_SET_FETCH_TIMEOUT_MS = 5_000;

/** Priority levels of a Temporal task queue (server dynamic config `matching.priorityLevels`): 1 runs first. */
export const PRIORITY_LEVELS = 5;
/** The priority of a task that sets none: the middle level. */
export const DEFAULT_PRIORITY_KEY = 3;
/** Longest fairness key Temporal accepts, in UTF-8 bytes; a longer caller key is replaced by its hash. */
export const MAX_FAIRNESS_KEY_BYTES = 64;
/** Range Temporal clamps fairness weights to. */
export const MIN_FAIRNESS_WEIGHT = 0.001;
export const MAX_FAIRNESS_WEIGHT = 1000;
