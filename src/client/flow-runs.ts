// Managing runs by workflow ID: status, answering pending inputs, cancelling, and re-attachable streams.
import { randomUUID } from 'node:crypto';
import {
  WorkflowContinuedAsNewError,
  type Client,
  type WorkflowExecutionDescription,
  type WorkflowHandle,
} from '@temporalio/client';
import { unlessKeysMissing } from '../codec/encrypted-payload-guard';
import { GenkitError } from './genkit-error';
import type { TemporalConnectionOptions } from './config';
import { getTemporalClient } from './connection';
import { DEFAULT_ANSWER_TIMEOUT_MS, PROGRESS_QUERY_TIMEOUT_MS } from '../common/defaults';
import { nextPollInterval } from './poll-backoff';
import { grpcCodeOf, GrpcStatus, isDeadlineExceeded } from './grpc-errors';
import { FlowRunError, toFlowRunError } from './flow-run-error';
import { checkInputLimits } from './input-limits';
import { encodesPayloads } from '../codec/encrypted-payload-guard';
import { provideInputError } from './provide-input-error';
import type { AnswerProvenance, FlowProgress, PendingInput } from '../common/types';
import type { RunUsage } from '../common/usage';
import { chunksQuery, inputUpdateId, progressQuery, provideInputUpdate, type ChunkRead } from './run-messages';
import { stepInFlightOf } from './running-step';

/** Options of the run helpers: where the run lives. */
export interface FlowRunOptions extends TemporalConnectionOptions {
  client?: Client;
}

/** Options of `getFlowRun`. */
export interface GetFlowRunOptions extends FlowRunOptions {
  /**
   * How long a worker may take to answer the `progress` query before the run is reported without it
   * (`progressUnavailable`). Status, result and error never wait for a worker. @default 600 (`PROGRESS_QUERY_TIMEOUT_MS`)
   */
  progressTimeoutMs?: number;
}

/** Why a run's `progress` is missing: `{ status, message }`, statuses as Genkit's. */
export interface ProgressUnavailable {
  /**
   * `DEADLINE_EXCEEDED`: no worker of the run's task queue answered in time (none is polling, e.g. during a
   * rollout or a scale-to-zero, or they are too busy); `UNAVAILABLE`: the server answered at once that no worker
   * has polled the queue recently; `UNKNOWN`: the query itself failed (the message says how).
   */
  status: 'DEADLINE_EXCEEDED' | 'UNAVAILABLE' | 'UNKNOWN';
  message: string;
}

/** A flow run as its caller sees it. */
export interface FlowRun<O = unknown> {
  workflowId: string;
  runId: string;
  flowName?: string;
  /** RUNNING, WAITING (for input), COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT, … */
  status: string;
  result?: O;
  error?: FlowRunError;
  /** Who started the run (the `principal` start option), when recorded. */
  principal?: string;
  /** What the run reports of itself (`progress` query); `stepInFlight` comes from the running attempt's heartbeat. */
  progress?: FlowProgress;
  /**
   * Set when `progress` could not be read: the `progress` query needs a worker, the rest does not. A running
   * run then shows RUNNING (never WAITING) and `pendingInputs` is empty because it is unknown, not because the
   * run waits for nothing: ask again later.
   */
  progressUnavailable?: ProgressUnavailable;
  pendingInputs: PendingInput[];
  /**
   * Tokens and cost of the run's model calls: `paid` (each live call, also one made again after its result was
   * lost) and `replayed` (calls a later attempt got from the journal), by model. From the `progress` query, or
   * without a worker from the run's memo (as of the last attempt that ended). Absent before any model call.
   */
  usage?: RunUsage;
}

async function handleFor(workflowId: string, options: FlowRunOptions): Promise<WorkflowHandle> {
  assertWorkflowId(workflowId);
  const client = options.client ?? (await getTemporalClient(options));
  return client.workflow.getHandle(workflowId);
}

