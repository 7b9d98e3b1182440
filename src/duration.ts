// Temporal durations (`'1s'`, `'2 minutes'`, or a number of ms) to milliseconds, with the `ms` library Temporal
// itself parses them with; the SDK's own converter is internal (`@temporalio/common/lib/time`).
import type { Duration } from '@temporalio/common';
import ms, { type StringValue } from 'ms';

/**
 * Milliseconds in a Temporal `Duration`.
 * @throws TypeError for a string `ms` cannot parse (e.g. `'soon'`)
 * @example durationToMs('1.5s') // 1500
 */
export function durationToMs(duration: Duration): number {
  if (typeof duration === 'number') return duration;
  let parsed: number | undefined;
  try {
    parsed = ms(duration as StringValue);
  } catch {
    // ms throws a plain Error for an empty string; report every unreadable value the same way.
  }
  if (typeof parsed !== 'number' || Number.isNaN(parsed))
    throw new TypeError(`invalid duration: "${String(duration)}"`);
  return parsed;
}
