// Data access of the run console: a page of runs from Temporal visibility, and one run with its journal, its
// attempts and its pending inputs. Reads only; answers go through `provideFlowInput` like the API's.
import type { Client, WorkflowExecutionDescription, WorkflowHandle } from '@temporalio/client';
import {
  FLOW_SEARCH_ATTRIBUTE,
  PRINCIPAL_SEARCH_ATTRIBUTE,
  PROGRESS_QUERY_TIMEOUT_MS,
  WORKFLOW_TYPE,
} from '../../common/defaults';
import { flowRunOf, type FlowRun } from '../../client/flow-runs';
import { GenkitError } from '../../client/genkit-error';
import { grpcCodeOf, GrpcStatus } from '../../client/grpc-errors';
import { journalPageQuery, progressQuery } from '../../client/run-messages';
import type { JournalEntry, JournalPage } from '../../common/types';
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
    // A run that continued as new is listed once, by its current execution.
    `ExecutionStatus != "ContinuedAsNew"`,
    `${FLOW_SEARCH_ATTRIBUTE} IN (${flowNames.map(quoted).join(', ')})`,
    ...(scope.principalId !== undefined ? [`${PRINCIPAL_SEARCH_ATTRIBUTE} = ${quoted(scope.principalId)}`] : []),
  ];
  const searchAttributes = [
    FLOW_SEARCH_ATTRIBUTE,
    ...(scope.principalId !== undefined ? [PRINCIPAL_SEARCH_ATTRIBUTE] : []),
  ];
  const response = await client.workflowService
    .listWorkflowExecutions({
      namespace: client.options.namespace,
      pageSize: options.pageSize,
      nextPageToken: options.pageToken ? Buffer.from(options.pageToken, 'base64url') : undefined,
      query: clauses.join(' AND '),
    })
    .catch((err: unknown) => rethrowNamingMissingAttributes(client, err, searchAttributes));
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

/**
 * A namespace without the library's search attributes refuses the list query (INVALID_ARGUMENT): a deployment
 * step that was skipped, answered as a 503 that names the attributes to register, not as a 500. Decided by asking
 * the namespace which attributes it has (never by the message); any other INVALID_ARGUMENT is rethrown as is.
 */
async function rethrowNamingMissingAttributes(client: Client, err: unknown, needed: string[]): Promise<never> {
  if (grpcCodeOf(err) !== GrpcStatus.INVALID_ARGUMENT) throw err;
  const { namespace } = client.options;
  const registered = await client.connection.operatorService
    .listSearchAttributes({ namespace })
    .then((r) => r.customAttributes ?? {})
    .catch(() => undefined);
  const missing = registered ? needed.filter((name) => !(name in registered)) : [];
  if (!missing.length) throw err;
  const create = missing
    .map((name) => `temporal operator search-attribute create --namespace ${namespace} --name ${name} --type Keyword`)
    .join('; ');
  throw new GenkitError({
    status: 'UNAVAILABLE',
    message:
      `the run list needs the search attribute(s) ${missing.join(', ')} registered in namespace "${namespace}" ` +
      `(runs started before registering are not listed): ${create}`,
  });
}

/** A running run's attempt and whether it waits for input (left out when no worker answers in time). */
async function addProgress(client: Client, row: RunRow): Promise<void> {
  const progress = await client.connection
    .withDeadline(Date.now() + PROGRESS_QUERY_TIMEOUT_MS, () =>
      client.workflow.getHandle(row.workflowId).query(progressQuery),
    )
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

/** A journal page beyond the first: a worker has answered already, so a slow page is worth waiting for. */
const JOURNAL_PAGE_TIMEOUT_MS = 5_000;

/**
 * The run described by `description`, its journal (in pages) and its attempts. With no worker polling the run's
 * task queue, the journal and the progress are given up on after `PROGRESS_QUERY_TIMEOUT_MS` (the page still
 * shows what Temporal knows), not after the ~30 s a query would hang.
 */
export async function loadRunDetails(
  client: Client,
  description: WorkflowExecutionDescription,
  /** The run as just read (no worker answering then: the journal is not asked for either). */
  known?: FlowRun,
): Promise<RunDetails> {
  const handle = client.workflow.getHandle(description.workflowId);
  const [run, firstPage, timings] = await Promise.all([
    known ?? flowRunOf(handle, description),
    known?.progressUnavailable ? undefined : readJournalPage(handle, 0, PROGRESS_QUERY_TIMEOUT_MS),
    readRunTimings(client, handle, description.historyLength),
  ]);
  // A worker that answered the progress query is there, only slower with the journal: ask it again, with time.
  const first = firstPage ?? (run.progress ? await readJournalPage(handle, 0, JOURNAL_PAGE_TIMEOUT_MS) : undefined);
  const journal = first && (await readJournal(handle, first));
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

/** One journal page, or `undefined` when no worker answers within `timeoutMs`. */
async function readJournalPage(handle: WorkflowHandle, from: number, timeoutMs: number) {
  return handle.client
    .withDeadline(Date.now() + timeoutMs, () => handle.query(journalPageQuery, from))
    .catch(() => undefined);
}

/** All journal entries from the first page on, page by page (a page is about 1 MiB); at most `maxPages`. */
async function readJournal(handle: WorkflowHandle, first: JournalPage, maxPages = 20): Promise<JournalEntry[]> {
  const entries = [...first.entries];
  for (let page = 1, from = first.next; from !== undefined && page < maxPages; page++) {
    const read = await readJournalPage(handle, from, JOURNAL_PAGE_TIMEOUT_MS);
    if (!read) break;
    entries.push(...read.entries);
    from = read.next;
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
