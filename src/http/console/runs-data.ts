// Data access of the run console: a page of runs from Temporal visibility, and one run with its journal, its
// attempts and its pending inputs. Reads only; answers go through `provideFlowInput` like the API's.
import type { Client } from '@temporalio/client';
import { FLOW_SEARCH_ATTRIBUTE, PRINCIPAL_SEARCH_ATTRIBUTE, WORKFLOW_TYPE } from '../../defaults';
import { getFlowRun, type FlowRun } from '../../flow-runs';
import { journalPageQuery, progressQuery } from '../../run-messages';
import type { JournalEntry } from '../../types';
import { keywordOf, timestampMs } from './payloads';
import { readRunTimings, type AttemptTiming, type StepTiming } from './run-history';

/** One row of the run list. */
export interface RunRow {
  workflowId: string;
  runId: string;
  flowName?: string;
  /** Temporal's status, or WAITING for a running run that waits for input. */
  status: string;
  startedAt?: number;
  closedAt?: number;
  /** The flow attempt, for running runs (read from the run itself). */
  attempt?: number;
}

export interface RunListPage {
  rows: RunRow[];
  /** Opaque token of the next page, when there is one. */
  next?: string;
}

/** Who may see what: the exposed flow names, and the principal's ID unless the caller sees every run. */
export interface RunScope {
  flowNames: string[];
  principalId?: string;
}

/** Visibility queries quote values with double quotes; names and IDs are escaped, never trusted. */
const quoted = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

const STATUS_NAMES: Record<number, string> = {
  1: 'RUNNING',
  2: 'COMPLETED',
  3: 'FAILED',
  4: 'CANCELLED',
  5: 'TERMINATED',
  6: 'CONTINUED_AS_NEW',
  7: 'TIMED_OUT',
  8: 'PAUSED',
};

/**
 * A page of the runs of the exposed flows (and of the principal, unless it sees every run), in Temporal's
 * visibility order: running runs first, newest first, then ended runs, most recently ended first.
 */
export async function listRuns(
  client: Client,
  scope: RunScope,
  options: { pageSize: number; pageToken?: string; flowName?: string },
): Promise<RunListPage> {
  const flowNames = options.flowName ? scope.flowNames.filter((f) => f === options.flowName) : scope.flowNames;
  if (!flowNames.length) return { rows: [] };
  const clauses = [
    `WorkflowType = ${quoted(WORKFLOW_TYPE)}`,
    `${FLOW_SEARCH_ATTRIBUTE} IN (${flowNames.map(quoted).join(', ')})`,
    ...(scope.principalId !== undefined ? [`${PRINCIPAL_SEARCH_ATTRIBUTE} = ${quoted(scope.principalId)}`] : []),
  ];
  const response = await client.workflowService.listWorkflowExecutions({
    namespace: client.options.namespace,
    pageSize: options.pageSize,
    nextPageToken: options.pageToken ? Buffer.from(options.pageToken, 'base64url') : undefined,
    query: clauses.join(' AND '),
  });
  const rows: RunRow[] = (response.executions ?? []).map((info) => ({
    workflowId: info.execution?.workflowId ?? '',
    runId: info.execution?.runId ?? '',
    flowName: keywordOf(info.searchAttributes?.indexedFields?.[FLOW_SEARCH_ATTRIBUTE]),
    status: STATUS_NAMES[Number(info.status)] ?? 'UNKNOWN',
    startedAt: timestampMs(info.startTime),
    closedAt: timestampMs(info.closeTime),
  }));
  await Promise.all(rows.filter((r) => r.status === 'RUNNING').map((row) => addProgress(client, row)));
  const token = response.nextPageToken;
  return { rows, next: token?.length ? Buffer.from(token).toString('base64url') : undefined };
}

/** A running run's attempt and whether it waits for input (left out when no worker answers in time). */
async function addProgress(client: Client, row: RunRow): Promise<void> {
  const progress = await client.connection
    .withDeadline(Date.now() + 2_000, () => client.workflow.getHandle(row.workflowId).query(progressQuery))
    .catch(() => undefined);
  if (!progress) return;
  row.attempt = progress.attempt;
  if (progress.status === 'waiting') row.status = 'WAITING';
}

/** One step of the timeline: the journal entry and what the history says about it. */
export interface TimelineStep extends StepTiming {
  entry: JournalEntry;
  /** Later attempts that claimed the journal after the step was recorded: they replayed it, not ran it. */
  replayedBy: number[];
}

/** Everything the run page shows. */
export interface RunDetails {
  run: FlowRun;
  steps: TimelineStep[];
  /** The journal could not be read (no worker answered the query). */
  journalUnavailable: boolean;
  attempts: AttemptTiming[];
  /** Timings were not read (history too long, or unreadable). */
  timingsUnavailable: boolean;
  answers: Map<string, number>;
}

/** The run, its journal (in pages) and its attempts. */
export async function loadRunDetails(client: Client, workflowId: string, historyLength: number): Promise<RunDetails> {
  const handle = client.workflow.getHandle(workflowId);
  const [run, journal, timings] = await Promise.all([
    getFlowRun(workflowId, { client }),
    readJournal(client, workflowId),
    readRunTimings(client, handle, historyLength),
  ]);
  const attempts = timings?.attempts ?? [];
  const steps = (journal ?? []).map((entry): TimelineStep => {
    const timing: StepTiming = { ...timings?.steps.get(entry.key) };
    // A slow step journals its start; runs of older versions sent it in a signal (read from history).
    if (entry.startedAt) timing.startedAt = Date.parse(entry.startedAt) || timing.startedAt;
    const recordedAt = timing.recordedAt;
    const replayedBy =
      recordedAt === undefined
        ? []
        : attempts.filter((a) => a.claimedAt !== undefined && a.claimedAt > recordedAt).map((a) => a.execution);
    return { entry, ...timing, replayedBy };
  });
  return {
    run,
    steps,
    journalUnavailable: journal === undefined,
    attempts,
    timingsUnavailable: timings === undefined,
    answers: timings?.answers ?? new Map(),
  };
}

/** All journal entries, page by page (a page is about 1 MiB); `undefined` when no worker answers. */
async function readJournal(client: Client, workflowId: string, maxPages = 20): Promise<JournalEntry[] | undefined> {
  const handle = client.workflow.getHandle(workflowId);
  const entries: JournalEntry[] = [];
  let from: number | undefined = 0;
  try {
    for (let page = 0; from !== undefined && page < maxPages; page++) {
      const read: { entries: JournalEntry[]; next?: number } = await client.connection.withDeadline(
        Date.now() + 5_000,
        () => handle.query(journalPageQuery, from!),
      );
      entries.push(...read.entries);
      from = read.next;
    }
  } catch {
    return entries.length ? entries : undefined;
  }
  return entries;
}

/** How long the step took: from its journaled start to its record, or the model's own latency; else unknown. */
export function stepDurationMs(step: TimelineStep): number | undefined {
  if (step.startedAt !== undefined && step.recordedAt !== undefined)
    return Math.max(0, step.recordedAt - step.startedAt);
  const latency = (step.entry.output as { response?: { latencyMs?: unknown } } | undefined)?.response?.latencyMs;
  return typeof latency === 'number' && step.entry.kind === 'model' ? latency : undefined;
}
