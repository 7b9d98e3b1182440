// One autoscaling cycle: read the queue's load, read the Cloud Run target, decide, write when it changed, and log
// one structured line. Runs once per invocation (a Cloud Run job or a scheduled function); the pending
// scale-down state travels on the target itself (see state-annotation.ts).
import type { Client } from '@temporalio/client';
import { resolveTemporalConfig } from '../client/config';
import { clientFor } from '../client/connection';
import { CloudRunTarget, type CloudRunTargetOptions } from './cloud-run-target';
import { decide, type Decision, type DecisionReason, type ScalingPolicy } from './policy';
import { readDeploymentVersions } from './deployment-versions';
import { readQueueLoad, type QueueLoadReading } from './queue-load';
import type { AutoscalerSettings } from './settings';
import { planSplit, sameSplits, type InstanceSplit, type SplitDecision, type VersionReading } from './version-split';

export interface AutoscalerOptions extends AutoscalerSettings {
  /** A Temporal client to use instead of the shared one for `temporal`. */
  client?: Client;
  /** Extra options for the Cloud Run target (client options, operation deadline, retries). */
  targetOptions?: Omit<CloudRunTargetOptions, 'name'>;
  /** Where the decision line goes. @default one JSON line on stdout (Cloud Logging reads `severity`) */
  log?: (line: DecisionLog) => void;
  /** The clock, in seconds. @default Date.now() / 1000 */
  now?: () => number;
  /**
   * How long each Temporal call may take; a call that runs out fails the run with `TemporalCallTimeoutError`
   * and nothing is written. @default 10_000
   */
  temporalCallTimeoutMs?: number;
}

/** The one log line per decision. */
export interface DecisionLog {
  severity: 'INFO' | 'NOTICE' | 'ERROR';
  message: string;
  target: string;
  taskQueue: string;
  dryRun: boolean;
  load?: QueueLoadReading;
  current?: number;
  recommended?: number;
  desired?: number;
  reason?: DecisionReason;
  write?: 'none' | 'dry-run' | 'written';
  attempts?: number;
  /** With a Worker Deployment: its versions as read, the split before and after, and who holds instances. */
  versions?: VersionReading[];
  splitsBefore?: InstanceSplit[];
  splits?: InstanceSplit[];
  allocations?: SplitDecision['allocations'];
  dropped?: SplitDecision['dropped'];
  /** The deployment is configured but no worker has registered it yet: the count alone was decided. */
  deploymentNotFound?: string;
  error?: { name: string; code?: number; message: string };
}

export type AutoscaleResult =
  | {
      outcome: 'unchanged' | 'scaled' | 'dry-run';
      current: number;
      desired: number;
      decision: Decision;
      load: QueueLoadReading;
      /** With a Worker Deployment: the split decided (`desired` is then its total count). */
      split?: SplitDecision;
      splitsBefore?: InstanceSplit[];
    }
  | { outcome: 'error'; error: unknown };

/**
 * Runs one decision against Temporal and Cloud Run. Never throws for a failed read or write: it logs the error
 * and returns `{ outcome: 'error' }` (the next scheduled run tries again).
 *
 * @example
 * ```ts
 * const result = await runAutoscaler({ ...autoscalerSettingsFromEnv(), dryRun: true });
 * ```
 */
export async function runAutoscaler(options: AutoscalerOptions): Promise<AutoscaleResult> {
  // Explicit settings only: no other variable and no profile file (the env contract is the whole input).
  const config = resolveTemporalConfig({ ...options.temporal, configSource: { data: '[profile.default]\n' } }, {});
  const log = options.log ?? ((line: DecisionLog) => process.stdout.write(JSON.stringify(line) + '\n'));
  const base = { target: options.target, taskQueue: config.taskQueue, dryRun: options.dryRun };
  const target = new CloudRunTarget({ name: options.target, ...options.targetOptions });
  let load: QueueLoadReading | undefined;
  try {
    const client = options.client ?? (await clientFor(config));
    load = await readQueueLoad(client, config.namespace, config.taskQueue, {
      timeoutMs: options.temporalCallTimeoutMs,
    });
    const now = Math.floor((options.now ?? (() => Date.now() / 1000))());
    const measured = load;
    const deployment = options.workerDeployment && target.kind === 'workerPool' ? options.workerDeployment : undefined;
    const versions = deployment
      ? await readDeploymentVersions(client, config.namespace, deployment, config.taskQueue, {
          timeoutMs: options.temporalCallTimeoutMs,
        })
      : undefined;
    const outcome = await target.update(
      (snapshot) => {
        if (!versions) {
          const decision = decide(measured, snapshot.count, snapshot.state, options.policy, now);
          return { count: decision.desired, state: decision.state, decision, split: undefined };
        }
        const split = planSplit({
          pool: options.target.split('/').pop()!,
          versions,
          revisions: snapshot.revisions ?? [],
          latestReadyRevision: snapshot.latestReadyRevision,
          count: snapshot.count,
          splits: snapshot.splits,
          queue: measured,
          state: snapshot.state,
          policy: options.policy,
          now,
        });
        return { count: split.count, state: split.current.state, splits: split.splits, decision: split.current, split };
      },
      { dryRun: options.dryRun, revisions: versions !== undefined },
    );
    const { decision, split } = outcome.plan;
    const current = outcome.before.count;
    const desired = outcome.plan.count;
    const splitsChanged = split !== undefined && !sameSplits(split.splits, outcome.before.splits);
    const changed = desired !== current || splitsChanged;
    const what = splitsChanged
      ? `${current} -> ${desired}, split ${describeSplits(split.splits)}`
      : `${current} -> ${desired}`;
    log({
      ...base,
      severity: changed && outcome.write === 'written' ? 'NOTICE' : 'INFO',
      message: changed
        ? `${outcome.write === 'written' ? 'scaled' : 'would scale'} ${what} (${decision.reason})`
        : `keep ${current} (${decision.reason})`,
      load,
      current,
      recommended: decision.recommended,
      desired,
      reason: decision.reason,
      write: outcome.write,
      attempts: outcome.attempts,
      ...(versions
        ? {
            versions,
            splitsBefore: outcome.before.splits,
            splits: split?.splits,
            allocations: split?.allocations,
            dropped: split?.dropped,
          }
        : {}),
      ...(deployment && !versions ? { deploymentNotFound: deployment } : {}),
    });
    const result = changed ? (outcome.write === 'written' ? 'scaled' : 'dry-run') : 'unchanged';
    return {
      outcome: result,
      current,
      desired,
      decision,
      load,
      ...(split ? { split, splitsBefore: outcome.before.splits } : {}),
    };
  } catch (error) {
    const e = error as { name?: string; code?: unknown; message?: string };
    log({
      ...base,
      severity: 'ERROR',
      message: `autoscaler failed: ${e?.message ?? String(error)}`,
      load,
      error: {
        name: e?.name ?? 'Error',
        code: typeof e?.code === 'number' ? e.code : undefined,
        message: e?.message ?? String(error),
      },
    });
    return { outcome: 'error', error };
  } finally {
    await target.close().catch(() => undefined);
  }
}

function describeSplits(splits: InstanceSplit[]): string {
  return splits.map((s) => `${s.latest ? 'latest' : s.revision}=${s.percent}%`).join(',');
}

/** The policy in force, for documentation and logs. */
export type { ScalingPolicy };
