// Fairness and priority of the runs a front door starts. Temporal dispatches a backlogged task queue by priority
// (1 first) and, within a priority, round-robin over fairness keys in proportion to their weights; a run's activity
// inherits the workflow's priority. The front doors (HTTP API, webhooks, callables) key each run by its caller,
// so one caller's burst cannot hold every other caller's runs behind it. The server must have fairness on
// (docs/fairness.md); a server without it stores the key and dispatches in order, as before.
import { createHash } from 'node:crypto';
import type { Priority } from '@temporalio/common';
import {
  DEFAULT_PRIORITY_KEY,
  MAX_FAIRNESS_KEY_BYTES,
  MAX_FAIRNESS_WEIGHT,
  MIN_FAIRNESS_WEIGHT,
  PRIORITY_LEVELS,
} from '../common/defaults';
import { GenkitError } from './genkit-error';

/** Environment variable: fairness weights per key, as JSON (`{"premium": 5, "free": 0.5}`). */
export const FAIRNESS_WEIGHTS_ENV = 'GENKITX_FAIRNESS_WEIGHTS';
/** Environment variable: a verified claim whose value keys a caller's runs (e.g. `tenant`) instead of the caller. */
export const FAIRNESS_CLAIM_ENV = 'GENKITX_FAIRNESS_BY_CLAIM';

/** The verified caller of a start: the principal id (Firebase uid, webhook sender) and its token's claims. */
export interface FairnessCaller {
  id: string;
  claims?: Record<string, unknown>;
}

/** How a front door sets the priority and fairness key of the runs it starts (`fairness` option). */
export interface FairnessOptions {
  /**
   * The fairness key of a caller's runs (a tenant, a plan); `undefined` or `''` puts them in the shared unkeyed
   * group. Keys over 64 bytes are replaced by their hash. @default the claim named by GENKITX_FAIRNESS_BY_CLAIM
   * when the caller's token has it as a string, else the caller's id
   */
  key?: (caller: FairnessCaller) => string | undefined;
  /**
   * Weight per fairness key (a key with weight 2 is dispatched twice as often as one with 1); unlisted keys
   * weigh 1. Each from 0.001 to 1000. @default JSON in GENKITX_FAIRNESS_WEIGHTS, else none
   */
  weights?: Record<string, number>;
  /** Priority (1 first … 5 last) per flow name; over the start options' `priority.priorityKey`. */
  priorityByFlow?: Record<string, number>;
  /**
   * The most urgent priority a request may ask for (HTTP API `?priority=N`): a request for a more urgent one gets
   * this one, so callers may yield but not jump ahead unless allowed. @default 3 (Temporal's default level)
   */
  highestRequestPriority?: number;
}

/** A front door's fairness settings after resolution (options over environment). */
export interface ResolvedFairness {
  /**
   * The priority of a run of `flowName` started by `caller`: the caller's fairness key and its weight, the flow's
   * priority or the request's (bounded by `highestRequestPriority`), over `base` (the start options' own).
   */
  priorityFor(
    caller: FairnessCaller | undefined,
    flowName: string,
    base?: Priority,
    requested?: number,
  ): Priority | undefined;
}

/**
 * Resolves a front door's `fairness` option with the environment: `false` turns keying off (the start options'
 * `priority` still applies). Malformed settings throw here, naming the variable or option.
 */
