// Keeps a running flow attempt visibly alive, and lets cancellation reach it.
import type { Context } from '@temporalio/activity';

/**
 * How often the attempt heartbeats. Temporal delivers cancellation only in a heartbeat's reply, so this bounds
 * how fast `handle.cancel()` reaches the flow's abortSignal. Heartbeats are not written to history.
 */
export const HEARTBEAT_INTERVAL_MS = 1_000;

/** Heartbeats every `HEARTBEAT_INTERVAL_MS` (or a quarter of the heartbeat timeout, if shorter) until stopped. */
export function startHeartbeats(ctx: Context, details: () => unknown): () => void {
  const timeoutMs = ctx.info.heartbeatTimeoutMs;
  const intervalMs = timeoutMs ? Math.min(HEARTBEAT_INTERVAL_MS, Math.max(100, timeoutMs / 4)) : HEARTBEAT_INTERVAL_MS;
  ctx.heartbeat(details());
  const timer = setInterval(() => ctx.heartbeat(details()), intervalMs);
  return () => clearInterval(timer);
}
