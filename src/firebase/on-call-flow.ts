// onCallFlow: a Firebase callable (v2) that starts a flow as a durable Temporal run for the signed-in caller
// and answers `{ workflowId, runId }` at once — or, for a streaming caller, relays the run's chunks and answers
// its result. The run outlives the function's timeout; `onCallFlowRun` reads, answers and cancels it later.
import { onCall, type CallableFunction, type CallableOptions } from 'firebase-functions/v2/https';
import { startFlowWorkflowWith, type FlowWorkflowOptions } from '../client/start-flow';
import { callerBudgetWindowMs } from '../client/caller-budget';
import { resolvedOnFirstUse } from '../client/front-door';
import type { FairnessOptions } from '../client/fairness';
import { flowNameOf, validateFlowInput, type FlowOutput, type FlowRef } from '../client/flow-ref';
import type { FlowRunOptions } from '../client/flow-runs';
import { inCallerTrace } from '../telemetry/caller-trace';
import { authorize, genkitContextOf, type CallableAccess, type CallableAuthPolicy } from './callable-auth';
import { toHttpsError } from './errors';
import { relayChunks, type FlowStreamChunk } from './relay';
import { clientForCallable } from './temporal-client';

/** Start options applied to every run (the request decides input, principal and context). */
export type CallableStartOptions = Omit<
  FlowWorkflowOptions,
  'workflowId' | 'idempotencyKey' | 'principal' | 'context' | 'client'
>;

/** Options of `onCallFlow`: firebase-functions' own `CallableOptions` (region, App Check, secrets, …) plus these. */
export interface OnCallFlowOptions extends CallableOptions, CallableAccess {
  /**
   * Checked after sign-in (a signed-out caller is `unauthenticated` first); `false` → `permission-denied`.
   * firebase-functions' `hasClaim('role', 'admin')` fits.
   */
  authPolicy?: CallableAuthPolicy;
  /** Where the runs live (address, namespace, API key, or a client). @default env / temporal.toml */
  temporal?: FlowRunOptions;
  /** Applied to every start (task queue, retry, timeouts, …). */
  startOptions?: CallableStartOptions;
  /**
   * Each run's fairness key is its caller's uid (or `fairness.key` of the caller: a tenant claim, a plan), so one
   * user's burst shares the workers with everyone else's; weights per key from here or GENKITX_FAIRNESS_WEIGHTS.
   * A signed-out caller's runs (with `allowSignedOut`) have no key. `false`: no key. See docs/fairness.md.
   */
  fairness?: FairnessOptions | false;
}

/** What `onCallFlow` answers: the run to poll, and (for a streaming caller) the flow's result. */
export interface StartedFlowRun<O = unknown> {
  workflowId: string;
  runId?: string;
  /** Present when the caller streamed the run to its end. */
  result?: O;
}

/** The callable's own options, without the keys that are ours. */
export function callableOptionsOf<T extends CallableOptions>(options: T): CallableOptions {
  const {
    authPolicy: _a,
    allowSignedOut: _o,
    temporal: _t,
    startOptions: _s,
    fairness: _fa,
    flows: _f,
    isAdmin: _i,
    ...callable
  } = options as T & {
    authPolicy?: unknown;
    allowSignedOut?: unknown;
    temporal?: unknown;
    startOptions?: unknown;
    fairness?: unknown;
    flows?: unknown;
    isAdmin?: unknown;
  };
  return callable;
}

/**
 * A callable that starts `flow` (a flow object or a `flowRef`) as a durable run owned by the signed-in caller:
 * the uid is the run's principal and Genkit `context.auth` is `{ uid, token }` (decoded claims, never the raw
 * ID token). Input is validated first (`invalid-argument`, nothing started). Genkit errors map to the matching
 * `HttpsError` codes. A streaming caller gets each chunk as `{ workflowId, offset, chunk }` — enough to resume
 * with `onCallFlowRun` after a disconnect — and the result.
 *
 * @example
 * ```ts
 * import { z } from 'zod';
 * import { flowRef } from 'genkitx-temporal/client';
 * import { onCallFlow } from 'genkitx-temporal/firebase';
 * const tripPlanner = flowRef('tripPlanner', { inputSchema: z.object({ city: z.string(), days: z.number() }) });
 * export const planTrip = onCallFlow(tripPlanner, { region: 'europe-west1', enforceAppCheck: true });
 * ```
 */
export function onCallFlow<F extends FlowRef>(
  flow: F,
  options: OnCallFlowOptions = {},
): CallableFunction<unknown, Promise<StartedFlowRun<FlowOutput<F>>>, FlowStreamChunk> {
  const runOptions = options.temporal ?? {};
  // A caller budget that cannot work stops the functions module from loading (and the deploy), naming it.
  if (options.startOptions?.callerBudget) callerBudgetWindowMs(options.startOptions.callerBudget);
  // Resolved on the first request and kept (src/client/front-door.ts); a start resolves with the start options over
  // the run options, as `startFlowWorkflow` does.
  const settings = { fairness: options.fairness };
  const temporal = resolvedOnFirstUse(runOptions, settings);
  const startTemporal = options.startOptions
    ? resolvedOnFirstUse({ ...runOptions, ...options.startOptions }, settings)
    : temporal;
  return onCall(callableOptionsOf(options), async (request, response) => {
    try {
      const caller = await authorize(request, options);
      // Bad input never starts a run (the size bound lifted when the converter offloads large payloads).
      await validateFlowInput(flow, request.data, {
        dataConverter: runOptions.client?.options.dataConverter ?? runOptions.dataConverter,
      });
      const client = await clientForCallable(runOptions, temporal);
      const { config, fairness } = startTemporal();
      const start = () =>
        startFlowWorkflowWith(config, flow, request.data as never, {
          ...runOptions,
          ...options.startOptions,
          client,
          principal: caller?.uid,
          context: genkitContextOf(caller),
          // Keyed by the verified uid: the request's data is the flow's input and names no key.
          priority: fairness.priorityFor(
            caller && { id: caller.uid, claims: caller.token },
            flowNameOf(flow),
            options.startOptions?.priority,
          ),
        });
      const spanName = `onCallFlow ${flowNameOf(flow)}`;
      const handle = await inCallerTrace(temporal().config.telemetry, request.rawRequest?.headers, spanName, start);
      const runId = (handle as { firstExecutionRunId?: string }).firstExecutionRunId;
      if (!request.acceptsStreaming || !response) return { workflowId: handle.workflowId, runId };
      const result = await relayChunks<FlowOutput<F>>(handle.workflowId, 0, response, { ...runOptions, client });
      return { workflowId: handle.workflowId, runId, result };
    } catch (err) {
      throw toHttpsError(err);
    }
  }) as CallableFunction<unknown, Promise<StartedFlowRun<FlowOutput<F>>>, FlowStreamChunk>;
}
