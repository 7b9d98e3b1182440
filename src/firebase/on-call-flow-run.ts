// onCallFlowRun: one callable for everything a caller does with their OWN runs after starting them —
// read (and stream from an offset), answer a pending input, cancel. Someone else's run is `not-found`.
import { checkInputLimits } from '../client/input-limits';
import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { HttpsError, onCall, type CallableFunction, type CallableRequest } from 'firebase-functions/v2/https';
import { flowNameOf, type FlowRef } from '../client/flow-ref';
import {
  cancelFlowRun,
  flowRunOf,
  provideFlowInput,
  type FlowRun,
  type FlowRunOptions,
  type ProgressUnavailable,
} from '../client/flow-runs';
import { checkAnswerTarget } from '../client/input-gate';
import { resolvedOnFirstUse } from '../client/front-door';
import type { FlowProgress, PendingInput } from '../common/types';
import type { RunUsage } from '../common/usage';
import { authorize, type CallableCaller } from './callable-auth';
import { toHttpsError } from './errors';
import { callableOptionsOf, type OnCallFlowOptions } from './on-call-flow';
import { relayChunks, type FlowStreamChunk } from './relay';
import { clientForCallable } from './temporal-client';

/** What the caller sends. */
export type FlowRunRequestData =
  | {
      action: 'get';
      workflowId: string;
      /** With a streaming call: relay chunks from here. @default 0 */ offset?: number;
    }
  | {
      action: 'input';
      workflowId: string;
      name: string;
      value?: unknown;
      idempotencyKey?: string;
      /** Send it although the run does not wait for `name` now: it is kept until the run asks. @default false */
      early?: boolean;
    }
  | { action: 'cancel'; workflowId: string };

/** A run as the callable reports it (errors as `{ status, message }`). */
export interface CallableFlowRun {
  workflowId: string;
  runId: string;
  flowName?: string;
  status: string;
  result?: unknown;
  error?: { status: string; message: string };
  progress?: FlowProgress;
  /** Set when no worker answered the `progress` query in time: `progress` and `pendingInputs` are unknown then. */
  progressUnavailable?: ProgressUnavailable;
  pendingInputs: PendingInput[];
  /** Tokens and cost of the run's model calls, paid and replayed (`FlowRun.usage`). */
  usage?: RunUsage;
}

/** Options of `onCallFlowRun`. */
export interface OnCallFlowRunOptions extends Omit<OnCallFlowOptions, 'startOptions'> {
  /** Only runs of these flows are reachable. @default runs of any flow (still only the caller's own) */
  flows?: FlowRef[];
  /** Callers that may reach every run (e.g. `hasClaim`-style checks). @default nobody */
  isAdmin?: (caller: CallableCaller) => boolean;
}

const ACTIONS = new Set(['get', 'input', 'cancel']);

/**
 * A callable for the caller's own runs: `{ action: 'get', workflowId, offset? }` → the run (a streaming call
 * relays its chunks from `offset` first, as `{ workflowId, offset, chunk }`, so a reconnecting client resumes);
 * `{ action: 'input', workflowId, name, value, early? }` answers an input the run waits for (`{ ok, applied }`;
 * with `early: true` also one it will ask for later, kept until then: `applied: false`; a name it does not wait
 * for otherwise is `failed-precondition` naming the ones it does); `{ action: 'cancel', workflowId }`.
 * A run that does not exist, belongs to someone else or to a flow not listed is `not-found`.
 *
 * @example
 * ```ts
 * import { onCallFlowRun } from 'genkitx-temporal/firebase';
 * export const flowRun = onCallFlowRun({ region: 'europe-west1' });
 * // client: await httpsCallable(functions, 'flowRun')({ action: 'get', workflowId })
 * ```
 */
