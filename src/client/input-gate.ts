// Whether an answer goes to an input the run waits for. The HTTP API and the run callable send answers only to
// those unless the caller asks for an early answer: a mistyped name (`/inputs/aproval`) would otherwise be kept
// as an early answer for an input the run never asks for, and the caller told it was accepted.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { encodesPayloads } from '../codec/encrypted-payload-guard';
import { GenkitError } from './genkit-error';
import { grpcCodeOf, GrpcStatus, isDeadlineExceeded } from './grpc-errors';
import { inputUpdateId, progressQuery } from './run-messages';
import { DEFAULT_ANSWER_TIMEOUT_MS } from '../common/defaults';
import type { PendingInput } from '../common/types';

/** Options of `checkAnswerTarget`. */
export interface AnswerTargetOptions {
  /** The input's name. */
  name: string;
  /** Send it even if the run does not wait for it now: the run keeps it until it asks (an early answer). */
  early?: boolean;
  /** The answer's idempotency key: a repeat of an answer already applied is let through (it is applied once). */
  idempotencyKey?: string;
  /** How long to wait for a worker to say what the run waits for. @default 30 s */
  timeoutMs?: number;
}

/**
 * What the run waits for now (its `progress` query); throws FAILED_PRECONDITION (HTTP 400) naming the inputs it
 * waits for when `name` is not one of them, unless `early` is set or the same answer (same name and idempotency
 * key) was applied before. Returns whether the answer will be applied now (`true`) or kept until the run asks.
 */
export async function checkAnswerTarget(handle: WorkflowHandle, options: AnswerTargetOptions): Promise<boolean> {
  const { name, early, idempotencyKey } = options;
  const waitsFor = (await pendingInputsOf(handle, name, options.timeoutMs)).map((input) => input.name);
  if (waitsFor.includes(name)) return true;
  if (early) return false;
  if (idempotencyKey && (await answeredBefore(handle, name, idempotencyKey))) return true;
  const waiting = waitsFor.length
    ? `it waits for ${waitsFor.map((n) => `"${n}"`).join(', ')}`
    : 'it waits for no input now';
  throw new GenkitError({
    status: 'FAILED_PRECONDITION',
    message:
      `the run is not waiting for input "${name}" (${waiting}); ` +
      'to send an answer the run will ask for later, ask for an early answer (HTTP: ?early=true)',
    detail: { workflowId: handle.workflowId, input: name, pendingInputs: waitsFor },
  });
}

/**
 * The inputs the run waits for now (its `progress` query). No worker within `timeoutMs` is DEADLINE_EXCEEDED, none
 * polling the task queue UNAVAILABLE, both saying that nothing was sent (`name`: the input about to be answered).
 */
export async function pendingInputsOf(
  handle: WorkflowHandle,
  name: string,
  timeoutMs = DEFAULT_ANSWER_TIMEOUT_MS,
): Promise<PendingInput[]> {
  const deadline = Date.now() + timeoutMs;
  try {
    const progress = await handle.client.connection.withDeadline(deadline, () => handle.query(progressQuery));
    return progress.pendingInputs;
  } catch (err) {
    const detail = { workflowId: handle.workflowId, input: name };
    if (isDeadlineExceeded(err, deadline)) {
      throw new GenkitError({
        status: 'DEADLINE_EXCEEDED',
        message: `no worker said within ${timeoutMs} ms which inputs the run waits for (is a worker running for this flow's task queue?); nothing was sent`,
        detail,
      });
    }
    // Temporal's answer to a query when no worker has polled the task queue recently.
    if (grpcCodeOf(err) === GrpcStatus.FAILED_PRECONDITION) {
      throw new GenkitError({
        status: 'UNAVAILABLE',
        message:
          "no worker polls the run's task queue now (during a rollout or a scale-to-zero there may be none for a while); nothing was sent, try again",
        detail,
      });
    }
    throw err;
  }
}

/**
 * Whether this answer was applied before: under its Update ID, and with payloads encrypted also under the ID with
 * names that a front door of an earlier version gave it (a retry across an upgrade). Temporal keeps Update IDs per
 * execution: an answer applied before a continue-as-new is not found here (the run itself ignores its key).
 */
export async function answeredBefore(handle: WorkflowHandle, name: string, key: string): Promise<boolean> {
  const nameless = encodesPayloads(handle.client.options.loadedDataConverter);
  if (await appliedBefore(handle, inputUpdateId(name, key, nameless))) return true;
  return nameless && appliedBefore(handle, inputUpdateId(name, key));
}

/** Whether the Update with this ID was already applied to the run (a client retrying an answer that got through). */
async function appliedBefore(handle: WorkflowHandle, updateId: string): Promise<boolean> {
  try {
    await handle.client.connection.withDeadline(Date.now() + 5_000, () => handle.getUpdateHandle(updateId).result());
    return true;
  } catch (err) {
    // Seen and refused (e.g. a value its schema rejected): sending it again gets the same answer, with its reason.
    if (err instanceof WorkflowUpdateFailedError) return true;
    // The client reports an unknown Update ID as WorkflowNotFoundError (`update "…" not found`).
    if (err instanceof WorkflowNotFoundError || grpcCodeOf(err) === GrpcStatus.NOT_FOUND) return false;
    throw err;
  }
}