/**
 * The run's status, its result or error once it has ended, its progress, and the inputs it waits for (each
 * with the JSON Schema the value must match). Answers without a worker too: status, flow name, principal and a
 * closed run's result or error come from Temporal itself; only `progress` and `pendingInputs` need a worker
 * to answer the `progress` query, and when none does within `progressTimeoutMs` (600 ms by default) the run
 * comes back without them and with `progressUnavailable` saying why. The step in flight is read from the
 * running attempt's heartbeat details in the same `describe()` call (decoded with the client's data
 * converter), so it costs no extra call.
 *
 * @example
 * ```ts
 * const run = await getFlowRun(workflowId);
 * if (run.progressUnavailable) console.log(`${run.status}; progress unknown: ${run.progressUnavailable.message}`);
 * else console.log(run.status, run.progress?.stepsCompleted, run.pendingInputs);
 * ```
 */
export async function getFlowRun<O = unknown>(
  workflowId: string,
  options: GetFlowRunOptions = {},
): Promise<FlowRun<O>> {
  const handle = await handleFor(workflowId, options);
  return flowRunOf<O>(handle, await handle.describe(), options);
}

/**
 * @internal `getFlowRun` for a run the caller has already described (front doors describe it to check who may
 * see it): one `describe()` less per request.
 */
export async function flowRunOf<O = unknown>(
  handle: WorkflowHandle,
  description: WorkflowExecutionDescription,
  options: Pick<GetFlowRunOptions, 'progressTimeoutMs'> = {},
): Promise<FlowRun<O>> {
  const { workflowId } = handle;
  const temporalStatus = description.status.name;
  // The result of a closed run is its close event in history: read at once, in parallel with the query.
  const [read, ending] = await Promise.all([
    readProgress(handle, options.progressTimeoutMs ?? PROGRESS_QUERY_TIMEOUT_MS),
    temporalStatus === 'RUNNING' ? undefined : closedRunOutcome<O>(handle, description),
  ]);
  const progress = 'progress' in read ? read.progress : undefined;
  if (progress) progress.stepInFlight = await stepInFlightOf(handle.client, description, progress);
  const run: FlowRun<O> = {
    workflowId,
    runId: description.runId,
    flowName: (description.memo?.genkitFlow as string | undefined) ?? progress?.flowName,
    principal: description.memo?.genkitPrincipal as string | undefined,
    status: temporalStatus === 'RUNNING' && progress?.status === 'waiting' ? 'WAITING' : temporalStatus,
    progress,
    ...('unavailable' in read ? { progressUnavailable: read.unavailable } : {}),
    pendingInputs: progress?.pendingInputs ?? [],
  };
  const usage = progress?.usage ?? (description.memo?.genkitUsage as RunUsage | undefined);
  if (usage) run.usage = usage;
  if (ending && 'result' in ending) run.result = ending.result;
  if (ending && 'error' in ending) run.error = ending.error;
  return run;
}

/** The `progress` query, given `timeoutMs` to be answered (it needs a worker of the run's task queue). */
async function readProgress(
  handle: WorkflowHandle,
  timeoutMs: number,
): Promise<{ progress: FlowProgress } | { unavailable: ProgressUnavailable }> {
  const deadline = Date.now() + timeoutMs;
  try {
    return { progress: await handle.client.withDeadline(deadline, () => handle.query(progressQuery)) };
  } catch (err) {
    unlessKeysMissing(err); // data this process cannot decrypt: a misconfiguration to name, not a missing worker
    if (isDeadlineExceeded(err, deadline)) {
      const message =
        `no worker answered within ${timeoutMs} ms (is a worker polling the run's task queue? during a rollout ` +
        'or a scale-to-zero there may be none for a while); status, result and error do not need one';
      return { unavailable: { status: 'DEADLINE_EXCEEDED', message } };
    }
    // Temporal's answer to a query when no worker has polled the task queue recently (documented as code 9).
    if (grpcCodeOf(err) === GrpcStatus.FAILED_PRECONDITION) {
      const message =
        "no worker polls the run's task queue (the server has seen none recently: during a rollout or a " +
        'scale-to-zero there may be none for a while); status, result and error do not need one';
      return { unavailable: { status: 'UNAVAILABLE', message } };
    }
    return { unavailable: { status: 'UNKNOWN', message: err instanceof Error ? err.message : String(err) } };
  }
}

