// Worker Deployment operations for a rollout: make a worker version current once its workers poll, and read a
// version's state (current, draining, drained), through the WorkflowService calls (the TypeScript client has no
// worker deployment API of its own).
import type { Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { resolveTemporalConfig, type TemporalConnectionOptions } from './config';
import { clientFor } from './connection';
import { grpcCodeOf, GrpcStatus } from './grpc-errors';
import { msFromDuration } from '../common/retry-math';

/** A version of a Worker Deployment: the deployment (worker service) and one build of it. */
export interface WorkerVersionRef extends TemporalConnectionOptions {
  deploymentName: string;
  buildId: string;
  /** Use this client instead of the shared cached one. */
  client?: Client;
}

/** Where a version stands: `CURRENT` takes new runs; `DRAINING` still has pinned runs open; `DRAINED` has none. */
export type WorkerVersionStatus =
  'CREATED' | 'CURRENT' | 'RAMPING' | 'DRAINING' | 'DRAINED' | 'INACTIVE' | 'UNSPECIFIED';

export interface WorkerVersionDescription {
  deploymentName: string;
  buildId: string;
  status: WorkerVersionStatus;
  /** The server's drainage check of a version that is no longer current (refreshed every few minutes by default). */
  drainage?: 'DRAINING' | 'DRAINED';
  /** The task queues its workers poll. */
  taskQueues: string[];
}

/** The version was never polled by a worker, or its workers stopped polling, within the wait. */
export class WorkerVersionNotPolledError extends Error {
  override readonly name = 'WorkerVersionNotPolledError';
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

const STATUSES = ['UNSPECIFIED', 'INACTIVE', 'CURRENT', 'RAMPING', 'DRAINING', 'DRAINED', 'CREATED'] as const;

/** The version's state, or undefined when no worker of it has polled yet (the server does not know it). */
export async function describeWorkerVersion(ref: WorkerVersionRef): Promise<WorkerVersionDescription | undefined> {
  const config = resolveTemporalConfig(ref);
  const client = ref.client ?? (await clientFor(config));
  try {
    const { workerDeploymentVersionInfo: info, versionTaskQueues } =
      await client.workflowService.describeWorkerDeploymentVersion({
        namespace: client.options.namespace,
        deploymentVersion: { deploymentName: ref.deploymentName, buildId: ref.buildId },
      });
    const drainage = info?.drainageInfo?.status;
    return {
      deploymentName: ref.deploymentName,
      buildId: ref.buildId,
      status: STATUSES[info?.status ?? 0] ?? 'UNSPECIFIED',
      drainage: drainage === 1 ? 'DRAINING' : drainage === 2 ? 'DRAINED' : undefined,
      taskQueues: [...new Set((versionTaskQueues ?? []).map((q) => q.name ?? ''))].filter(Boolean),
    };
  } catch (err) {
    if (grpcCodeOf(err) === GrpcStatus.NOT_FOUND) return undefined;
    throw err;
  }
}

export interface SetCurrentWorkerVersionOptions extends WorkerVersionRef {
  /** How long to wait for the version's workers to poll before giving up. @default '60s' */
  waitForPollers?: Duration;
  /** Recorded as who changed the routing. @default 'genkitx-temporal' */
  identity?: string;
}

/**
 * Makes `buildId` the current version of the deployment: new runs (and auto-upgrade runs at their next task) go
 * to its workers; runs pinned to the version that was current stay there until they finish. Waits until the
 * version has pollers (the server refuses a version nobody polls: runs would wait for workers that do not exist).
 * Idempotent: a version that is already current is left as it is.
 * @throws WorkerVersionNotPolledError when no worker of the version polled within `waitForPollers`
 */
export async function setCurrentWorkerVersion(
  options: SetCurrentWorkerVersionOptions,
): Promise<{ previousBuildId?: string; waitedMs: number }> {
  const config = resolveTemporalConfig(options);
  const client = options.client ?? (await clientFor(config));
  const started = Date.now();
  const deadline = started + msFromDuration(options.waitForPollers ?? '60s');
  for (;;) {
    try {
      const response = await client.workflowService.setWorkerDeploymentCurrentVersion({
        namespace: client.options.namespace,
        deploymentName: options.deploymentName,
        buildId: options.buildId,
        identity: options.identity ?? 'genkitx-temporal',
      });
      const previous = response.previousDeploymentVersion?.buildId || undefined;
      return { previousBuildId: previous, waitedMs: Date.now() - started };
    } catch (err) {
      // No worker of the version has polled yet (NOT_FOUND: unknown deployment or version; FAILED_PRECONDITION:
      // the server saw no pollers of it): wait for one, until the deadline.
      const code = grpcCodeOf(err);
      if (code !== GrpcStatus.NOT_FOUND && code !== GrpcStatus.FAILED_PRECONDITION) throw err;
      if (Date.now() >= deadline) {
        throw new WorkerVersionNotPolledError(
          `no worker of build "${options.buildId}" (deployment "${options.deploymentName}") polled namespace ` +
            `"${client.options.namespace}" within ${Math.round((Date.now() - started) / 1000)} s, so it was not made ` +
            `current (${(err as Error).message}). Check that the new workers run with versioning on and this ` +
            'deployment name and build ID.',
          err,
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
