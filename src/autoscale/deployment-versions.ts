// Reads a Worker Deployment's versions from Temporal: each version's status and drainage info
// (DescribeWorkerDeployment), and the backlog of each version that may hold instances on the autoscaler's task
// queue (DescribeWorkerDeploymentVersion with task queue stats).
import type { Client } from '@temporalio/client';
// The default import for values: @temporalio/proto is CommonJS, and ESM cannot name its exports.
import proto, { type temporal } from '@temporalio/proto';
import { GrpcStatus } from '../client/grpc-errors';
import { toNumber } from './queue-load';
import { DEFAULT_TEMPORAL_CALL_TIMEOUT_MS, withCallDeadline } from './temporal-deadline';
import type { VersionReading, VersionStatus } from './version-split';

const { WorkerDeploymentVersionStatus: S, VersionDrainageStatus: D } = proto.temporal.api.enums.v1;
type Summary = temporal.api.deployment.v1.WorkerDeploymentInfo.IWorkerDeploymentVersionSummary;

const STATUS: Record<number, VersionStatus> = {
  [S.WORKER_DEPLOYMENT_VERSION_STATUS_CURRENT]: 'current',
  [S.WORKER_DEPLOYMENT_VERSION_STATUS_RAMPING]: 'ramping',
  [S.WORKER_DEPLOYMENT_VERSION_STATUS_DRAINING]: 'draining',
  [S.WORKER_DEPLOYMENT_VERSION_STATUS_DRAINED]: 'drained',
  [S.WORKER_DEPLOYMENT_VERSION_STATUS_INACTIVE]: 'inactive',
  [S.WORKER_DEPLOYMENT_VERSION_STATUS_CREATED]: 'inactive',
};

/** The deployment's versions, or `undefined` when no worker has registered the deployment yet. */
export async function readDeploymentVersions(
  client: Client,
  namespace: string,
  deploymentName: string,
  taskQueue: string,
  { timeoutMs = DEFAULT_TEMPORAL_CALL_TIMEOUT_MS }: { timeoutMs?: number } = {},
): Promise<VersionReading[] | undefined> {
  const call = <T>(name: string, fn: () => Promise<T>) => withCallDeadline(client, name, timeoutMs, fn);
  let info: temporal.api.deployment.v1.IWorkerDeploymentInfo | null | undefined;
  try {
    const res = await call('DescribeWorkerDeployment', () =>
      client.workflowService.describeWorkerDeployment({ namespace, deploymentName }),
    );
    info = res.workerDeploymentInfo;
  } catch (err) {
    if ((err as { code?: unknown }).code === GrpcStatus.NOT_FOUND) return undefined;
    throw err;
  }
  const routing = info?.routingConfig;
  const currentId = routing?.currentDeploymentVersion?.buildId ?? undefined;
  const rampingId = routing?.rampingDeploymentVersion?.buildId ?? undefined;
  const versions = (info?.versionSummaries ?? [])
    .map((s) => fromSummary(s, deploymentName, currentId, rampingId))
    .filter((v) => v.buildId !== '');
  // Backlogs only for the versions that may hold instances: a drained or inactive version's is not used.
  await Promise.all(
    versions
      .filter((v) => v.status !== 'drained' && v.status !== 'inactive')
      .map(async (v) => {
        const res = await call('DescribeWorkerDeploymentVersion', () =>
          client.workflowService.describeWorkerDeploymentVersion({
            namespace,
            deploymentVersion: { deploymentName, buildId: v.buildId },
            reportTaskQueueStats: true,
          }),
        );
        v.backlog = (res.versionTaskQueues ?? [])
          .filter((q) => q.name === taskQueue)
          .reduce((sum, q) => sum + toNumber(q.stats?.approximateBacklogCount), 0);
        const drainage = drainageOf(res.workerDeploymentVersionInfo?.drainageInfo);
        if (drainage) v.drainage = drainage;
      }),
  );
  return versions;
}

function fromSummary(s: Summary, deploymentName: string, currentId?: string, rampingId?: string): VersionReading {
  // Servers before `deployment_version` named a version `<deployment>.<build id>`.
  const legacy = s.version?.startsWith(`${deploymentName}.`) ? s.version.slice(deploymentName.length + 1) : '';
  const buildId = s.deploymentVersion?.buildId || legacy;
  // The routing config is the source of truth for current and ramping; the summary's status for the rest.
  const status: VersionStatus =
    buildId === currentId
      ? 'current'
      : buildId === rampingId
        ? 'ramping'
        : (STATUS[s.status ?? 0] ?? drainageStatus(s.drainageInfo?.status ?? s.drainageStatus) ?? 'unknown');
  const drainage = drainageOf(s.drainageInfo ?? (s.drainageStatus ? { status: s.drainageStatus } : undefined));
  return { buildId, status, ...(drainage ? { drainage } : {}), backlog: 0 };
}

function drainageOf(info: temporal.api.deployment.v1.IVersionDrainageInfo | null | undefined) {
  if (!info) return undefined;
  const checked = info.lastCheckedTime?.seconds;
  return {
    status: drainageStatus(info.status) ?? ('unspecified' as const),
    ...(checked !== undefined && checked !== null ? { lastCheckedTime: toNumber(checked) } : {}),
  };
}

function drainageStatus(status: number | null | undefined): 'draining' | 'drained' | undefined {
  if (status === D.VERSION_DRAINAGE_STATUS_DRAINING) return 'draining';
  if (status === D.VERSION_DRAINAGE_STATUS_DRAINED) return 'drained';
  return undefined;
}
