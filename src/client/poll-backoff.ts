// How often a run stream looks for new chunks: fast while chunks come, slower and slower while the run waits.
import { STREAM_MAX_POLL_INTERVAL_MS, STREAM_POLL_BACKOFF, STREAM_POLL_INTERVAL_MS } from '../common/defaults';

/** Bounds of the poll interval, in ms. */
export interface PollBackoff {
  /** The interval after a change (a new chunk). @default 100 */
  minMs?: number;
  /** The interval it grows to while nothing changes. @default 2000 */
  maxMs?: number;
}

/**
 * The wait before the next look: back to `minMs` when the last one found something, else the current one times
 * 1.5, up to `maxMs` (100, 150, 225, 338, 507, 761, 1142, 1713, 2000, 2000, … ms with the defaults).
 *
 * @example
 * ```ts
 * let wait = nextPollInterval(undefined, true); // 100
 * wait = nextPollInterval(wait, false); // 150
 * ```
 */
export function nextPollInterval(currentMs: number | undefined, changed: boolean, bounds: PollBackoff = {}): number {
  const minMs = bounds.minMs ?? STREAM_POLL_INTERVAL_MS;
  const maxMs = Math.max(minMs, bounds.maxMs ?? STREAM_MAX_POLL_INTERVAL_MS);
  if (changed || currentMs === undefined) return minMs;
  return Math.min(maxMs, Math.max(minMs, Math.round(currentMs * STREAM_POLL_BACKOFF)));
}
