// The split across Worker Deployment versions: a draining version keeps its workers (at least one instance, more
// for its backlog) on its own revision, a drained one leaves, the current one gets the rest by the ordinary policy.
import { describe, expect, it } from 'vitest';
import { EMPTY_STATE, type ScalingPolicy } from '../../../src/autoscale/policy';
import {
  instancesByRevision,
  planSplit,
  RevisionMismatchError,
  type SplitInput,
  type VersionReading,
} from '../../../src/autoscale/version-split';

const policy: ScalingPolicy = {
  targetPerInstance: 5,
  minInstances: 0,
  maxInstances: 10,
  maxStepUp: 4,
  scaleDownWindowSeconds: 0,
  activationBacklog: 0,
};
const A = 'wp-00001-aaa';
const B = 'wp-00002-bbb';
const C = 'wp-00003-ccc';

const current = (buildId: string, backlog = 0): VersionReading => ({ buildId, status: 'current', backlog });
const draining = (buildId: string, backlog = 0, lastCheckedTime?: number): VersionReading => ({
  buildId,
  status: 'draining',
  drainage: { status: 'draining', ...(lastCheckedTime !== undefined ? { lastCheckedTime } : {}) },
  backlog,
});
const drained = (buildId: string): VersionReading => ({
  buildId,
  status: 'drained',
  drainage: { status: 'drained' },
  backlog: 0,
});

function input(over: Partial<SplitInput>): SplitInput {
  return {
    pool: 'wp',
    versions: [],
    revisions: [A, B, C],
    latestReadyRevision: B,
    count: 0,
    splits: [],
    queue: { backlog: 0, inFlight: 0 },
    state: EMPTY_STATE,
    policy,
    now: 1_000,
    ...over,
  };
}

/** The instances each revision gets when Cloud Run rounds every share down (the worst case for a floor). */
function floored(count: number, splits: Array<{ revision?: string; percent: number }>) {
  return Object.fromEntries(splits.map((s) => [s.revision, Math.floor((s.percent * count) / 100)]));
}

