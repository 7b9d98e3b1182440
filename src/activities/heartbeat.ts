// Keeps a running flow attempt visibly alive, lets cancellation reach it, and carries its progress to readers.
import type { Context } from '@temporalio/activity';

/**
 * How often the attempt heartbeats. Temporal delivers cancellation only in a heartbeat's reply, so this bounds
 * how fast `handle.cancel()` reaches the flow's abortSignal. Heartbeats are not written to history.
 */
export const HEARTBEAT_INTERVAL_MS = 1_000;

/** The attempt's heartbeat: `beat()` sends fresh details now (the SDK throttles), `stop()` ends the interval. */
export interface Heartbeats {
  beat(): void;
  stop(): void;
}

/**
 * Heartbeats `details()` every `HEARTBEAT_INTERVAL_MS` (or a quarter of the heartbeat timeout, if shorter) until
 * stopped, and at once on `beat()`. The details are what `describe()` shows of the attempt (its step in flight):
 * the SDK sends the first heartbeat at once and then at most one per throttle interval (the worker's
 * `maxHeartbeatThrottleInterval`), always with the latest details, so a `beat()` per change costs no extra calls.
 */
export function startHeartbeats(ctx: Context, details: () => unknown): Heartbeats {
  const timeoutMs = ctx.info.heartbeatTimeoutMs;
  const intervalMs = timeoutMs ? Math.min(HEARTBEAT_INTERVAL_MS, Math.max(100, timeoutMs / 4)) : HEARTBEAT_INTERVAL_MS;
  let stopped = false;
  const beat = () => {
    if (!stopped) ctx.heartbeat(details());
  };
  beat();
  const timer = setInterval(beat, intervalMs);
  return {
    beat,
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
