// Managing runs by workflow ID: status, answering pending inputs, cancelling, and re-attachable streams.
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { unlessKeysMissing } from './codec/encrypted-payload-guard';
import { GenkitError } from './genkit-error';
import type { TemporalConnectionOptions } from './config';
import { getTemporalClient } from './connection';
import { FlowRunError, toFlowRunError } from './flow-run-error';
import { provideInputError } from './provide-input-error';
import type { FlowProgress, PendingInput } from './types';
import { chunksQuery, inputUpdateId, progressQuery, provideInputUpdate, type ChunkRead } from './run-messages';
import { stepInFlightOf } from './step-in-flight';

/** Options of the run helpers: where the run lives. */
export interface FlowRunOptions extends TemporalConnectionOptions {
  client?: Client;
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
  pendingInputs: PendingInput[];
}

async function handleFor(workflowId: string, options: FlowRunOptions): Promise<WorkflowHandle> {
  assertWorkflowId(workflowId);
  const client = options.client ?? (await getTemporalClient(options));
  return client.workflow.getHandle(workflowId);
}

/**
 * The run's status, its result or error once it has ended, its progress, and the inputs it waits for (each
 * with the JSON Schema the value must match). The step in flight is read from the running attempt's heartbeat
 * details in the same `describe()` call (decoded with the client's data converter), so it costs no extra call.
 */
export async function getFlowRun<O = unknown>(workflowId: string, options: FlowRunOptions = {}): Promise<FlowRun<O>> {
  const handle = await handleFor(workflowId, options);
  const description = await handle.describe();
  const temporalStatus = description.status.name;
  // Progress needs a worker to answer; a closed run with no worker left still reports its status and result.
  const progress = await handle.query(progressQuery).catch(unlessKeysMissing);
  if (progress) progress.stepInFlight = await stepInFlightOf(handle.client, description, progress);
  const run: FlowRun<O> = {
    workflowId,
    runId: description.runId,
    flowName: (description.memo?.genkitFlow as string | undefined) ?? progress?.flowName,
    principal: description.memo?.genkitPrincipal as string | undefined,
    status: temporalStatus === 'RUNNING' && progress?.status === 'waiting' ? 'WAITING' : temporalStatus,
    progress,
    pendingInputs: progress?.pendingInputs ?? [],
  };
  if (temporalStatus === 'COMPLETED') run.result = (await handle.result()) as O;
  if (temporalStatus !== 'RUNNING' && temporalStatus !== 'COMPLETED') {
    run.error = (await handle.result().then(
      () => undefined,
      (err) => toFlowRunError(err, workflowId, description.runId),
    )) as FlowRunError | undefined;
  }
  return run;
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
  const client = options.client ?? (await getTemporalClient(options));
  const handle = client.workflow.getHandle(workflowId);
  const key = options.idempotencyKey ?? randomUUID();
  const timeoutMs = options.timeoutMs ?? 30_000;
  try {
    await client.connection.withDeadline(Date.now() + timeoutMs, () =>
      handle.executeUpdate(provideInputUpdate, {
        args: [name, value, key],
        updateId: inputUpdateId(name, key),
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
  /** How often to look for new chunks. @default 100 */
  pollIntervalMs?: number;
  /** Stop reading (the run goes on). */
  signal?: AbortSignal;
}

/**
 * Reads the run's chunks live, then its result. Chunks are stored durably in the run, so a reader can stop and
 * re-attach from the offset it reached and gets exactly the chunks after it — also across worker crashes, since
 * a replayed attempt never stores a chunk twice, and across continue-as-new. A failed, cancelled, terminated or
 * timed-out run throws `FlowRunError` after its last chunk: the stream always ends.
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
  const interval = options.pollIntervalMs ?? 100;
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
    if (!batch?.chunks.length) await new Promise((r) => setTimeout(r, interval));
  }
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
