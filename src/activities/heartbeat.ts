// Keeps a running flow attempt visibly alive, and lets cancellation reach it.
import type { Context } from '@temporalio/activity';

/**
 * How often the attempt heartbeats. Temporal delivers cancellation only in a heartbeat's reply, so this bounds
 * how fast `handle.cancel()` reaches the flow's abortSignal. Heartbeats are not written to history.
 */
export const HEARTBEAT_INTERVAL_MS = 1_000;

/** How often `startHeartbeats` heartbeats for an attempt with this heartbeat timeout (ms). */
export function heartbeatIntervalMs(heartbeatTimeoutMs: number | undefined): number {
  return heartbeatTimeoutMs
    ? Math.min(HEARTBEAT_INTERVAL_MS, Math.max(100, heartbeatTimeoutMs / 4))
    : HEARTBEAT_INTERVAL_MS;
}

/**
 * Heartbeats every `HEARTBEAT_INTERVAL_MS` (or a quarter of the heartbeat timeout, if shorter) until stopped.
 * The first heartbeat comes one interval after the start, not at once: each heartbeat is a server call that
 * rewrites the run's state, and an attempt that ends within the interval (most fast flows) needs none. The
 * heartbeat timeout counts from the start either way, and a quarter of it is still far inside it.
 */
export function startHeartbeats(ctx: Context, details: () => unknown): () => void {
  const timer = setInterval(() => ctx.heartbeat(details()), heartbeatIntervalMs(ctx.info.heartbeatTimeoutMs));
  return () => clearInterval(timer);
}