/**
 * A closed run's result or error, from its close event. Read from exactly the described execution (never
 * following a newer run), so it never waits.
 */
async function closedRunOutcome<O>(
  handle: WorkflowHandle,
  description: WorkflowExecutionDescription,
): Promise<{ result: O } | { error: FlowRunError } | undefined> {
  const closed = handle.client.getHandle(handle.workflowId, description.runId, { followRuns: false });
  try {
    return { result: (await closed.result()) as O };
  } catch (err) {
    const error = toFlowRunError(err, handle.workflowId, description.runId);
    if (error instanceof FlowRunError) return { error };
    // The execution continued as new after describe(): the next read sees the new one running.
    if (err instanceof WorkflowContinuedAsNewError) return undefined;
    throw err;
  }
}

/** Options of `provideFlowInput`. */
export interface ProvideFlowInputOptions extends FlowRunOptions {
  /**
   * Makes the answer idempotent: sending it again with the same key (a client retry, a redelivered webhook) is
   * applied once, never to a later wait. @default a random key per call (the SDK's own retries reuse it)
   */
  idempotencyKey?: string;
  /** How long to wait for a worker to accept the answer. @default 30 s */
  timeoutMs?: number;
  /** Who answered: recorded with the answer in the run's journal (`answeredBy` of the input's entry). */
  answeredBy?: AnswerProvenance;
}

/**
 * Answers an input of the run: the one it waits for (`waitForInput`, a tool interrupt), or one it will ask for
 * later — an early answer is kept by the run and delivered when it gets there. A value that does not match the
 * schema of the input the run waits for is rejected with INVALID_ARGUMENT and the run keeps waiting; a run that
 * has ended answers NOT_FOUND / FAILED_PRECONDITION; no worker within `timeoutMs` gives DEADLINE_EXCEEDED (the
 * answer was not applied: send it again with the same key).
 */
export async function provideFlowInput(
  workflowId: string,
  name: string,
  value: unknown,
  options: ProvideFlowInputOptions = {},
): Promise<void> {
  assertWorkflowId(workflowId);
  if (typeof name !== 'string' || !name) throw invalid('the input name must be a non-empty string');
  checkInputLimits(value, `answer "${name}"`);
  const client = options.client ?? (await getTemporalClient(options));
  const handle = client.workflow.getHandle(workflowId);
  const key = options.idempotencyKey ?? randomUUID();
  const timeoutMs = options.timeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS;
  try {
    await client.connection.withDeadline(Date.now() + timeoutMs, () =>
      handle.executeUpdate(provideInputUpdate, {
        // Without provenance the Update carries the three arguments workers of every version take.
        args: options.answeredBy ? [name, value, key, options.answeredBy] : [name, value, key],
        updateId: inputUpdateId(name, key, encodesPayloads(client.options.loadedDataConverter)),
      }),
    );
  } catch (err) {
    throw provideInputError(err, workflowId, name, timeoutMs);
  }
}

/** Cancels the run: the flow's abortSignal fires (or its wait ends) and the run ends CANCELLED. */
export async function cancelFlowRun(workflowId: string, options: FlowRunOptions = {}): Promise<void> {
  await (await handleFor(workflowId, options)).cancel();
}

/** What `streamFlowRun` yields: each chunk with its offset, then the flow's result. */
export type FlowStreamEvent<S = unknown, O = unknown> =
  { type: 'chunk'; offset: number; chunk: S } | { type: 'result'; result: O };

