// Reads a task queue's load from Temporal: the backlog (describeTaskQueue with reportStats, workflow and
// activity queues) and the work in flight (running workflows on the queue, from visibility).
import type { Client } from '@temporalio/client';
// The default import for values: @temporalio/proto is CommonJS, and ESM cannot name its exports.
import proto, { type temporal } from '@temporalio/proto';
import type { QueueLoad } from './policy';
import { DEFAULT_TEMPORAL_CALL_TIMEOUT_MS, withCallDeadline } from './temporal-deadline';

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
 * A task queue that no worker has polled recently and that holds no run at all (within the namespace's retention):
 * almost always a typo in the queue or namespace name, which would otherwise read as an idle queue and be scaled
 * to zero.
 */
export class UnknownTaskQueueError extends Error {
  override readonly name = 'UnknownTaskQueueError';
  constructor(
    readonly namespace: string,
    readonly taskQueue: string,
  ) {
    super(
      `autoscaler: task queue "${taskQueue}" in namespace "${namespace}" has no worker polling it and has never had ` +
        'a run; nothing was written. Check that TEMPORAL_TASK_QUEUE and TEMPORAL_NAMESPACE name the queue your ' +
        'workers poll (the worker logs its task queue at start)',
    );
  }
}

/**
 * Reads the backlog of the workflow and activity queues and the number of running workflows on `taskQueue`.
 * The backlog is approximate (just after writes it may lag by a task or two). Every call has a deadline
 * (`timeoutMs` each; then {@link TemporalCallTimeoutError}). A queue with nothing at all on it (no poller, no run
 * ever) is an {@link UnknownTaskQueueError}, not an idle queue.
 *
 * @example
 * ```ts
 * const load = await readQueueLoad(await getTemporalClient(), 'default', 'genkit');
 * // { backlog: 20, inFlight: 20, workflowBacklog: 20, activityBacklog: 0, statsMode: 'default' }
 * ```
 */
export async function readQueueLoad(
  client: Client,
  namespace: string,
  taskQueue: string,
  { timeoutMs = DEFAULT_TEMPORAL_CALL_TIMEOUT_MS }: { timeoutMs?: number } = {},
): Promise<QueueLoadReading> {
  const call = <T>(name: string, fn: () => Promise<T>) => withCallDeadline(client, name, timeoutMs, fn);
  const [workflow, activity, running] = await Promise.all([
    backlogOf(client, call, namespace, taskQueue, TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW),
    backlogOf(client, call, namespace, taskQueue, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY),
    call('CountWorkflowExecutions', () =>
      client.workflow.count(`TaskQueue = ${quote(taskQueue)} AND ExecutionStatus = 'Running'`),
    ),
  ]);
  const idle = workflow.count + activity.count + running.count === 0 && !workflow.polled && !activity.polled;
  if (idle) {
    const ever = await call('CountWorkflowExecutions', () => client.workflow.count(`TaskQueue = ${quote(taskQueue)}`));
    if (ever.count === 0) throw new UnknownTaskQueueError(namespace, taskQueue);
  }
  return {
    backlog: workflow.count + activity.count,
    inFlight: running.count,
    workflowBacklog: workflow.count,
    activityBacklog: activity.count,
    statsMode: workflow.mode === 'enhanced' || activity.mode === 'enhanced' ? 'enhanced' : 'default',
  };
}

type DeadlineCall = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

async function backlogOf(
  client: Client,
  call: DeadlineCall,
  namespace: string,
  name: string,
  type: temporal.api.enums.v1.TaskQueueType,
): Promise<{ count: number; mode: 'default' | 'enhanced'; polled: boolean }> {
  const taskQueue = { name, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL };
  const describe = (request: temporal.api.workflowservice.v1.IDescribeTaskQueueRequest) =>
    call('DescribeTaskQueue', () => client.workflowService.describeTaskQueue(request));
  const res = await describe({ namespace, taskQueue, taskQueueType: type, reportStats: true });
  // The server remembers the pollers of the last few minutes.
  const polled = (res.pollers?.length ?? 0) > 0;
  if (res.stats) return { count: toNumber(res.stats.approximateBacklogCount), mode: 'default', polled };
  // Servers before 1.28 report stats only in the deprecated ENHANCED mode, per type, under the unversioned queue.
  const enhanced = await describe({
    namespace,
    taskQueue,
    apiMode: DescribeTaskQueueMode.DESCRIBE_TASK_QUEUE_MODE_ENHANCED,
    taskQueueTypes: [type],
    reportStats: true,
  });
  return { count: enhancedBacklog(enhanced, type), mode: 'enhanced', polled };
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
