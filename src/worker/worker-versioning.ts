// Worker Versioning for the flow workers: the worker runs as one version (deployment name + build ID) of a Worker
// Deployment, and each flow's runs are pinned to the version that started them or move to the current one
// (`versioning` of the flow; the workflow reports it per run, see src/workflows/versioning.ts).
import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import type { FlowVersioning } from '../common/types';
import { grpcCodeOf, GrpcStatus } from '../client/grpc-errors';

/** Run the worker as a Worker Deployment Version. */
export interface WorkerVersioningOptions {
  /** The Worker Deployment: one per worker service (e.g. the Cloud Run service or worker pool's name). */
  deploymentName: string;
  /** This build of the worker (e.g. the Cloud Run revision or the image digest): one version per build. */
  buildId: string;
  /** The behaviour of runs whose flow sets no `versioning` (and of your own workflows). @default 'auto-upgrade' */
  defaultBehavior?: FlowVersioning;
}

/** Worker Versioning is configured by halves or twice: the worker does not start. */
export class WorkerVersioningConfigError extends Error {
  override readonly name = 'WorkerVersioningConfigError';
}

/** The server or namespace does not offer Worker Deployments: a versioned worker would never get a task. */
export class WorkerVersioningUnavailableError extends Error {
  override readonly name = 'WorkerVersioningUnavailableError';
}

/** The worker options with `versioning` applied (the worker's `workerDeploymentOptions`). */
export function withWorkerVersioning(
  options: WorkerOptions,
  versioning: WorkerVersioningOptions | undefined,
): WorkerOptions {
  if (!versioning) return withoutUnversionedDeployment(options);
  if (options.workerDeploymentOptions) {
    throw new WorkerVersioningConfigError(
      'Worker Versioning is set twice: `versioning` and `workerDeploymentOptions`. Use one of them.',
    );
  }
  const missing = (['deploymentName', 'buildId'] as const).filter(
    (key) => typeof versioning[key] !== 'string' || !versioning[key].trim(),
  );
  if (missing.length) {
    throw new WorkerVersioningConfigError(
      `Worker Versioning needs a deployment name and a build ID; ${missing.join(' and ')} ` +
        `${missing.length > 1 ? 'are' : 'is'} missing (got ${JSON.stringify(versioning)}). A versioned worker ` +
        'without them would take no task: leave `versioning` unset to run unversioned.',
    );
  }
  const behavior = versioning.defaultBehavior ?? 'auto-upgrade';
  if (behavior !== 'pinned' && behavior !== 'auto-upgrade') {
    throw new WorkerVersioningConfigError(`defaultBehavior must be 'pinned' or 'auto-upgrade', got "${behavior}"`);
  }
  return {
    ...options,
    workerDeploymentOptions: {
      version: { deploymentName: versioning.deploymentName.trim(), buildId: versioning.buildId.trim() },
      useWorkerVersioning: true,
      defaultVersioningBehavior: behavior === 'pinned' ? 'PINNED' : 'AUTO_UPGRADE',
    },
  };
}

/**
 * A deployment version on a worker that does not use versioning only labels its tasks, but the server then
 * refuses the versioning behaviour a pinned flow reports and its run never gets past its first workflow task.
 * The flows need one rule per worker: a version means versioning on. The label is dropped, with a warning.
 */
function withoutUnversionedDeployment(options: WorkerOptions): WorkerOptions {
  if (!options.workerDeploymentOptions || options.workerDeploymentOptions.useWorkerVersioning) return options;
  console.warn(
    '[genkitx-temporal] workerDeploymentOptions with useWorkerVersioning: false are ignored on a flow worker ' +
      '(the server refuses the behaviour of pinned flows from an unversioned worker that reports a version). ' +
      'Turn versioning on with `versioning: { deploymentName, buildId }`, or leave the deployment options out.',
  );
  const { workerDeploymentOptions: _dropped, ...rest } = options;
  return rest;
}

/**
 * Fails the start when the server cannot run versioned workers (too old, or Worker Deployments turned off for the
 * namespace): such a worker polls without error and never gets a task. A deployment that does not exist yet is
 * fine (the first version creates it).
 */
export async function assertWorkerVersioningAvailable(
  connection: NativeConnection,
  namespace: string,
  deploymentName: string,
): Promise<void> {
  try {
    await connection.workflowService.describeWorkerDeployment({ namespace, deploymentName });
  } catch (err) {
    const code = grpcCodeOf(err);
    if (code === GrpcStatus.NOT_FOUND) return;
    if (
      code === GrpcStatus.UNIMPLEMENTED ||
      code === GrpcStatus.FAILED_PRECONDITION ||
      code === GrpcStatus.PERMISSION_DENIED
    ) {
      throw new WorkerVersioningUnavailableError(
        `Worker Versioning is on (deployment "${deploymentName}") but namespace "${namespace}" does not offer ` +
          `Worker Deployments: ${(err as Error).message}. Use a server that has them (Temporal Server 1.28 or ` +
          'later with system.enableDeploymentVersions, or Temporal Cloud), or run the worker unversioned.',
      );
    }
    throw err;
  }
}
