// The upgrade check: before a new revision of the flows takes over, replay the journal of every open run against
// the new code in this process and report the runs it would break. Reads only (queries, visibility, history).
import type { Client } from '@temporalio/client';
import type { TemporalConnectionOptions } from '../../client/config';
import { getTemporalClient } from '../../client/connection';
import { serializeError } from '../../common/errors';
import { registeredFlowOptions } from '../../common/registered-options';
import { FlowNotJournaledError, findFlow, isJournaled, listFlowNames, type AnyFlow } from '../registry';
import { isPinned, listOpenRuns, readRunJournal, readRunRequest, type ListedBy, type OpenRun } from './open-runs';
import { replayAgainst, type ReplayVerdict } from './replay-check';

/** Options of `checkUpgrade`. */
export interface CheckUpgradeOptions extends TemporalConnectionOptions {
  /** The client to read runs with. @default the cached client of the connection options */
  client?: Client;
  /**
   * The new code: flows (a flow object, e.g. of another Genkit instance than the one the workers run) or names of
   * flows registered in this process. @default every flow this process can run (`listFlowNames()`)
   */
  flows?: Array<string | AnyFlow>;
  /** Runs checked per flow at most (visibility order: newest first). @default 1000 */
  maxRuns?: number;
  /** Runs read and replayed at once. @default 16 */
  concurrency?: number;
  /** How long a run's worker may take to answer the journal queries. @default 5000 */
  queryTimeoutMs?: number;
  /** How long one replay may wait for flow code that awaits something not journaled. @default 10000 */
  replayTimeoutMs?: number;
}

/** One run's result. */
export interface RunCheck extends ReplayVerdict {
  workflowId: string;
  runId: string;
}

/** One flow's result. */
export interface FlowCheck {
  flowName: string;
  checked: number;
  compatible: number;
  incompatible: number;
  /** Runs that could not be checked: no worker answered the journal query, or the replay timed out. */
  unchecked: number;
  /** The incompatible and unchecked runs, with the step and both requests. */
  problems: RunCheck[];
  /**
   * Open runs pinned to their Worker Deployment Version (`versioning: 'pinned'`): they finish on the build that
   * started them and never run the new code, so they are not replayed (and not in `checked`).
   */
  pinned: number;
  /**
   * Per `changed()` ID the replays met: runs that take its old branch and runs that take (or will take) its new one.
   * An old branch can be retired (`changed.deprecated`) once its `oldBranch` is 0 in a report that is `ok`; an ID
   * no run reached is not listed (no open run has a journal past it, so none takes its old branch).
   */
  changes: ChangeBranches[];
  /** The flow is not durable (`durable: false`): its runs have no journal to check. */
  skipped?: 'not-durable';
}

/** How many open runs take each branch of one `changed()` ID. */
export interface ChangeBranches {
  id: string;
  oldBranch: number;
  newBranch: number;
}

export interface UpgradeCheckReport {
  namespace: string;
  /** How the open runs were listed (the flow search attribute, or the memo when it is not registered). */
  listedBy: ListedBy;
  flows: FlowCheck[];
  /** True when every checked run is compatible (nothing incompatible, nothing unchecked). */
  ok: boolean;
  durationMs: number;
}

/** A usage or configuration problem (no flows to check, a flow that is not journaled): nothing was checked. */
export class UpgradeCheckConfigError extends Error {
  override readonly name = 'UpgradeCheckConfigError';
}

/**
 * Replays the journal of every open run of the given flows against their code in this process (the new revision),
 * answering every model call, tool, `ai.run`, `step()` and `waitForInput` from the journal and stopping at the
 * first one past it, so nothing live ever runs. A changed step or request at a journaled position, or a run
 * waiting for an input the new code does not ask for there, is an incompatibility. Never starts, signals, updates
 * or changes a run: it lists runs, reads their first history event, and queries their journal (a worker of the
 * current revision must be polling their task queue to answer).
 *
 * @example
 * ```ts
 * import { checkUpgrade } from 'genkitx-temporal';
 * import './flows'; // the new revision
 * const report = await checkUpgrade({ address: 'localhost:7233', namespace: 'default' });
 * for (const f of report.flows) console.log(f.flowName, f.compatible, '/', f.checked, f.problems);
 * if (!report.ok) process.exitCode = 1;
 * ```
 */
