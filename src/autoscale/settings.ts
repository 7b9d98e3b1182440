// The autoscaler's settings from the environment. Only the names of the kit's env contract are read
// (AUTOSCALER_ENV, src/common/env-contract.ts).
import { AUTOSCALER_ENV } from '../common/env-contract';
import type { ScalingPolicy } from './policy';
import { validatePolicy } from './policy';

/** Every variable the autoscaler reads: the env contract's. */
export const AUTOSCALER_ENV_NAMES = [...AUTOSCALER_ENV.set, ...AUTOSCALER_ENV.secrets] as const;

export type AutoscalerEnv = { [K in (typeof AUTOSCALER_ENV_NAMES)[number]]?: string };

/** Defaults: KEDA's Temporal scaler sizes for 5 tasks per replica; HPA's scale-down window is 300 s. */
export const DEFAULT_POLICY: ScalingPolicy = {
  targetPerInstance: 5,
  minInstances: 0,
  maxInstances: 10,
  maxStepUp: 4,
  scaleDownWindowSeconds: 300,
  activationBacklog: 0,
};

export interface AutoscalerSettings {
  /** The Cloud Run resource to scale: `projects/P/locations/L/workerPools/W` or `…/services/S`. */
  target: string;
  policy: ScalingPolicy;
  dryRun: boolean;
  /**
   * The Worker Deployment whose versions are the worker pool's revisions (Build ID = revision name). When set and
   * the target is a worker pool, the autoscaler sizes each version and writes the pool's instance splits.
   */
  workerDeployment?: string;
  /** Connection to Temporal: passed as explicit options, so no other variable or profile file is consulted. */
  temporal: { address?: string; namespace?: string; taskQueue?: string; apiKey?: string };
}

/** Only the contract's names, as a typed record (read nothing else from the environment). */
export function readAutoscalerEnv(env: NodeJS.ProcessEnv = process.env): AutoscalerEnv {
  return Object.fromEntries(AUTOSCALER_ENV_NAMES.map((name) => [name, env[name]]));
}

/**
 * Settings from the environment, with defaults. Throws a `RangeError` naming the variable for a bad value.
 *
 * @example
 * ```ts
 * const settings = autoscalerSettingsFromEnv({ AUTOSCALER_TARGET: 'projects/p/locations/r/workerPools/w' });
 * // settings.policy = DEFAULT_POLICY, settings.dryRun = false
 * ```
 */
export function autoscalerSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): AutoscalerSettings {
  const e = readAutoscalerEnv(env);
  if (!e.AUTOSCALER_TARGET)
    throw new RangeError('autoscaler: AUTOSCALER_TARGET is not set (the worker pool or service to scale)');
  const policy: ScalingPolicy = {
    targetPerInstance: number(e, 'AUTOSCALER_TARGET_PER_INSTANCE', DEFAULT_POLICY.targetPerInstance, false),
    minInstances: number(e, 'AUTOSCALER_MIN_INSTANCES', DEFAULT_POLICY.minInstances),
    maxInstances: number(e, 'AUTOSCALER_MAX_INSTANCES', DEFAULT_POLICY.maxInstances),
    maxStepUp: number(e, 'AUTOSCALER_MAX_STEP_UP', DEFAULT_POLICY.maxStepUp),
    scaleDownWindowSeconds: number(e, 'AUTOSCALER_SCALE_DOWN_WINDOW_SECONDS', DEFAULT_POLICY.scaleDownWindowSeconds),
    activationBacklog: number(e, 'AUTOSCALER_ACTIVATION_BACKLOG', DEFAULT_POLICY.activationBacklog),
  };
  validatePolicy(policy);
  return {
    target: e.AUTOSCALER_TARGET,
    policy,
    dryRun: flag(e, 'AUTOSCALER_DRY_RUN'),
    workerDeployment: e.AUTOSCALER_WORKER_DEPLOYMENT?.trim() || undefined,
    temporal: {
      address: e.TEMPORAL_ADDRESS || undefined,
      namespace: e.TEMPORAL_NAMESPACE || undefined,
      taskQueue: e.TEMPORAL_TASK_QUEUE || undefined,
      apiKey: e.TEMPORAL_API_KEY || undefined,
    },
  };
}

function number(e: AutoscalerEnv, name: keyof AutoscalerEnv, fallback: number, integer = true): number {
  const raw = e[name]?.trim();
  if (!raw) return fallback;
  const ok = integer ? /^\d+$/.test(raw) : /^\d+(\.\d+)?$/.test(raw);
  if (!ok) throw new RangeError(`autoscaler: ${name} must be a ${integer ? 'whole ' : ''}number >= 0, got "${raw}"`);
  return Number(raw);
}

function flag(e: AutoscalerEnv, name: keyof AutoscalerEnv): boolean {
  const raw = e[name]?.trim().toLowerCase();
  if (!raw || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new RangeError(`autoscaler: ${name} must be true or false, got "${raw}"`);
}
