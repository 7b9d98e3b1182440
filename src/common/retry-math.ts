// Durations and retry arithmetic, pure and sandbox-safe: workflow code imports this file, so it imports nothing
// but types and the (import-free) defaults. It parses durations itself instead of importing
// `@temporalio/common/lib/time` (a deep import).
import { DEFAULT_HEARTBEAT_TIMEOUT, MAX_WORKFLOW_TASK_TIMEOUT_MS, MIN_WORKFLOW_TASK_TIMEOUT_MS } from './defaults';
import type { DurationLike, FlowRetryPolicy, TemporalFlowOptions } from './types';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Unit names Temporal accepts in duration strings (those of the `ms` package), in milliseconds. */
const UNIT_MS: Readonly<Record<string, number>> = {
  '': 1,
  ms: 1,
  msec: 1,
  msecs: 1,
  millisecond: 1,
  milliseconds: 1,
  s: SECOND,
  sec: SECOND,
  secs: SECOND,
  second: SECOND,
  seconds: SECOND,
  m: MINUTE,
  min: MINUTE,
  mins: MINUTE,
  minute: MINUTE,
  minutes: MINUTE,
  h: HOUR,
  hr: HOUR,
  hrs: HOUR,
  hour: HOUR,
  hours: HOUR,
  d: DAY,
  day: DAY,
  days: DAY,
  w: 7 * DAY,
  week: 7 * DAY,
  weeks: 7 * DAY,
  y: 365.25 * DAY,
  yr: 365.25 * DAY,
  yrs: 365.25 * DAY,
  year: 365.25 * DAY,
  years: 365.25 * DAY,
};

// A decimal number (`1`, `1.5`, `.5`, `-2`), optional spaces, then an optional unit. Same grammar as `ms`.
const DURATION_STRING = /^(-?\d*\.?\d+) *([a-z]*)$/i;
// `ms` refuses longer strings; so do we, to stay equal to Temporal.
const MAX_DURATION_STRING_LENGTH = 100;

/**
 * Parses a duration the way Temporal does (`msToNumber`), or returns `undefined` when it is not one.
 * Numbers are milliseconds and must be finite.
 *
 * @example
 * ```ts
 * parseDuration('5 minutes'); // 300000
 * parseDuration('soon'); // undefined
 * ```
 */
export function parseDuration(duration: unknown): number | undefined {
  if (typeof duration === 'number') return Number.isFinite(duration) ? duration : undefined;
  if (typeof duration !== 'string' || duration.length > MAX_DURATION_STRING_LENGTH) return undefined;
  const match = DURATION_STRING.exec(duration);
  if (!match) return undefined;
  const unit = UNIT_MS[match[2]!.toLowerCase()];
  return unit === undefined ? undefined : parseFloat(match[1]!) * unit;
}

/**
 * A Temporal duration in milliseconds: `'1s'`, `'5 minutes'`, `'100ms'`, `'1.5h'`, or a number of ms. Accepts
 * what Temporal's `msToNumber` accepts; throws a `TypeError` for anything else (also for NaN and Infinity, which
 * `msToNumber` would pass through).
 *
 * @example
 * ```ts
 * msFromDuration('2 days'); // 172800000
 * msFromDuration(250); // 250
 * ```
 */
export function msFromDuration(duration: DurationLike): number {
  const ms = parseDuration(duration);
  if (ms === undefined) throw new TypeError(`Invalid duration: ${JSON.stringify(duration) ?? String(duration)}`);
  return ms;
}

/**
 * The backoff Temporal applies after `attempt` (1-based) fails, in ms: `initialInterval × coefficient^(attempt-1)`,
 * capped at `maximumInterval`.
 *
 * @example
 * ```ts
 * backoffMs({ maximumAttempts: 5, initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s' }, 3); // 4000
 * ```
 */
export function backoffMs(policy: Required<FlowRetryPolicy>, attempt: number): number {
  const delay = msFromDuration(policy.initialInterval) * policy.backoffCoefficient ** (attempt - 1);
  return Math.min(delay, msFromDuration(policy.maximumInterval));
}

/**
 * What is wrong with a retry policy, as readable sentences; an empty list means it is valid. Returns rather than
 * throws so workflow code can decide how to fail. Temporal treats `maximumAttempts: 0` as "unlimited" and this
 * library promises bounded retries, so 0 is refused like any other value below 1.
 *
 * @example
 * ```ts
 * validateRetryPolicy({ maximumAttempts: 0 }); // ['retry.maximumAttempts must be an integer >= 1, got 0']
 * ```
 */
export function validateRetryPolicy(policy: FlowRetryPolicy): string[] {
  const problems: string[] = [];
  const { maximumAttempts, initialInterval, backoffCoefficient, maximumInterval } = policy;
  if (maximumAttempts !== undefined && !(Number.isSafeInteger(maximumAttempts) && maximumAttempts >= 1)) {
    problems.push(`retry.maximumAttempts must be an integer >= 1, got ${describe(maximumAttempts)}`);
  }
  if (backoffCoefficient !== undefined && !(Number.isFinite(backoffCoefficient) && backoffCoefficient >= 1)) {
    problems.push(`retry.backoffCoefficient must be a finite number >= 1, got ${describe(backoffCoefficient)}`);
  }
  const initialMs = checkInterval('initialInterval', initialInterval, problems);
  const maximumMs = checkInterval('maximumInterval', maximumInterval, problems);
  if (initialMs !== undefined && maximumMs !== undefined && maximumMs < initialMs) {
    problems.push(
      `retry.maximumInterval (${describe(maximumInterval)}) must not be shorter than retry.initialInterval (${describe(initialInterval)})`,
    );
  }
  return problems;
}

function checkInterval(field: string, value: DurationLike | undefined, problems: string[]): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) {
    problems.push(`retry.${field} must be a positive duration such as '1s' or 500, got ${describe(value)}`);
    return undefined;
  }
  return ms;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * A run's default workflow-task timeout: the flow's heartbeat timeout, within 2-10 s, so failover after a crash is
 * never slower than the heartbeat timeout. The starter sets it; a run whose starter did not know the flow adopts it.
 *
 * @example
 * workflowTaskTimeoutFor('3s'); // 3000
 * workflowTaskTimeoutFor(undefined); // 10000 (the 20 s default heartbeat timeout, at most 10 s)
 */
export function workflowTaskTimeoutFor(heartbeatTimeout: TemporalFlowOptions['heartbeatTimeout']): number {
  const heartbeatMs = msFromDuration(heartbeatTimeout ?? DEFAULT_HEARTBEAT_TIMEOUT);
  return Math.min(MAX_WORKFLOW_TASK_TIMEOUT_MS, Math.max(MIN_WORKFLOW_TASK_TIMEOUT_MS, heartbeatMs));
}
