// The scaling decision on its own: sizing, activation, the in-flight floor, caps, the scale-down window, and a
// noisy backlog that must not make the count flap.
import { describe, expect, it } from 'vitest';
import { decide, EMPTY_STATE, recommend, type ScaleDownState, type ScalingPolicy } from '../../../src/autoscale/policy';

const policy: ScalingPolicy = {
  targetPerInstance: 10,
  minInstances: 0,
  maxInstances: 8,
  maxStepUp: 3,
  scaleDownWindowSeconds: 300,
  activationBacklog: 0,
};

/** Runs the policy once per `interval` seconds over a series of loads, like the scheduled job does. */
function simulate(loads: Array<{ backlog: number; inFlight: number }>, start = 0, p = policy, interval = 60) {
  let count = start;
  let state: ScaleDownState = EMPTY_STATE;
  const counts: number[] = [];
  loads.forEach((load, i) => {
    const d = decide(load, count, state, p, 1_000 + i * interval);
    count = d.desired;
    state = d.state;
    counts.push(count);
  });
  return counts;
}

describe('recommend', () => {
  it('sizes by ceil(backlog / target), clamped to min and max', () => {
    expect(recommend({ backlog: 1, inFlight: 1 }, policy)).toBe(1);
    expect(recommend({ backlog: 10, inFlight: 10 }, policy)).toBe(1);
    expect(recommend({ backlog: 11, inFlight: 11 }, policy)).toBe(2);
    expect(recommend({ backlog: 10_000, inFlight: 0 }, policy)).toBe(8);
    expect(recommend({ backlog: 0, inFlight: 0 }, { ...policy, minInstances: 2 })).toBe(2);
  });

  it('keeps one instance while work is in flight, even with no backlog (KEDA issue 7368)', () => {
    expect(recommend({ backlog: 0, inFlight: 1 }, policy)).toBe(1);
    expect(recommend({ backlog: 0, inFlight: 500 }, policy)).toBe(1);
    expect(recommend({ backlog: 0, inFlight: 0 }, policy)).toBe(0);
  });

  it('scales from zero only above the activation threshold when nothing is in flight', () => {
    const p = { ...policy, activationBacklog: 3 };
    expect(recommend({ backlog: 3, inFlight: 0 }, p)).toBe(0);
    expect(recommend({ backlog: 4, inFlight: 0 }, p)).toBe(1);
    expect(recommend({ backlog: 2, inFlight: 1 }, p)).toBe(1);
  });
});

