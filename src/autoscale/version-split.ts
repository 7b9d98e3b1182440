// The worker pool's split across Worker Deployment versions, as a pure function: each version's state and backlog,
// the pool's revisions and its current split in; the instance count and the instance splits out. No I/O, no clock.
//
// One version = one revision of the pool (Build ID = revision name). The current version gets the count the
// ordinary policy decides from its load (scale-down window, step cap, min/max); a version that still has pinned
// runs open (DRAINING) keeps enough instances for its own backlog and never fewer than one, on its own revision;
// a DRAINED version's revision leaves the split, so its workers stop only after its last run.
import { decide, type Decision, type QueueLoad, type ScaleDownState, type ScalingPolicy } from './policy';

/** A version's state as Temporal reports it (`unknown`: no status and no drainage info, e.g. an older server). */
export type VersionStatus = 'current' | 'ramping' | 'draining' | 'drained' | 'inactive' | 'unknown';

/** One version of the Worker Deployment, as read from Temporal. */
export interface VersionReading {
  /** The Build ID: the Cloud Run revision name of the workers that poll as this version. */
  buildId: string;
  status: VersionStatus;
  /** Temporal's drainage info (only for versions that are neither current nor ramping). */
  drainage?: { status: 'draining' | 'drained' | 'unspecified'; lastCheckedTime?: number };
  /** Backlog of this version's workflow and activity queues on the autoscaler's task queue. */
  backlog: number;
}

/** One entry of the pool's `instanceSplits`: a revision by name, or the latest ready revision. */
export interface InstanceSplit {
  revision?: string;
  latest?: boolean;
  percent: number;
}

export interface SplitInput {
  /** The worker pool's short name (revision names start with `<pool>-`). */
  pool: string;
  versions: VersionReading[];
  /** The pool's revisions that exist (short names). */
  revisions: string[];
  latestReadyRevision?: string;
  /** The pool's manual instance count and split, as read. */
  count: number;
  splits: InstanceSplit[];
  /** The queue-wide load (the current version's floor and, without a current version, its whole load). */
  queue: QueueLoad;
  state: ScaleDownState;
  policy: ScalingPolicy;
  now: number;
}

/** Why a revision holds instances. */
export type AllocationReason =
  'current' | 'ramping' | 'draining' | 'drainage-unknown' | 'new-revision' | 'unversioned' | 'no-current-version';

export interface Allocation {
  revision: string;
  buildId?: string;
  reason: AllocationReason;
  instances: number;
  /** Instances it had before this decision (from the split as read). */
  before: number;
}

/** Why a version or a revision has no place in the split. */
export interface Dropped {
  revision?: string;
  buildId?: string;
  why: 'drained' | 'revision-missing' | 'not-a-version';
}

export interface SplitDecision {
  count: number;
  splits: InstanceSplit[];
  allocations: Allocation[];
  dropped: Dropped[];
  /** The ordinary decision for the current version's share (its reason and next scale-down state). */
  current: Decision;
}

/**
 * A version whose Build ID cannot be one of this pool's revisions while it may still have runs (current, ramping,
 * or draining), or a current version whose revision is gone: nothing is written (a guess could stop its workers).
 */
export class RevisionMismatchError extends Error {
  override readonly name = 'RevisionMismatchError';
  constructor(
    readonly buildId: string,
    readonly pool: string,
    readonly problem: 'not-a-revision-of-the-pool' | 'revision-missing',
  ) {
    super(
      problem === 'not-a-revision-of-the-pool'
        ? `autoscaler: version "${buildId}" may still have runs but is not a revision of worker pool "${pool}" ` +
            '(its Build ID must be the Cloud Run revision name); nothing was written'
        : `autoscaler: the current version "${buildId}" has no revision in worker pool "${pool}"; nothing was written`,
    );
  }
}

/**
 * Decides the pool's instance count and split.
 *
 * @example
 * ```ts
 * planSplit({ pool: 'wp', versions: [{ buildId: 'wp-2', status: 'current', backlog: 12 },
 *   { buildId: 'wp-1', status: 'draining', drainage: { status: 'draining' }, backlog: 0 }], ... });
 * // with targetPerInstance 5: count 4, splits [{ revision: 'wp-1', percent: 25 }, { revision: 'wp-2', percent: 75 }]
 * ```
 */