export async function checkUpgrade(options: CheckUpgradeOptions = {}): Promise<UpgradeCheckReport> {
  const started = Date.now();
  const flows = await resolveFlows(options.flows);
  const client = options.client ?? (await getTemporalClient(options));
  const durable = flows.filter((f) => !f.notDurable);
  const { runs, listedBy } = durable.length
    ? await listOpenRuns(
        client,
        durable.map((f) => f.name),
        options.maxRuns ?? 1000,
      )
    : { runs: [], listedBy: 'search-attribute' as const };
  const byFlow = new Map(flows.map((f) => [f.name, f]));
  const results = await mapLimited(runs, options.concurrency ?? 16, (run) =>
    checkRun(client, run, byFlow.get(run.flowName)!.flow, options),
  );
  const report: FlowCheck[] = flows.map(({ name, notDurable }) => {
    const all = results.filter((r) => r.flowName === name);
    const mine = all.filter((r): r is Checked => !('pinned' in r));
    const count = (s: ReplayVerdict['status']) => mine.filter((r) => r.status === s).length;
    return {
      flowName: name,
      checked: mine.length,
      compatible: count('compatible'),
      incompatible: count('incompatible'),
      unchecked: count('unchecked'),
      problems: mine.filter((r) => r.status !== 'compatible').map(({ flowName: _, ...r }) => r),
      pinned: all.length - mine.length,
      changes: countBranches(mine),
      ...(notDurable ? { skipped: 'not-durable' as const } : {}),
    };
  });
  return {
    namespace: client.options.namespace,
    listedBy,
    flows: report,
    ok: report.every((f) => f.incompatible === 0 && f.unchecked === 0),
    durationMs: Date.now() - started,
  };
}

type Checked = RunCheck & { flowName: string };

async function checkRun(
  client: Client,
  run: OpenRun,
  flow: AnyFlow,
  options: CheckUpgradeOptions,
): Promise<Checked | { flowName: string; pinned: true }> {
  const ids = { workflowId: run.workflowId, runId: run.runId, flowName: run.flowName };
  const handle = client.workflow.getHandle(run.workflowId, run.runId);
  let read;
  try {
    if (await isPinned(client, run)) return { flowName: run.flowName, pinned: true };
    const [request, journal] = await Promise.all([
      readRunRequest(client, run),
      readRunJournal(handle, options.queryTimeoutMs ?? 5_000),
    ]);
    read = { request, ...journal };
  } catch (err) {
    const message = `could not read the run's journal (is a worker of its task queue running?): ${serializeError(err).message}`;
    return { ...ids, status: 'unchecked', end: 'unreadable', message };
  }
  const verdict = await replayAgainst(
    flow,
    { input: read.request.input, context: read.request.context, entries: read.entries, waitingFor: read.waitingFor },
    { timeoutMs: options.replayTimeoutMs },
  );
  return { ...ids, ...verdict };
}

function countBranches(runs: ReplayVerdict[]): ChangeBranches[] {
  const byId = new Map<string, ChangeBranches>();
  for (const { changes = {} } of runs) {
    for (const [id, branch] of Object.entries(changes)) {
      const counts = byId.get(id) ?? { id, oldBranch: 0, newBranch: 0 };
      counts[branch === 'old' ? 'oldBranch' : 'newBranch']++;
      byId.set(id, counts);
    }
  }
  return [...byId.values()];
}

interface FlowToCheck {
  name: string;
  flow: AnyFlow;
  notDurable: boolean;
}

async function resolveFlows(flows: Array<string | AnyFlow> | undefined): Promise<FlowToCheck[]> {
  const wanted = flows ?? (await listFlowNames());
  if (!wanted.length) {
    throw new UpgradeCheckConfigError(
      'no flows to check: load the module that defines the new revision of your flows first (defineTemporalFlow, ' +
        'or a Genkit instance with the temporal() plugin), or pass them as `flows`',
    );
  }
  const resolved: FlowToCheck[] = [];
  for (const want of wanted) {
    if (typeof want === 'string') {
      const found = await findFlow(want);
      if (!found) throw new UpgradeCheckConfigError(`no flow named "${want}" is defined in this process`);
      resolved.push({ name: want, flow: found.flow, notDurable: found.options.durable === false });
      continue;
    }
    const name = want.__action.name;
    // Without the temporal() plugin its model and tool calls would bypass the journal and run live.
    await (want as { __registry?: { initializeAllPlugins?(): Promise<void> } }).__registry?.initializeAllPlugins?.();
    if (!isJournaled(want)) throw new FlowNotJournaledError(name);
    resolved.push({ name, flow: want, notDurable: registeredFlowOptions(name).durable === false });
  }
  return resolved;
}

/** `fn` over `items`, at most `limit` at a time, results in order. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
