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
 *
 * The attempts of a process share one timer per interval (a timer of its own cost each attempt ~0.1 ms to set up
 * and clear): it ticks four times an interval, and beats each attempt whose interval has passed, so an attempt
 * beats every 1 to 1.25 intervals — still well inside its heartbeat timeout.
 */
export function startHeartbeats(ctx: Context, details: () => unknown): Heartbeats {
  let stopped = false;
  const beat = () => {
    if (!stopped) ctx.heartbeat(details());
  };
  const intervalMs = heartbeatIntervalMs(ctx.info.heartbeatTimeoutMs);
  const attempt: Ticking = { due: Date.now() + intervalMs, beat };
  const leave = tickerFor(intervalMs).join(attempt);
  return {
    beat,
    stop: () => {
      stopped = true;
      leave();
    },
  };
}

interface Ticking {
  /** When this attempt beats next (ms since the epoch). */
  due: number;
  beat(): void;
}

/** One timer per interval for all the attempts of the process, running only while some attempt uses it. */
class Ticker {
  private readonly attempts = new Set<Ticking>();
  private timer?: ReturnType<typeof setInterval>;

  constructor(private readonly intervalMs: number) {}

  join(attempt: Ticking): () => void {
    this.attempts.add(attempt);
    this.timer ??= setInterval(() => this.tick(), Math.max(1, Math.floor(this.intervalMs / 4)));
    return () => {
      this.attempts.delete(attempt);
      if (this.attempts.size || !this.timer) return;
      clearInterval(this.timer);
      this.timer = undefined;
    };
  }

  private tick(): void {
    const now = Date.now();
    for (const attempt of this.attempts) {
      if (now < attempt.due) continue;
      attempt.due = now + this.intervalMs;
      attempt.beat();
    }
  }
}

const tickers = new Map<number, Ticker>();
function tickerFor(intervalMs: number): Ticker {
  let ticker = tickers.get(intervalMs);
  if (!ticker) tickers.set(intervalMs, (ticker = new Ticker(intervalMs)));
  return ticker;
}