describe('decide', () => {
  it('scales up at most maxStepUp per decision, then to the recommendation', () => {
    expect(simulate(Array(4).fill({ backlog: 75, inFlight: 75 }))).toEqual([3, 6, 8, 8]);
    const first = decide({ backlog: 75, inFlight: 75 }, 0, EMPTY_STATE, policy, 0);
    expect(first).toMatchObject({ recommended: 8, desired: 3, reason: 'scale-up-step-capped' });
  });

  it('never passes max, whatever the backlog', () => {
    const counts = simulate(Array.from({ length: 30 }, (_, i) => ({ backlog: 10 ** (i % 7), inFlight: 5 })));
    expect(Math.max(...counts)).toBe(8);
  });

  it('follows a lowered max (or raised min) at once', () => {
    expect(decide({ backlog: 100, inFlight: 1 }, 12, EMPTY_STATE, policy, 0)).toMatchObject({
      desired: 8,
      reason: 'above-max',
    });
    const p = { ...policy, minInstances: 2 };
    expect(decide({ backlog: 0, inFlight: 0 }, 0, EMPTY_STATE, p, 0)).toMatchObject({
      desired: 2,
      reason: 'below-min',
    });
  });

  it('scales down only after the whole window recommended less, to the highest recommendation in it', () => {
    // 60 s interval, 300 s window: the drop from 6 is applied at the 6th low reading (300 s after the first).
    const loads = [...Array(2).fill({ backlog: 60, inFlight: 60 }), ...Array(8).fill({ backlog: 20, inFlight: 20 })];
    const counts = simulate(loads, 6);
    expect(counts).toEqual([6, 6, 6, 6, 6, 6, 6, 2, 2, 2]);
  });

  it('a higher reading inside the window cancels the pending scale-down', () => {
    const loads = [
      ...Array(4).fill({ backlog: 0, inFlight: 0 }),
      { backlog: 50, inFlight: 5 },
      ...Array(7).fill({ backlog: 0, inFlight: 0 }),
    ];
    const counts = simulate(loads, 5);
    // The 50-backlog reading recommends 5 = current: pending state cleared, a fresh window starts after it.
    expect(counts).toEqual([5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 0, 0]);
  });

  it('steps down through the window maxima (HPA semantics), not straight to the last reading', () => {
    // Recommendations 4 (t=1000), 3 (t=1060), then 0s. The state does not record each repeat of a value, so a value
    // counts as recommended until the tick that brought a lower one: the 4 until t=1060, the 3 until t=1120. Each
    // step down comes one tick later than the readings alone would allow, never earlier.
    const loads = [
      { backlog: 40, inFlight: 1 },
      { backlog: 30, inFlight: 1 },
      ...Array(10).fill({ backlog: 0, inFlight: 0 }),
    ];
    const counts = simulate(loads, 8);
    expect(counts[0]).toBe(8);
    expect(counts.filter((c, i) => i > 0 && c !== counts[i - 1]).every((c) => c < 8)).toBe(true);
    const changes = counts.filter((c, i) => c !== (i === 0 ? 8 : counts[i - 1]));
    expect(changes).toEqual([4, 3, 0]);
    expect(counts.indexOf(4)).toBe(5);
    expect(counts.indexOf(3)).toBe(6);
    expect(counts.indexOf(0)).toBe(7);
  });

  it('keeps the pending state unchanged while the same recommendation repeats (no rewrite per tick)', () => {
    let state: ScaleDownState = EMPTY_STATE;
    const states: string[] = [];
    for (let t = 1_000; t < 1_300; t += 20) {
      const d = decide({ backlog: 0, inFlight: 0 }, 4, state, policy, t);
      expect(d).toMatchObject({ desired: 4, reason: 'scale-down-pending' });
      state = d.state;
      states.push(JSON.stringify(state));
    }
    expect(new Set(states)).toEqual(new Set([JSON.stringify({ since: 1_000, recent: [[1_000, 0]] })]));
    expect(decide({ backlog: 0, inFlight: 0 }, 4, state, policy, 1_300)).toMatchObject({ desired: 0 });
  });

  it('never scales down before a repeated higher recommendation has been out of the window for a whole window', () => {
    // 2 recommended from t=1000 to t=1280 (every 20 s), then 0: the 2 must hold until t=1280 + 300.
    let state: ScaleDownState = EMPTY_STATE;
    let count = 4;
    const at = (t: number, backlog: number) => {
      const d = decide({ backlog, inFlight: 0 }, count, state, policy, t);
      count = d.desired;
      state = d.state;
    };
    for (let t = 1_000; t <= 1_280; t += 20) at(t, 20);
    expect(count).toBe(4);
    for (let t = 1_300; t < 1_580; t += 20) {
      at(t, 0);
      expect(count).toBeGreaterThanOrEqual(2);
    }
    for (let t = 1_580; t <= 2_000; t += 20) at(t, 0);
    expect(count).toBe(0);
  });

  it('keeps one instance while work is in flight with an empty queue, and reaches zero after the window once idle', () => {
    const counts = simulate(
      [...Array(10).fill({ backlog: 0, inFlight: 3 }), ...Array(7).fill({ backlog: 0, inFlight: 0 })],
      4,
    );
    expect(counts.slice(0, 10).every((c) => c >= 1)).toBe(true);
    expect(counts[9]).toBe(1);
    expect(counts.at(-1)).toBe(0);
  });

  it('waits at zero below the activation threshold, and says so', () => {
    const p = { ...policy, activationBacklog: 5 };
    expect(decide({ backlog: 5, inFlight: 0 }, 0, EMPTY_STATE, p, 0)).toMatchObject({
      desired: 0,
      reason: 'waiting-for-activation',
    });
    expect(decide({ backlog: 6, inFlight: 0 }, 0, EMPTY_STATE, p, 0)).toMatchObject({ desired: 1, reason: 'scale-up' });
  });

  it('does not flap under a noisy backlog', () => {
    // Backlog around 50 ± 25 every 15 s for an hour: recommendations jump between 3 and 8.
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const loads = Array.from({ length: 240 }, () => ({ backlog: Math.round(25 + random() * 50), inFlight: 20 }));
    const counts = simulate(loads, 0, policy, 15);
    const recs = loads.map((l) => recommend(l, policy));
    const recChanges = recs.filter((r, i) => i > 0 && r !== recs[i - 1]).length;
    const changeAt = counts.map((c, i) => (i > 0 && c !== counts[i - 1] ? i : -1)).filter((i) => i >= 0);
    const downs = changeAt.filter((i) => counts[i] < counts[i - 1]);
    expect(recChanges).toBeGreaterThan(150); // the input really is noisy
    expect(changeAt.length).toBeLessThanOrEqual(12); // at most about one change per window
    // Two scale-downs are at least a window apart, and each goes down by one instance, not to the last reading.
    downs.forEach((i, k) => k > 0 && expect((i - downs[k - 1]) * 15).toBeGreaterThanOrEqual(300));
    downs.forEach((i) => expect(counts[i - 1] - counts[i]).toBe(1));
    // Never below the recommendation, except while the scale-up step cap holds it back.
    counts.forEach((c, i) =>
      expect(c).toBeGreaterThanOrEqual(Math.min(recs[i], (counts[i - 1] ?? 0) + policy.maxStepUp)),
    );
  });

  it('rejects settings that make no sense', () => {
    const bad: Array<Partial<ScalingPolicy>> = [
      { targetPerInstance: 0 },
      { minInstances: -1 },
      { maxInstances: 0 },
      { minInstances: 9 },
      { maxStepUp: 0 },
      { scaleDownWindowSeconds: 1.5 },
    ];
    for (const b of bad)
      expect(() => decide({ backlog: 1, inFlight: 0 }, 0, EMPTY_STATE, { ...policy, ...b }, 0)).toThrow(RangeError);
  });

  it('scales down at once with a zero window', () => {
    const p = { ...policy, scaleDownWindowSeconds: 0 };
    expect(decide({ backlog: 0, inFlight: 0 }, 5, EMPTY_STATE, p, 0)).toMatchObject({
      desired: 0,
      reason: 'scale-down',
    });
  });
});