export function onCallFlowRun(
  options: OnCallFlowRunOptions = {},
): CallableFunction<unknown, Promise<CallableFlowRun | { ok: true; applied?: boolean }>, FlowStreamChunk> {
  const runOptions = options.temporal ?? {};
  // Resolved on the first request and kept (src/client/front-door.ts).
  const temporal = resolvedOnFirstUse(runOptions);
  const flows = options.flows ? new Set(options.flows.map(flowNameOf)) : undefined;

  /** The run's description, when the caller may reach it; `not-found` otherwise. */
  async function describeOwned(
    client: Client,
    workflowId: string,
    caller: CallableCaller | undefined,
  ): Promise<WorkflowExecutionDescription> {
    let description: WorkflowExecutionDescription;
    try {
      description = await client.workflow.getHandle(workflowId).describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound();
      throw err;
    }
    const memo = description.memo;
    if (flows && !(typeof memo?.genkitFlow === 'string' && flows.has(memo.genkitFlow))) throw notFound();
    const admin = !!caller && options.isAdmin?.(caller) === true;
    if (!admin && (!caller || memo?.genkitPrincipal !== caller.uid)) throw notFound();
    return description;
  }

  return onCall(callableOptionsOf(options), async (request: CallableRequest, response) => {
    try {
      const caller = await authorize(request, options);
      const data = parseRequest(request.data);
      const client = await clientForCallable(runOptions, temporal);
      const withClient = { ...runOptions, client };
      const description = await describeOwned(client, data.workflowId, caller);
      const handle = client.workflow.getHandle(data.workflowId);
      if (data.action === 'cancel') {
        await cancelFlowRun(data.workflowId, withClient);
        return { ok: true as const };
      }
      if (data.action === 'input') {
        checkInputLimits(data.value, `answer "${data.name}"`); // invalid-argument before the run is asked anything
        // Only to an input the run waits for, unless `early` (a typo is `failed-precondition` naming them).
        const applied =
          description.status.name !== 'RUNNING' ||
          (await checkAnswerTarget(handle, {
            name: data.name,
            early: data.early === true,
            idempotencyKey: data.idempotencyKey,
          }));
        await provideFlowInput(data.workflowId, data.name, data.value, {
          ...withClient,
          idempotencyKey: data.idempotencyKey,
        });
        return { ok: true as const, applied };
      }
      if (request.acceptsStreaming && response) {
        // A failed run throws its error here, after its last chunk: the stream ends with the error.
        await relayChunks(data.workflowId, data.offset ?? 0, response, withClient);
        // The run has ended since the call began: read it afresh.
        return publicRun(await flowRunOf(handle, await handle.describe()));
      }
      return publicRun(await flowRunOf(handle, description));
    } catch (err) {
      throw toHttpsError(err);
    }
  });
}

function notFound(): HttpsError {
  return new HttpsError('not-found', 'run not found');
}

function invalid(message: string): HttpsError {
  return new HttpsError('invalid-argument', message);
}

/** Checks the request's shape; anything off is `invalid-argument` before Temporal is asked anything. */
function parseRequest(data: unknown): FlowRunRequestData {
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw invalid('expected { action, workflowId, … }');
  const d = data as Record<string, unknown>;
  if (typeof d.action !== 'string' || !ACTIONS.has(d.action))
    throw invalid("action must be 'get', 'input' or 'cancel'");
  if (typeof d.workflowId !== 'string' || !d.workflowId || d.workflowId.length > 1000) {
    throw invalid('workflowId must be a non-empty string of at most 1,000 characters');
  }
  if (d.offset !== undefined && !(Number.isInteger(d.offset) && (d.offset as number) >= 0)) {
    throw invalid('offset must be an integer ≥ 0');
  }
  if (d.action === 'input' && (typeof d.name !== 'string' || !d.name)) throw invalid('name must be a non-empty string');
  if (d.early !== undefined && typeof d.early !== 'boolean') throw invalid('early must be a boolean');
  if (d.idempotencyKey !== undefined && (typeof d.idempotencyKey !== 'string' || !d.idempotencyKey)) {
    throw invalid('idempotencyKey must be a non-empty string');
  }
  return d as unknown as FlowRunRequestData;
}

function publicRun(run: FlowRun): CallableFlowRun {
  const { principal: _p, error, ...rest } = run;
  return {
    ...rest,
    ...(error ? { error: { status: error.status, message: error.originalMessage ?? error.message } } : {}),
  };
}