describe('planSplit', () => {
  it('keeps a draining version on one instance of its revision, the current one sized from its backlog', () => {
    const d = planSplit(
      input({
        versions: [current(B, 12), draining(A)],
        queue: { backlog: 12, inFlight: 3 },
        count: 3,
        splits: [{ revision: A, percent: 100 }],
      }),
    );
    expect(d.count).toBe(4);
    expect(d.splits).toEqual([
      { revision: A, percent: 25 },
      { revision: B, percent: 75 },
    ]);
    expect(d.allocations).toEqual([
      { revision: A, buildId: A, reason: 'draining', instances: 1, before: 3 },
      { revision: B, buildId: B, reason: 'current', instances: 3, before: 0 },
    ]);
    expect(d.dropped).toEqual([]);
  });

  it('gives a draining version enough instances for its own backlog, step-capped', () => {
    const d = planSplit(
      input({ versions: [current(B), draining(A, 40)], count: 2, splits: [{ revision: A, percent: 100 }] }),
    );
    // need ceil(40/5) = 8, had 2, step cap 4: 6; the current version has nothing to do.
    expect(d.allocations.find((a) => a.revision === A)?.instances).toBe(6);
    expect(d.count).toBe(6);
    expect(d.splits).toEqual([{ revision: A, percent: 100 }]);
  });

  it('drops a drained version: its revision leaves the split', () => {
    const d = planSplit(
      input({
        versions: [current(B, 5), drained(A)],
        queue: { backlog: 5, inFlight: 1 },
        count: 2,
        splits: [
          { revision: A, percent: 50 },
          { revision: B, percent: 50 },
        ],
      }),
    );
    expect(d.splits).toEqual([{ revision: B, percent: 100 }]);
    expect(d.count).toBe(1);
    expect(d.dropped).toEqual([{ buildId: A, why: 'drained' }]);
  });

  it('all drained and nothing to do: zero instances, the split on the current revision', () => {
    const d = planSplit(
      input({
        versions: [current(C), drained(A), drained(B)],
        latestReadyRevision: C,
        count: 2,
        splits: [
          { revision: A, percent: 50 },
          { revision: C, percent: 50 },
        ],
      }),
    );
    expect(d).toMatchObject({ count: 0, splits: [{ revision: C, percent: 100 }] });
    expect(d.dropped.map((x) => x.buildId)).toEqual([A, B]);
  });

  it('a stale DRAINING (checked long ago) still keeps its instance; only DRAINED releases', () => {
    const d = planSplit(input({ versions: [current(B), draining(A, 0, 1)], now: 10_000_000 }));
    expect(d.allocations.map((a) => [a.revision, a.instances])).toContainEqual([A, 1]);
  });

  it('missing drainage info keeps a revision that has instances, and adds none to one that has not', () => {
    const unknown: VersionReading = { buildId: A, status: 'unknown', backlog: 0 };
    const had = planSplit(
      input({ versions: [current(B), unknown], count: 2, splits: [{ revision: A, percent: 100 }] }),
    );
    expect(had.allocations).toContainEqual({
      revision: A,
      buildId: A,
      reason: 'drainage-unknown',
      instances: 1,
      before: 2,
    });
    const hadNot = planSplit(
      input({ versions: [current(B), unknown], count: 1, splits: [{ revision: B, percent: 100 }] }),
    );
    expect(hadNot.allocations.map((a) => a.revision)).toEqual([B]);
  });

  it('a ramping version gets its own share (at least one instance)', () => {
    const ramping: VersionReading = { buildId: C, status: 'ramping', backlog: 11 };
    const d = planSplit(
      input({ versions: [current(B, 10), ramping], latestReadyRevision: C, queue: { backlog: 21, inFlight: 4 } }),
    );
    expect(d.allocations.map((a) => [a.revision, a.reason, a.instances])).toEqual([
      [C, 'ramping', 3],
      [B, 'current', 2],
    ]);
    expect(d.count).toBe(5);
  });

  it('no current version: the queue load goes to the latest revision, draining ones keep theirs', () => {
    const d = planSplit(
      input({ versions: [draining(A)], latestReadyRevision: B, queue: { backlog: 10, inFlight: 2 } }),
    );
    expect(d.allocations.map((a) => [a.revision, a.reason, a.instances])).toEqual([
      [A, 'draining', 1],
      [B, 'no-current-version', 2],
    ]);
  });

  it('a new revision whose workers have not registered a version yet gets one instance', () => {
    const d = planSplit(
      input({ versions: [current(B, 5)], latestReadyRevision: C, queue: { backlog: 5, inFlight: 1 } }),
    );
    expect(d.allocations.map((a) => [a.revision, a.reason, a.instances])).toEqual([
      [C, 'new-revision', 1],
      [B, 'current', 1],
    ]);
  });

  it('a revision in the split that is no version leaves once a version is current', () => {
    const d = planSplit(input({ versions: [current(B, 5)], count: 2, splits: [{ revision: A, percent: 100 }] }));
    expect(d.dropped).toEqual([{ revision: A, why: 'not-a-version' }]);
    expect(d.splits).toEqual([{ revision: B, percent: 100 }]);
  });

  it('revision name mismatch: a version that may have runs and is no revision of the pool stops the decision', () => {
    expect(() => planSplit(input({ versions: [current(B), draining('sha256-abc')] }))).toThrow(RevisionMismatchError);
    expect(() => planSplit(input({ versions: [current('other-pool-00001-x')] }))).toThrow(RevisionMismatchError);
    // A drained one with a foreign name is harmless.
    expect(planSplit(input({ versions: [current(B), drained('sha256-abc')] })).dropped).toEqual([
      { buildId: 'sha256-abc', why: 'drained' },
    ]);
  });

  it('a draining version whose revision no longer exists is dropped (no workers to keep; the API would refuse it)', () => {
    const gone = 'wp-00000-old';
    const d = planSplit(
      input({ versions: [current(B), draining(A), draining(gone)], queue: { backlog: 0, inFlight: 2 } }),
    );
    expect(d.dropped).toEqual([{ buildId: gone, revision: gone, why: 'revision-missing' }]);
    expect(d.splits.map((s) => s.revision)).toEqual([A, B]);
    // The current version's revision missing is a misconfiguration: nothing is decided.
    expect(() => planSplit(input({ versions: [current(gone)] }))).toThrow(/no revision/);
  });

  it('a split it wrote reads back as the instances it planned (no phantom change on the next run)', () => {
    for (let count = 1; count <= 49; count++) {
      for (const others of [1, 2, 3]) {
        const versions = [
          current(B, count * 5),
          ...Array.from({ length: others }, (_, i) => draining(`wp-1000${i}-x`)),
        ];
        const base = input({
          versions,
          revisions: [B, ...versions.map((v) => v.buildId)],
          queue: { backlog: count * 5 + others * 5, inFlight: 1 },
          policy: { ...policy, maxInstances: 60, maxStepUp: 100 },
        });
        const first = planSplit(base);
        const again = planSplit({ ...base, count: first.count, splits: first.splits });
        const read = instancesByRevision({ count: first.count, splits: first.splits }, B);
        for (const a of first.allocations) expect(read.get(a.revision), `${count}/${others}`).toBe(a.instances);
        expect(again.count).toBe(first.count);
        expect(again.splits).toEqual(first.splits);
      }
    }
  });

  it('every floor survives any rounding of the percentages, even when the shares do not fit in 100', () => {
    for (const n of [1, 2, 3, 5, 7]) {
      const versions = [current(B, 1), ...Array.from({ length: n }, (_, i) => draining(`wp-1000${i}-x`))];
      const d = planSplit(
        input({ versions, revisions: [B, ...versions.map((v) => v.buildId)], queue: { backlog: 1, inFlight: 1 } }),
      );
      expect(d.splits.reduce((s, x) => s + x.percent, 0)).toBe(100);
      const got = floored(d.count, d.splits);
      for (const v of versions.slice(1)) expect(got[v.buildId], `${n} draining`).toBeGreaterThanOrEqual(1);
    }
  });

  it('max caps the current share and the extras, never the floor of a version that may have runs', () => {
    const small = { ...policy, maxInstances: 2 };
    const d = planSplit(
      input({
        versions: [current(C, 50), draining(A, 20), draining(B, 20)],
        latestReadyRevision: C,
        queue: { backlog: 90, inFlight: 9 },
        policy: small,
      }),
    );
    expect(d.allocations.map((a) => [a.revision, a.instances])).toEqual([
      [A, 1],
      [B, 1],
      [C, 1],
    ]);
    expect(d.count).toBe(3); // above max by the floors
  });

  it('the current share follows the ordinary policy: scale-down window and state', () => {
    const windowed = { ...policy, scaleDownWindowSeconds: 300 };
    const d = planSplit(
      input({
        versions: [current(B), draining(A)],
        policy: windowed,
        count: 4,
        splits: [{ revision: B, percent: 100 }],
      }),
    );
    expect(d.current.reason).toBe('scale-down-pending');
    expect(d.allocations.find((a) => a.revision === B)?.instances).toBe(4);
    expect(d.count).toBe(5);
  });

  it('reads instances per revision from a split: shares rounded down, the main revision the rest', () => {
    const read = (count: number, splits: SplitInput['splits'], main?: string) =>
      Object.fromEntries(instancesByRevision({ count, splits, latestReadyRevision: B }, main));
    expect(
      read(
        4,
        [
          { revision: A, percent: 25 },
          { latest: true, percent: 75 },
        ],
        B,
      ),
    ).toEqual({ [A]: 1, [B]: 3 });
    expect(
      read(
        3,
        [
          { revision: A, percent: 50 },
          { revision: B, percent: 50 },
        ],
        B,
      ),
    ).toEqual({ [A]: 1, [B]: 2 });
    expect(read(3, [], B)).toEqual({ [B]: 3 });
    expect(read(3, [{ revision: A, percent: 100 }], B)).toEqual({ [A]: 3 });
  });
});