export function planSplit(input: SplitInput): SplitDecision {
  const { pool, policy } = input;
  const exists = new Set(input.revisions);
  const belongs = (id: string) => id.startsWith(`${pool}-`);
  const dropped: Dropped[] = [];
  const kept: Array<{ revision: string; buildId?: string; reason: AllocationReason; backlog: number }> = [];
  const byBuildId = new Map(input.versions.map((v) => [v.buildId, v]));

  const current = input.versions.find((v) => v.status === 'current');
  if (current && !belongs(current.buildId))
    throw new RevisionMismatchError(current.buildId, pool, 'not-a-revision-of-the-pool');
  if (current && !exists.has(current.buildId))
    throw new RevisionMismatchError(current.buildId, pool, 'revision-missing');
  const latest = input.latestReadyRevision;
  // The share sized by the ordinary policy: the current version's, or without one the latest revision's.
  const mainRevision = current?.buildId ?? (latest && exists.has(latest) ? latest : undefined);
  const before = instancesByRevision(input, mainRevision);

  for (const v of input.versions) {
    if (v === current) continue;
    const reason = keepReason(v, before.has(v.buildId));
    if (!reason) {
      if (v.status === 'drained' || v.drainage?.status === 'drained')
        dropped.push({ buildId: v.buildId, why: 'drained' });
      continue;
    }
    if (!belongs(v.buildId)) throw new RevisionMismatchError(v.buildId, pool, 'not-a-revision-of-the-pool');
    // A deleted revision has no workers to keep, and a split naming it would be rejected.
    if (!exists.has(v.buildId)) {
      dropped.push({ buildId: v.buildId, revision: v.buildId, why: 'revision-missing' });
      continue;
    }
    kept.push({ revision: v.buildId, buildId: v.buildId, reason, backlog: v.backlog });
  }

  // The latest revision whose workers have not registered a version yet (just deployed): one instance, so its
  // version appears and can be made current. Without a current version it is where new work goes (below).
  const latestVersion = latest ? byBuildId.get(latest) : undefined;
  const latestIsNew = latest && exists.has(latest) && (!latestVersion || latestVersion.status === 'inactive');
  if (current && latestIsNew && latest !== current.buildId && !kept.some((k) => k.revision === latest))
    kept.push({ revision: latest, reason: 'new-revision', backlog: 0 });

  // Revisions in the split that are no version at all. With a current version they can hold no pinned run (a
  // version with open pinned runs cannot be deleted), so they leave. Without one, new work goes to unversioned
  // workers, which may be exactly these: they keep one instance until a version is current.
  for (const revision of before.keys()) {
    if (byBuildId.has(revision) || kept.some((k) => k.revision === revision) || revision === latest) continue;
    if (current || !exists.has(revision)) dropped.push({ revision, why: 'not-a-version' });
    else kept.push({ revision, reason: 'unversioned', backlog: 0 });
  }

  // Without a current version the latest revision may also be a version that keeps instances: one entry, the main.
  const mainKept = kept.findIndex((k) => k.revision === mainRevision);
  const mainFloor = mainKept >= 0 ? 1 : 0;
  if (mainKept >= 0) kept.splice(mainKept, 1);
  const othersBacklog = kept.reduce((sum, k) => sum + k.backlog, 0);
  const mainLoad: QueueLoad = {
    // The queue-wide backlog covers unversioned and auto-upgrade runs too: what the other versions do not own
    // goes to the current one (whichever reading is larger).
    backlog: Math.max(current?.backlog ?? 0, input.queue.backlog - othersBacklog),
    inFlight: input.queue.inFlight,
  };
  const mainBefore = mainRevision ? (before.get(mainRevision) ?? 0) : 0;
  const decision = decide(mainLoad, mainBefore, input.state, policy, input.now);

  const allocations: Allocation[] = kept.map(({ backlog, ...k }) => {
    const had = before.get(k.revision) ?? 0;
    const need = Math.max(1, Math.ceil(backlog / policy.targetPerInstance));
    // The step cap holds per revision, but never below the floor of one.
    return { ...k, instances: Math.max(1, Math.min(need, had + policy.maxStepUp)), before: had };
  });
  let mainInstances = mainRevision ? Math.max(decision.desired, mainFloor) : 0;
  fitUnderMax(
    allocations,
    policy.maxInstances,
    () => mainInstances,
    (n) => (mainInstances = n),
  );
  if (mainRevision) {
    allocations.push({
      revision: mainRevision,
      buildId: current?.buildId,
      reason: current ? 'current' : 'no-current-version',
      instances: mainInstances,
      before: mainBefore,
    });
  }
  const { count, splits } = toSplits(allocations, mainRevision);
  const main = allocations.find((a) => a.revision === mainRevision);
  if (main) main.instances = count - allocations.reduce((s, a) => (a === main ? s : s + a.instances), 0);
  return { count, splits, allocations, dropped, current: decision };
}

