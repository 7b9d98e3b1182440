// Managing runs by workflow ID: status, answering pending inputs, cancelling, and re-attachable streams.
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { GenkitError } from './genkit-error';
import type { TemporalConnectionOptions } from './config';
import { getTemporalClient } from './connection';
import { FlowRunError, toFlowRunError } from './flow-run-error';
import type { FlowProgress, PendingInput } from './types';
import { chunksQuery, progressQuery, provideInputUpdate } from './run-messages';

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
  progress?: FlowProgress;
  pendingInputs: PendingInput[];
}

async function handleFor(workflowId: string, options: FlowRunOptions): Promise<WorkflowHandle> {
  const client = options.client ?? (await getTemporalClient(options));
  return client.workflow.getHandle(workflowId);
}

/**
 * The run's status, its result or error once it has ended, its progress, and the inputs it waits for (each
 * with the JSON Schema the value must match).
 */
export async function getFlowRun<O = unknown>(workflowId: string, options: FlowRunOptions = {}): Promise<FlowRun<O>> {
  const handle = await handleFor(workflowId, options);
  const description = await handle.describe();
  const temporalStatus = description.status.name;
  // Progress needs a worker to answer; a closed run with no worker left still reports its status and result.
  const progress = await handle.query(progressQuery).catch(() => undefined);
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
  /** The same answer sent again with the same key (a retried request, a redelivered webhook) is applied once. */
  idempotencyKey?: string;
}

/**
 * Answers the input the run waits for. A value that does not match the requested schema, or a name the run
 * is not waiting for, is rejected with INVALID_ARGUMENT / FAILED_PRECONDITION, and the run keeps waiting.
 */
export async function provideFlowInput(
  workflowId: string,
  name: string,
  value: unknown,
  options: ProvideFlowInputOptions = {},
) {
  const handle = await handleFor(workflowId, options);
  try {
    await handle.executeUpdate(provideInputUpdate, { args: [name, value] });
  } catch (err) {
    if (!(err instanceof WorkflowUpdateFailedError)) throw err;
    const message = err.cause?.message ?? err.message;
    throw new GenkitError({
      status: message.startsWith('invalid value') ? 'INVALID_ARGUMENT' : 'FAILED_PRECONDITION',
      message,
      detail: { workflowId, input: name },
    });
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
 * a replayed attempt never stores a chunk twice. A failed run throws `FlowRunError` after its last chunk.
 */
export async function* streamFlowRun<S = unknown, O = unknown>(
  workflowId: string,
  options: StreamFlowRunOptions = {},
): AsyncGenerator<FlowStreamEvent<S, O>> {
  const handle = await handleFor(workflowId, options);
  let offset = options.fromOffset ?? 0;
  const interval = options.pollIntervalMs ?? 100;
  while (!options.signal?.aborted) {
    const batch = await handle.query(chunksQuery, offset);
    for (const chunk of batch.chunks) yield { type: 'chunk', offset: offset++, chunk: chunk as S };
    if (batch.done) {
      try {
        yield { type: 'result', result: (await handle.result()) as O };
      } catch (err) {
        throw toFlowRunError(err, workflowId);
      }
      return;
    }
    if (batch.chunks.length === 0) await new Promise((r) => setTimeout(r, interval));
  }
}
