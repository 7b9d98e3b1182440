// A flow attempt heartbeats on a timer, never at once: an attempt that ends within the first interval costs the
// server no heartbeat call (each one rewrites the run's mutable state). Run in the SDK's own activity test
// environment, which reports every heartbeat the activity sends.
import { Context } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import {
  HEARTBEAT_INTERVAL_MS,
  heartbeatIntervalMs,
  startHeartbeats,
  type Heartbeats,
} from '../../../../src/worker/activities/heartbeat';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `body` as an activity with `heartbeatTimeoutMs`; returns the heartbeat details it sent, in order. */
async function heartbeatsOf(heartbeatTimeoutMs: number | undefined, body: (heartbeats: Heartbeats) => Promise<void>) {
  const env = new MockActivityEnvironment({ heartbeatTimeoutMs });
  const sent: unknown[] = [];
  env.on('heartbeat', (details: unknown) => sent.push(details));
  await env.run(async () => {
    let n = 0;
    const heartbeats = startHeartbeats(Context.current(), () => ({ n: ++n }));
    try {
      await body(heartbeats);
    } finally {
      heartbeats.stop();
    }
  });
  return sent;
}

describe('attempt heartbeats', () => {
  it('sends none for an attempt that ends within the first interval', async () => {
    expect(await heartbeatsOf(400, () => sleep(40))).toEqual([]);
  });

  it('then heartbeats every interval with fresh details, well inside the heartbeat timeout', async () => {
    // A 400 ms timeout gives a 100 ms interval; ~350 ms of work sees about three heartbeats, the first one after
    // one interval (never later than a quarter of the timeout, so the attempt cannot time out for lack of one).
    const sent = await heartbeatsOf(400, () => sleep(350));
    expect(sent.length).toBeGreaterThanOrEqual(1);
    expect(sent.length).toBeLessThanOrEqual(4);
    expect(sent).toEqual(sent.map((_, i) => ({ n: i + 1 })));
  });

  it('sends at once on beat() (a step in flight to show), and nothing after stop, not even on beat()', async () => {
    const sent = await heartbeatsOf(20_000, async (heartbeats) => {
      heartbeats.beat();
      await sleep(20);
      heartbeats.stop();
      heartbeats.beat();
      await sleep(20);
    });
    expect(sent).toEqual([{ n: 1 }]);
  });

  it('stops when stopped', async () => {
    const sent = await heartbeatsOf(400, async (heartbeats) => {
      await sleep(150);
      heartbeats.stop();
      await sleep(250);
    });
    expect(sent.length).toBeLessThanOrEqual(2);
  });

  it('times each attempt from its own start when attempts share the timer', async () => {
    // Attempts of one process share a timer per interval: an attempt that starts mid-interval must still get its
    // first heartbeat one interval (100 ms here) after its own start, not at the shared timer's next tick.
    const beatsOf = async (delayMs: number) => {
      await sleep(delayMs);
      const started = Date.now();
      const at: number[] = [];
      const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 400 });
      env.on('heartbeat', () => at.push(Date.now() - started));
      await env.run(async () => {
        const heartbeats = startHeartbeats(Context.current(), () => ({}));
        await sleep(390);
        heartbeats.stop();
      });
      return at;
    };
    for (const at of await Promise.all([beatsOf(0), beatsOf(60), beatsOf(135)])) {
      expect(at.length).toBeGreaterThanOrEqual(1);
      expect(at[0]).toBeGreaterThanOrEqual(95); // one interval after its own start (timers may fire 1 ms early)
      // Never more often than once an interval (upper bounds are left to the other tests: timers run late under load).
      for (const [i, t] of at.slice(1).entries()) expect(t - at[i]).toBeGreaterThanOrEqual(95);
    }
  });

  it('keeps the interval within 100 ms .. 1 s and at most a quarter of the timeout', () => {
    expect(heartbeatIntervalMs(undefined)).toBe(HEARTBEAT_INTERVAL_MS);
    expect(heartbeatIntervalMs(20_000)).toBe(1_000);
    expect(heartbeatIntervalMs(2_000)).toBe(500);
    expect(heartbeatIntervalMs(200)).toBe(100);
    expect(heartbeatIntervalMs(0)).toBe(HEARTBEAT_INTERVAL_MS); // "no heartbeat timeout"
  });
});
