// Retry arithmetic shared by Node code and the workflow sandbox: no imports beyond types.
import type { DurationLike, FlowRetryPolicy } from './types';

const UNITS: Record<string, number> = {
  ms: 1,
  msec: 1,
  msecs: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

/** Milliseconds of a Temporal duration (`'1s'`, `'5 minutes'`, or a number of ms); throws on anything else. */
export function msFromDuration(d: DurationLike): number {
  if (typeof d === 'number') return d;
  const match = /^\s*(-?\d*\.?\d+)\s*([a-z]*)\s*$/i.exec(String(d));
  const factor = match ? UNITS[(match[2] || 'ms').toLowerCase()] : undefined;
  if (!match || factor === undefined) throw new TypeError(`invalid duration: ${JSON.stringify(d)}`);
  return Math.round(parseFloat(match[1]) * factor);
}

/** The backoff Temporal would apply after `attempt` (1-based) fails, in ms. */
export function backoffMs(policy: Required<FlowRetryPolicy>, attempt: number): number {
  const delay = msFromDuration(policy.initialInterval) * policy.backoffCoefficient ** (attempt - 1);
  return Math.min(delay, msFromDuration(policy.maximumInterval));
}