export function resolveFairness(
  options: FairnessOptions | false | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedFairness {
  if (options === false) return { priorityFor: (_c, _f, base) => base };
  const given = options ?? {};
  const weights = new Map(
    Object.entries(given.weights ?? weightsFromEnv(env[FAIRNESS_WEIGHTS_ENV])).map(([key, weight]) => {
      if (!validWeight(weight)) {
        throw new TypeError(
          `fairness.weights["${key}"] must be a number from ${MIN_FAIRNESS_WEIGHT} to ${MAX_FAIRNESS_WEIGHT}, got ${weight}`,
        );
      }
      return [key, weight];
    }),
  );
  const claim = env[FAIRNESS_CLAIM_ENV]?.trim() || undefined;
  const keyOf =
    given.key ??
    ((caller: FairnessCaller) => {
      const value = claim ? caller.claims?.[claim] : undefined;
      return typeof value === 'string' && value ? value : caller.id;
    });
  const byFlow = Object.entries(given.priorityByFlow ?? {});
  for (const [flow, key] of byFlow) assertPriorityKey(key, `fairness.priorityByFlow["${flow}"]`, typeError);
  const highest = given.highestRequestPriority ?? DEFAULT_PRIORITY_KEY;
  assertPriorityKey(highest, 'fairness.highestRequestPriority', typeError);
  const flowPriority = new Map(byFlow);
  return {
    priorityFor(caller, flowName, base, requested) {
      const key = caller ? keyOf(caller) || undefined : undefined;
      const priorityKey =
        requested !== undefined ? Math.max(requested, highest) : (flowPriority.get(flowName) ?? base?.priorityKey);
      const priority: Priority = {
        ...base,
        ...(priorityKey !== undefined ? { priorityKey } : {}),
        // The caller's key replaces any fixed key of the start options, and with it that key's weight.
        ...(key !== undefined ? { fairnessKey: boundedKey(key), fairnessWeight: weights.get(key) } : {}),
      };
      const defined = Object.fromEntries(Object.entries(priority).filter(([, v]) => v !== undefined));
      return Object.keys(defined).length ? (defined as Priority) : undefined;
    },
  };
}

/** GENKITX_FAIRNESS_WEIGHTS: a JSON object of numbers; anything else throws, naming the variable. */
function weightsFromEnv(raw: string | undefined): Record<string, number> {
  if (raw === undefined || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const entries = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? Object.entries(parsed) : undefined;
  const bad = entries ? entries.find(([, w]) => !validWeight(w)) : undefined;
  if (!entries || bad) {
    throw new Error(
      `${FAIRNESS_WEIGHTS_ENV} must be a JSON object of weights from ${MIN_FAIRNESS_WEIGHT} to ${MAX_FAIRNESS_WEIGHT} per fairness key, e.g. {"premium":5,"free":0.5}` +
        (bad ? `; "${bad[0]}" is ${JSON.stringify(bad[1])}` : `, got ${JSON.stringify(raw)}`),
    );
  }
  return Object.fromEntries(entries) as Record<string, number>;
}

function validWeight(weight: unknown): weight is number {
  return typeof weight === 'number' && weight >= MIN_FAIRNESS_WEIGHT && weight <= MAX_FAIRNESS_WEIGHT;
}

/** A key Temporal accepts: as given up to 64 bytes, else a stable hash of it (the same caller, the same key). */
function boundedKey(key: string): string {
  if (Buffer.byteLength(key, 'utf8') <= MAX_FAIRNESS_KEY_BYTES) return key;
  return `sha256-${createHash('sha256').update(key).digest('base64url')}`;
}

/** Throws `fail`'s error naming `field` unless `value` is a priority level (a whole number from 1 to 5). */
function assertPriorityKey(value: unknown, field: string, fail: (message: string) => Error): void {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > PRIORITY_LEVELS) {
    throw fail(`${field} must be a whole number from 1 (first) to ${PRIORITY_LEVELS} (last), got ${String(value)}`);
  }
}

/** A request's `priority` (text from a query string): a priority level, else INVALID_ARGUMENT naming the field. */
export function requestedPriority(raw: string | undefined, field = 'priority'): number | undefined {
  if (raw === undefined) return undefined;
  const value = /^\d{1,2}$/.test(raw) ? Number(raw) : NaN;
  assertPriorityKey(value, `\`${field}\``, invalidPriority);
  return value;
}

/**
 * Checks a start's `priority` option: INVALID_ARGUMENT naming the field for a priority key that is not a level,
 * a fairness key over 64 bytes, or a weight outside 0.001–1000 (Temporal would clamp or refuse it).
 */
export function assertPriority(priority: Priority | undefined): void {
  if (priority === undefined) return;
  if (priority === null || typeof priority !== 'object') throw invalidPriority('priority must be an object');
  const { priorityKey, fairnessKey, fairnessWeight } = priority;
  if (priorityKey !== undefined) assertPriorityKey(priorityKey, 'priority.priorityKey', invalidPriority);
  if (
    fairnessKey !== undefined &&
    (typeof fairnessKey !== 'string' || Buffer.byteLength(fairnessKey, 'utf8') > MAX_FAIRNESS_KEY_BYTES)
  ) {
    throw invalidPriority(`priority.fairnessKey must be a string of at most ${MAX_FAIRNESS_KEY_BYTES} bytes`);
  }
  if (fairnessWeight !== undefined && !validWeight(fairnessWeight)) {
    throw invalidPriority(
      `priority.fairnessWeight must be a number from ${MIN_FAIRNESS_WEIGHT} to ${MAX_FAIRNESS_WEIGHT}, got ${fairnessWeight}`,
    );
  }
}

/** INVALID_ARGUMENT: a 400 at the front doors, before anything starts. */
function invalidPriority(message: string): Error {
  return new GenkitError({ status: 'INVALID_ARGUMENT', message });
}

function typeError(message: string): Error {
  return new TypeError(message);
}
