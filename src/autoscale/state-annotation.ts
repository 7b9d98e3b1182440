// The pending scale-down lives on the scaled Cloud Run resource itself, as one annotation: durable across the
// autoscaler's scheduled runs, free, and written in the same etag-checked update as the instance count (so two
// autoscalers racing cannot interleave count and state). It exists only while a scale-down is pending.
import { EMPTY_STATE, type ScaleDownState } from './policy';

/** The annotation key. Cloud Run reserves `run.googleapis.com/` and friends, not this domain. */
export const STATE_ANNOTATION = 'autoscaler.genkitx-temporal.dev/scale-down';

/** The state as the annotation value (`{"since":…,"recent":[[t,n],…]}`), or `undefined` for no pending state. */
export function encodeState(state: ScaleDownState): string | undefined {
  if (state.since === undefined || state.recent.length === 0) return undefined;
  return JSON.stringify({ since: state.since, recent: state.recent });
}

/**
 * Reads the state back. A missing or malformed value (a hand edit, an older format) yields no pending state:
 * the worst case is a scale-down that waits one more window.
 */
export function decodeState(value: string | undefined | null): ScaleDownState {
  if (!value) return EMPTY_STATE;
  try {
    const parsed = JSON.parse(value) as { since?: unknown; recent?: unknown };
    const since = parsed.since;
    const recent = parsed.recent;
    const isPair = (e: unknown): e is [number, number] =>
      Array.isArray(e) && e.length === 2 && e.every((n) => typeof n === 'number' && Number.isFinite(n));
    if (typeof since !== 'number' || !Number.isFinite(since) || !Array.isArray(recent) || !recent.every(isPair))
      return EMPTY_STATE;
    return recent.length ? { since, recent } : EMPTY_STATE;
  } catch {
    return EMPTY_STATE;
  }
}
