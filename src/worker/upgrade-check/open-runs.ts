// Reads what the upgrade check needs of the open runs, with reads only: visibility lists, the run's first history
// event, and its queries. Nothing here starts, signals, updates or changes a run.
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
// eslint-disable-next-line no-restricted-imports -- the client's own decode (codecs, then converter) is not exported from the root
import { decodeFromPayloadsAtIndex } from '@temporalio/common/lib/internal-non-workflow/codec-helpers.js';
import { FLOW_SEARCH_ATTRIBUTE, WORKFLOW_TYPE } from '../../common/defaults';
import type { FlowRunRequest, JournalEntry } from '../../common/types';
import { grpcCodeOf, GrpcStatus } from '../../client/grpc-errors';
import { journalPageQuery, progressQuery } from '../../client/run-messages';

/** How the runs were found: by the `GenkitFlow` search attribute, or (not registered) all runs and their memo. */
export type ListedBy = 'search-attribute' | 'memo';

export interface OpenRun {
  workflowId: string;
  runId: string;
  flowName: string;
}

/** Visibility queries quote values with double quotes; names are escaped, never trusted. */
const quoted = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * The open runs of `flowNames` (at most `maxRuns` per flow), by the flow search attribute; in a namespace without
 * it, every open `runGenkitFlow` run is listed and its flow read from the `genkitFlow` memo.
 */
export async function listOpenRuns(
  client: Client,
  flowNames: string[],
  maxRuns: number,
): Promise<{ runs: OpenRun[]; listedBy: ListedBy }> {
  const open = [`WorkflowType = ${quoted(WORKFLOW_TYPE)}`, 'ExecutionStatus = "Running"'];
  const byAttribute = [...open, `${FLOW_SEARCH_ATTRIBUTE} IN (${flowNames.map(quoted).join(', ')})`].join(' AND ');
  try {
    return {
      runs: await list(client, byAttribute, flowNames, maxRuns, 'search-attribute'),
      listedBy: 'search-attribute',
    };
  } catch (err) {
    if (grpcCodeOf(err) !== GrpcStatus.INVALID_ARGUMENT || (await hasFlowAttribute(client)) !== false) throw err;
    return { runs: await list(client, open.join(' AND '), flowNames, maxRuns, 'memo'), listedBy: 'memo' };
  }
}

async function list(client: Client, query: string, flowNames: string[], maxRuns: number, by: ListedBy) {
  const runs: OpenRun[] = [];
  const perFlow = new Map<string, number>();
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.workflowService.listWorkflowExecutions({
      namespace: client.options.namespace,
      query,
      pageSize: 1000,
      nextPageToken,
    });
    for (const info of page.executions ?? []) {
      const workflowId = info.execution?.workflowId ?? '';
      const flowName =
        by === 'search-attribute'
          ? keyword(info.searchAttributes?.indexedFields?.[FLOW_SEARCH_ATTRIBUTE])
          : await memoFlowName(client, workflowId, info.memo?.fields?.genkitFlow);
      if (!flowName || !flowNames.includes(flowName)) continue;
      const count = perFlow.get(flowName) ?? 0;
      if (count >= maxRuns) continue;
      perFlow.set(flowName, count + 1);
      runs.push({ workflowId, runId: info.execution?.runId ?? '', flowName });
    }
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken && flowNames.some((f) => (perFlow.get(f) ?? 0) < maxRuns));
  return runs;
}

/** Whether the namespace has the flow search attribute (`undefined` when the operator API cannot tell). */
async function hasFlowAttribute(client: Client): Promise<boolean | undefined> {
  return client.connection.operatorService
    .listSearchAttributes({ namespace: client.options.namespace })
    .then((r) => FLOW_SEARCH_ATTRIBUTE in (r.customAttributes ?? {}))
    .catch(() => undefined);
}

/** A keyword search attribute's value (search attributes are plain JSON payloads, never codec-encoded). */
function keyword(payload: Payload | null | undefined): string | undefined {
  if (!payload?.data) return undefined;
  const value: unknown = JSON.parse(Buffer.from(payload.data).toString('utf8'));
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

async function memoFlowName(client: Client, workflowId: string, payload: Payload | null | undefined) {
  if (!payload) return undefined;
  const context = { type: 'workflow' as const, namespace: client.options.namespace, workflowId };
  const value = await decodeFromPayloadsAtIndex<unknown>(client.options.loadedDataConverter, 0, [payload], context);
  return typeof value === 'string' ? value : undefined;
}

/**
 * Whether the run is pinned to its Worker Deployment Version (by its flow's `versioning: 'pinned'`, or by an
 * override): such a run finishes on the build that started it, so a new build's code never replays it.
 */
export async function isPinned(client: Client, run: OpenRun): Promise<boolean> {
  const { workflowExecutionInfo } = await client.workflowService.describeWorkflowExecution({
    namespace: client.options.namespace,
    execution: { workflowId: run.workflowId, runId: run.runId },
  });
  const info = workflowExecutionInfo?.versioningInfo;
  const PINNED = proto.temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_PINNED;
  return (
    info?.behavior === PINNED || info?.versioningOverride?.behavior === PINNED || !!info?.versioningOverride?.pinned
  );
}

/** What a run was started with (its workflow input): the flow's input and context. */
export async function readRunRequest(client: Client, run: OpenRun): Promise<FlowRunRequest> {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId: run.workflowId, runId: run.runId },
    maximumPageSize: 1,
  });
  const payloads = history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  const context = { type: 'workflow' as const, namespace: client.options.namespace, workflowId: run.workflowId };
  return decodeFromPayloadsAtIndex<FlowRunRequest>(client.options.loadedDataConverter, 0, payloads, context);
}

/** The run's journal (page by page) and the inputs it waits for, by query (a worker of the run's queue answers). */
export async function readRunJournal(
  handle: WorkflowHandle,
  timeoutMs: number,
): Promise<{ entries: JournalEntry[]; waitingFor: string[] }> {
  const deadline = () => Date.now() + timeoutMs;
  const progress = await handle.client.withDeadline(deadline(), () => handle.query(progressQuery));
  const entries: JournalEntry[] = [];
  for (let from: number | undefined = 0; from !== undefined;) {
    const page = await handle.client.withDeadline(deadline(), () => handle.query(journalPageQuery, from!));
    entries.push(...page.entries);
    from = page.next;
  }
  return { entries, waitingFor: progress.pendingInputs.map((p) => p.name) };
}
