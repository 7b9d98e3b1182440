// The scaling decision, as a pure function: the queue's load, the current instance count and the pending
// scale-down state in; the new count, the reason and the next state out. No I/O, no clock (`now` is given).

/** What the autoscaler measured on the task queue. */
export interface QueueLoad {
  /** Approximate backlog of the workflow and activity queues together (tasks waiting for a worker). */
  backlog: number;
  /** Runs that are not finished (running workflows on the queue). Keeps one instance while work is in flight. */
  inFlight: number;
}

/** How to size the workers. */
export interface ScalingPolicy {
  /** Backlog tasks one instance should absorb: `desired = ceil(backlog / targetPerInstance)`. */
  targetPerInstance: number;
  minInstances: number;
  maxInstances: number;
  /** At most this many instances added per decision (the scale-up rate). */
  maxStepUp: number;
  /** A lower count is applied only after every recommendation of this long was lower (stabilisation). */
  scaleDownWindowSeconds: number;
  /** From zero instances, scale up only when the backlog exceeds this (and nothing is in flight). */
  activationBacklog: number;
}

/**
 * Recommendations lower than the current count, kept while a scale-down is pending. `since`: every recommendation
 * made after it was lower than the current count. `recent`: a strictly decreasing queue of `[unixSeconds, count]`
 * (an entry is dropped once a later one is as high), so its head is the highest recommendation still in the window.
 * Empty when no scale-down is pending.
 */
export interface ScaleDownState {
  since?: number;
  recent: Array<[number, number]>;
}

export type DecisionReason =
  | 'steady'
  | 'scale-up'
  | 'scale-up-step-capped'
  | 'scale-down'
  | 'scale-down-pending'
  | 'below-min'
  | 'above-max'
  | 'waiting-for-activation';

export interface Decision {
  /** The raw recommendation for this load, before the window and the step cap. */
  recommended: number;
  /** The instance count to apply (equal to `current` when nothing changes). */
  desired: number;
  reason: DecisionReason;
  /** The state to keep for the next decision. */
  state: ScaleDownState;
}

export const EMPTY_STATE: ScaleDownState = { recent: [] };

/**
 * The raw recommendation: `clamp(ceil(backlog / targetPerInstance), min, max)`, with at least one instance while
 * work is in flight (a queue whose workers keep up shows no backlog: scaling it to zero would stop that work), and
 * zero only while nothing is in flight and the backlog does not exceed the activation threshold.
 */
export function recommend(load: QueueLoad, policy: ScalingPolicy): number {
  const active = load.backlog > policy.activationBacklog || load.inFlight > 0;
  const byBacklog = active ? Math.ceil(load.backlog / policy.targetPerInstance) : 0;
  const floor = load.inFlight > 0 ? 1 : 0;
  return clamp(Math.max(byBacklog, floor), policy.minInstances, policy.maxInstances);
}

/**
 * Decides the instance count.
 *
 * @example
 * ```ts
 * const d = decide({ backlog: 40, inFlight: 3 }, 1, EMPTY_STATE, policy, Date.now() / 1000);
 * // with targetPerInstance 10, maxStepUp 2: { recommended: 4, desired: 3, reason: 'scale-up-step-capped' }
 * ```
 */
export function decide(
  load: QueueLoad,
  current: number,
  state: ScaleDownState,
  policy: ScalingPolicy,
  now: number,
): Decision {
  validatePolicy(policy);
  const recommended = recommend(load, policy);
  // Bounds changed under us (a new max or min): follow them at once, no window, no step cap.
  if (current > policy.maxInstances)
    return { recommended, desired: policy.maxInstances, reason: 'above-max', state: EMPTY_STATE };
  if (current < policy.minInstances)
    return { recommended, desired: policy.minInstances, reason: 'below-min', state: EMPTY_STATE };

  if (recommended > current) {
    const desired = Math.min(recommended, current + policy.maxStepUp);
    const reason = desired < recommended ? 'scale-up-step-capped' : 'scale-up';
    return { recommended, desired, reason, state: EMPTY_STATE };
  }
  if (recommended === current) {
    const reason = current === 0 && load.backlog > 0 ? 'waiting-for-activation' : 'steady';
    return { recommended, desired: current, reason, state: EMPTY_STATE };
  }

  // Lower than now: remember it, and scale down only once the whole window has been lower.
  const window = policy.scaleDownWindowSeconds;
  const since = state.since ?? now;
  const recent = pushMonotone(state.recent, [now, recommended], now - window);
  if (now - since < window)
    return { recommended, desired: current, reason: 'scale-down-pending', state: { since, recent } };

  // Every recommendation in the window is below `current`; the highest of them (the head) is the new count. Every
  // recommendation after the head is lower still (the queue is strictly decreasing), so what remains is pending
  // from the head's time: the next scale-down is due one window after the head was recommended.
  const [[headTime, desired], ...rest] = recent;
  const next = rest.length ? { since: headTime, recent: rest } : EMPTY_STATE;
  return { recommended, desired, reason: 'scale-down', state: next };
}

/**
 * Appends a recommendation to the monotone (strictly decreasing) queue and drops what left the window. An entry's
 * time is the last time its value was known to be recommended, kept without a rewrite while the same value repeats
 * (so a pending scale-down does not rewrite its state on every tick): the tail repeats until a lower value arrives,
 * and then its time becomes `now`, an upper bound on its last reading that keeps it in the window at least as long
 * as it should be (a scale-down is late by at most one tick, never early). A repeated tail that leaves the window
 * while still recommended comes back as a new entry.
 */
function pushMonotone(
  queue: Array<[number, number]>,
  [now, value]: [number, number],
  windowStart: number,
): Array<[number, number]> {
  const tail = queue.at(-1);
  const refreshed: Array<[number, number]> = tail && tail[1] > value ? [...queue.slice(0, -1), [now, tail[1]]] : queue;
  const inWindow = refreshed.filter(([t]) => t > windowStart);
  const last = inWindow.at(-1);
  if (last && last[1] === value) return inWindow;
  return [...inWindow.filter(([, v]) => v > value), [now, value]];
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(Math.max(n, min), max);
}

/** Throws a `RangeError` naming the first setting that makes no sense. */
export function validatePolicy(p: ScalingPolicy): void {
  const wholeAtLeast = (name: keyof ScalingPolicy, min: number) => {
    if (!Number.isInteger(p[name]) || p[name] < min)
      throw new RangeError(`autoscaler: ${name} must be an integer >= ${min}, got ${p[name]}`);
  };
  if (!(p.targetPerInstance > 0))
    throw new RangeError(`autoscaler: targetPerInstance must be > 0, got ${p.targetPerInstance}`);
  wholeAtLeast('minInstances', 0);
  wholeAtLeast('maxInstances', 1);
  wholeAtLeast('maxStepUp', 1);
  wholeAtLeast('scaleDownWindowSeconds', 0);
  wholeAtLeast('activationBacklog', 0);
  if (p.minInstances > p.maxInstances)
    throw new RangeError(`autoscaler: minInstances (${p.minInstances}) exceeds maxInstances (${p.maxInstances})`);
}