/** Options of `streamFlowRun`. */
export interface StreamFlowRunOptions extends FlowRunOptions {
  /** Start after this many chunks (the offset of the next chunk wanted). @default 0 */
  fromOffset?: number;
  /** How often to look for new chunks while they come. @default 100 */
  pollIntervalMs?: number;
  /**
   * While the run sends nothing (it waits for input, a model, a timer), the interval grows by half per empty look
   * up to this; the next chunk brings it back to `pollIntervalMs`. Set it to `pollIntervalMs` to poll at one rate.
   * @default 2000
   */
  maxPollIntervalMs?: number;
  /** Stop reading (the run goes on). */
  signal?: AbortSignal;
}

/**
 * Reads the run's chunks live, then its result. Chunks are stored durably in the run, so a reader can stop and
 * re-attach from the offset it reached and gets exactly the chunks after it — also across worker crashes, since
 * a replayed attempt never stores a chunk twice, and across continue-as-new. A failed, cancelled, terminated or
 * timed-out run throws `FlowRunError` after its last chunk: the stream always ends. It looks every 100 ms while
 * chunks come and backs off to every 2 s while the run waits (`pollIntervalMs`, `maxPollIntervalMs`).
 */
export async function* streamFlowRun<S = unknown, O = unknown>(
  workflowId: string,
  options: StreamFlowRunOptions = {},
): AsyncGenerator<FlowStreamEvent<S, O>> {
  assertWorkflowId(workflowId);
  let offset = options.fromOffset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) throw invalid(`fromOffset must be an integer ≥ 0, got ${offset}`);
  const client = options.client ?? (await getTemporalClient(options));
  const handle = client.workflow.getHandle(workflowId);
  const backoff = { minMs: options.pollIntervalMs, maxMs: options.maxPollIntervalMs };
  let interval = nextPollInterval(undefined, true, backoff);
  let lastStatusCheck = Date.now();
  while (!options.signal?.aborted) {
    const batch = await readChunks(client, workflowId, offset).catch(unlessKeysMissing);
    for (const chunk of batch?.chunks ?? []) yield { type: 'chunk', offset: offset++, chunk: chunk as S };
    // Completed and failed runs say so; a run that was terminated, timed out or failed before its flow started
    // never does, so its status is looked up now and then (and at once when the run cannot answer).
    let closed = batch?.done ?? false;
    if (!closed && (!batch || Date.now() - lastStatusCheck > 1_000) && !batch?.chunks.length) {
      lastStatusCheck = Date.now();
      closed = (await handle.describe()).status.name !== 'RUNNING';
      if (closed) {
        for (const chunk of (await readChunks(client, workflowId, offset).catch(() => undefined))?.chunks ?? []) {
          yield { type: 'chunk', offset: offset++, chunk: chunk as S };
        }
      }
    }
    if (closed) {
      try {
        yield { type: 'result', result: (await handle.result()) as O };
      } catch (err) {
        throw toFlowRunError(err, workflowId);
      }
      return;
    }
    if (batch?.chunks.length) interval = nextPollInterval(interval, true, backoff);
    else {
      await sleep(interval, options.signal);
      interval = nextPollInterval(interval, false, backoff);
    }
  }
}

/** Waits `ms`, or less when `signal` aborts (a reader that leaves stops its polling at once). */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Chunks from `offset`, following the run back through its continue-as-new executions for older offsets. */
async function readChunks(client: Client, workflowId: string, offset: number, runId?: string): Promise<ChunkRead> {
  const read = await client.workflow.getHandle(workflowId, runId).query(chunksQuery, offset);
  if (offset >= read.base || !read.previousRunId) return read;
  const older = await readChunks(client, workflowId, offset, read.previousRunId);
  return { ...older, done: false };
}

/** Temporal workflow IDs are non-empty and at most 1,000 characters. */
function assertWorkflowId(workflowId: string): void {
  if (typeof workflowId !== 'string' || !workflowId || workflowId.length > 1000) {
    throw invalid('workflowId must be a non-empty string of at most 1,000 characters');
  }
}

function invalid(message: string): GenkitError {
  return new GenkitError({ status: 'INVALID_ARGUMENT', message });
}
