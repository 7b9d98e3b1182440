// Reads a task queue's load from Temporal: the backlog (describeTaskQueue with reportStats, workflow and
// activity queues) and the work in flight (running workflows on the queue, from visibility).
import type { Client } from '@temporalio/client';
// The default import for values: @temporalio/proto is CommonJS, and ESM cannot name its exports.
import proto, { type temporal } from '@temporalio/proto';
import type { QueueLoad } from './policy';

const { TaskQueueKind, TaskQueueType, DescribeTaskQueueMode } = proto.temporal.api.enums.v1;
type DescribeResponse = temporal.api.workflowservice.v1.IDescribeTaskQueueResponse;

/** The load and where each number came from (logged with every decision). */
export interface QueueLoadReading extends QueueLoad {
  workflowBacklog: number;
  activityBacklog: number;
  /** `default` when the server reports `stats` (server ≥ 1.28), `enhanced` for the deprecated mode (1.25–1.27). */
  statsMode: 'default' | 'enhanced';
}

/**
 * Reads the backlog of the workflow and activity queues and the number of running workflows on `taskQueue`.
 * The backlog is approximate (just after writes it may lag by a task or two).
 *
 * @example
 * ```ts
 * const load = await readQueueLoad(await getTemporalClient(), 'default', 'genkit');
 * // { backlog: 20, inFlight: 20, workflowBacklog: 20, activityBacklog: 0, statsMode: 'default' }
 * ```
 */
export async function readQueueLoad(client: Client, namespace: string, taskQueue: string): Promise<QueueLoadReading> {
  const [workflow, activity, running] = await Promise.all([
    backlogOf(client, namespace, taskQueue, TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW),
    backlogOf(client, namespace, taskQueue, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY),
    client.workflow.count(`TaskQueue = ${quote(taskQueue)} AND ExecutionStatus = 'Running'`),
  ]);
  return {
    backlog: workflow.count + activity.count,
    inFlight: running.count,
    workflowBacklog: workflow.count,
    activityBacklog: activity.count,
    statsMode: workflow.mode === 'enhanced' || activity.mode === 'enhanced' ? 'enhanced' : 'default',
  };
}

async function backlogOf(
  client: Client,
  namespace: string,
  name: string,
  type: temporal.api.enums.v1.TaskQueueType,
): Promise<{ count: number; mode: 'default' | 'enhanced' }> {
  const taskQueue = { name, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL };
  const res = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue,
    taskQueueType: type,
    reportStats: true,
  });
  if (res.stats) return { count: toNumber(res.stats.approximateBacklogCount), mode: 'default' };
  // Servers before 1.28 report stats only in the deprecated ENHANCED mode, per type, under the unversioned queue.
  const enhanced = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue,
    apiMode: DescribeTaskQueueMode.DESCRIBE_TASK_QUEUE_MODE_ENHANCED,
    taskQueueTypes: [type],
    reportStats: true,
  });
  return { count: enhancedBacklog(enhanced, type), mode: 'enhanced' };
}

/** The unversioned queue's backlog for one type from an ENHANCED-mode answer (`typesInfo` is keyed by type). */
export function enhancedBacklog(res: DescribeResponse, type: number): number {
  const stats = res.versionsInfo?.['']?.typesInfo?.[String(type)]?.stats;
  return toNumber(stats?.approximateBacklogCount);
}

/** A protobuf int64 (a `Long`, a number or a decimal string) as a number; absent is 0. */
export function toNumber(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  if (typeof (value as { toNumber?: unknown }).toNumber === 'function')
    return (value as { toNumber(): number }).toNumber();
  throw new TypeError(`autoscaler: not an int64: ${String(value)}`);
}

/** A visibility query string literal. */
function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