/**
 * Whether a non-current version keeps instances, and why. Only DRAINED releases a revision: the server sets it
 * after the visibility grace period, once no open pinned run is left, and it stays so until the version is current
 * or ramping again. DRAINING keeps the revision however old its last check (a stale DRAINING costs an instance a
 * little longer; a wrong drop would strand pinned runs). A version without any drainage info that holds instances
 * keeps them as a draining one would (it might have runs); one that holds none gets none.
 */
function keepReason(v: VersionReading, hasInstances: boolean): AllocationReason | undefined {
  if (v.status === 'ramping') return 'ramping';
  if (v.drainage?.status === 'drained' || v.status === 'drained') return undefined;
  if (v.status === 'draining' || v.drainage?.status === 'draining') return 'draining';
  if (v.status === 'unknown' || v.drainage?.status === 'unspecified')
    return hasInstances ? 'drainage-unknown' : undefined;
  return undefined; // inactive: never current, so no pinned run (the latest revision is handled by the caller)
}

/** Cuts the extras above one instance (largest first), then the main share, until the total fits `max`. */
function fitUnderMax(others: Allocation[], max: number, main: () => number, setMain: (n: number) => void): void {
  const total = () => others.reduce((s, a) => s + a.instances, 0) + main();
  while (total() > max) {
    const largest = others.reduce<Allocation | undefined>(
      (m, a) => (a.instances > (m?.instances ?? 1) ? a : m),
      undefined,
    );
    if (largest) largest.instances--;
    else if (main() > 1) setMain(main() - 1);
    else break; // only floors left: one instance per version that may have runs, even above max
  }
}

/**
 * Whole percentages that give every other revision at least its instances however Cloud Run rounds a share
 * (rounded up: `floor(ceil(a*100/T) * T/100) >= a`); the main revision takes the rest. If the rounded-up shares do
 * not fit in 100, one more instance for the main share, until they do.
 */
function toSplits(
  allocations: Allocation[],
  mainRevision: string | undefined,
): { count: number; splits: InstanceSplit[] } {
  const others = allocations.filter((a) => a.revision !== mainRevision && a.instances > 0);
  let count = allocations.reduce((s, a) => s + a.instances, 0);
  if (count === 0) return { count, splits: mainRevision ? [{ revision: mainRevision, percent: 100 }] : [] };
  for (; ; count++) {
    const splits = others.map((a) => ({ revision: a.revision, percent: Math.ceil((a.instances * 100) / count) }));
    const rest = 100 - splits.reduce((s, p) => s + p.percent, 0);
    if (rest < 0) continue;
    if (rest > 0 && mainRevision) splits.push({ revision: mainRevision, percent: rest });
    else if (rest > 0) splits[0].percent += rest;
    return { count, splits: sortSplits(splits) };
  }
}

/**
 * Instances per revision in the split as read (`latest` entries count for the latest ready revision): each share
 * rounded down, and the main revision (the current version's) the rest. For a split this module wrote, that reads
 * back exactly the instances it planned while the count is below 100 (a rounded-up share of `a` instances is
 * below `a + 1`).
 */
export function instancesByRevision(
  input: Pick<SplitInput, 'count' | 'splits' | 'latestReadyRevision'>,
  mainRevision?: string,
): Map<string, number> {
  const out = new Map<string, number>();
  const splits = input.splits.length ? input.splits : [{ latest: true, percent: 100 }];
  let rest = input.count;
  for (const s of splits) {
    const revision = s.latest ? input.latestReadyRevision : s.revision;
    if (!revision || revision === mainRevision) continue;
    const n = Math.floor((s.percent * input.count) / 100);
    out.set(revision, (out.get(revision) ?? 0) + n);
    rest -= n;
  }
  const mainInSplit = splits.some((s) => (s.latest ? input.latestReadyRevision : s.revision) === mainRevision);
  if (mainRevision && mainInSplit) out.set(mainRevision, Math.max(0, rest));
  return out;
}

/** Splits in a stable order (by revision), so equal splits compare equal. */
export function sortSplits(splits: InstanceSplit[]): InstanceSplit[] {
  return [...splits].sort(
    (a, b) => (a.latest ? 1 : 0) - (b.latest ? 1 : 0) || (a.revision ?? '').localeCompare(b.revision ?? ''),
  );
}

/** Whether two splits give the same revisions the same percentages. */
export function sameSplits(a: InstanceSplit[], b: InstanceSplit[]): boolean {
  const key = (s: InstanceSplit[]) =>
    JSON.stringify(sortSplits(s).map((x) => [x.latest ? '*' : x.revision, x.percent]));
  return key(a) === key(b);
}
