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

/** How often `startHeartbeats` heartbeats for an attempt with this heartbeat timeout (ms). */
export function heartbeatIntervalMs(heartbeatTimeoutMs: number | undefined): number {
  return heartbeatTimeoutMs
    ? Math.min(HEARTBEAT_INTERVAL_MS, Math.max(100, heartbeatTimeoutMs / 4))
    : HEARTBEAT_INTERVAL_MS;
}

/**
 * Heartbeats `details()` every `HEARTBEAT_INTERVAL_MS` (or a quarter of the heartbeat timeout, if shorter) until
 * stopped, and at once on `beat()`. The details are what `describe()` shows of the attempt (its step in flight):
 * the SDK sends the first heartbeat at once and then at most one per throttle interval (the worker's
 * `maxHeartbeatThrottleInterval`), always with the latest details, so a `beat()` per change costs no extra calls.
 *
 * Nothing is sent at the start itself: each heartbeat is a server call that rewrites the run's state, and an
 * attempt that ends within the first interval with nothing to show (most fast flows) needs none. The heartbeat
 * timeout counts from the start either way, and the first interval is at most a quarter of it.
 */
export function startHeartbeats(ctx: Context, details: () => unknown): Heartbeats {
  let stopped = false;
  const beat = () => {
    if (!stopped) ctx.heartbeat(details());
  };
  const timer = setInterval(beat, heartbeatIntervalMs(ctx.info.heartbeatTimeoutMs));
  return {
    beat,
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
