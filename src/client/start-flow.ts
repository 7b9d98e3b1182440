// Starting flows as workflows: startFlowWorkflow (returns a handle) and executeFlowWorkflow (returns the result).
import { randomUUID } from 'node:crypto';
import {
  InternalConnectionLikeSymbol,
  WorkflowExecutionAlreadyStartedError,
  type Client,
  type WorkflowExecutionDescription,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import {
  defineSearchAttributeKey,
  SearchAttributeType,
  type Priority,
  type SearchAttributePair,
} from '@temporalio/common';
import { resolveTemporalConfig, type ResolvedTemporalConfig, type TemporalConnectionOptions } from './config';
import { clientFor } from './connection';
import { GenkitError } from './genkit-error';
import { assertCallerBudget, callerBudgetWindowMs, type CallerBudget } from './caller-budget';
import { FLOW_SEARCH_ATTRIBUTE, PRINCIPAL_SEARCH_ATTRIBUTE, VERSIONING_MEMO, WORKFLOW_TYPE } from '../common/defaults';
import {
  flowNameOf,
  isFlowReference,
  refFlowOptions,
  validateFlowInput,
  type FlowInput,
  type FlowOutput,
  type FlowRef,
} from './flow-ref';
import { knownFlowOptions, registeredFlowOptions } from '../common/registered-options';
import { assertPriority } from './fairness';
import { fingerprint } from './fingerprint';
import { budgetProblems } from '../common/usage';
import { toFlowRunError } from './flow-run-error';
import { grpcCodeOf, GrpcStatus } from './grpc-errors';
import { validateRetryPolicy, workflowTaskTimeoutFor } from '../common/retry-math';
import type { FlowRunRequest, TemporalFlowOptions } from '../common/types';
import type { ContextKey } from '../identity/context-keys';
import { startContext } from '../identity/sign-start';

export type { FlowChunk, FlowInput, FlowOutput, FlowRef, FlowReference } from './flow-ref';

/** The workflow function type of a flow run, so handles are typed by the flow's output. */
export type FlowWorkflow<F> = (request: FlowRunRequest) => Promise<FlowOutput<F>>;

/** The `GenkitFlow` keyword search attribute: `temporal workflow list --query 'GenkitFlow="jokeFlow"'`. */
export const GenkitFlowSearchAttribute = defineSearchAttributeKey(FLOW_SEARCH_ATTRIBUTE, SearchAttributeType.KEYWORD);
/** The `GenkitPrincipal` keyword search attribute: who started the run (`principal` start option). */
export const GenkitPrincipalSearchAttribute = defineSearchAttributeKey(
  PRINCIPAL_SEARCH_ATTRIBUTE,
  SearchAttributeType.KEYWORD,
);

/** Options of `startFlowWorkflow` / `executeFlowWorkflow`. */
export interface FlowWorkflowOptions extends TemporalConnectionOptions, Omit<TemporalFlowOptions, 'taskQueue'> {
  /** Use this client instead of the shared cached one. */
  client?: Client;
  /** Workflow ID. @default `${flowName}-${idempotencyKey ?? random UUID}` */
  workflowId?: string;
  /**
   * Starts at most one run per key: a second start with the same key returns the first run's handle instead of
   * starting another, while it runs and after it has finished (until the namespace's retention removes it).
   */
  idempotencyKey?: string;
  /**
   * Genkit action context for the flow (`context` in its side channel), e.g. the caller's auth. Credentials
   * (raw ID / App Check tokens, API keys, auth headers) are removed before the run starts.
   */
  context?: Record<string, unknown>;
  /** Keys that sign `context` for the run (current first). @default the keys in GENKITX_CONTEXT_KEYS */
  contextKeys?: readonly ContextKey[];
  /** Extra memo fields (the flow name is always recorded as `genkitFlow`). */
  memo?: Record<string, unknown>;
  /** Extra search attributes, besides `GenkitFlow`. */
  searchAttributes?: SearchAttributePair[];
  /** Skip the `GenkitFlow` search attribute (for namespaces where it is not registered). @default false */
  withoutFlowSearchAttribute?: boolean;
  /**
   * Who starts the run (e.g. a user ID): recorded as memo `genkitPrincipal` and as the `GenkitPrincipal`
   * search attribute, so the run's owner can be checked and their runs listed.
   */
  principal?: string;
  /**
   * Eager workflow start: the server hands the run's first workflow task straight back in the start call, to a
   * worker in this process, which saves one task dispatch. Needs `client` built on the `NativeConnection` of a
   * worker of the run's task queue (`new Client({ connection: worker.connection })`), and a server that allows it
   * (dynamic config `system.enableEagerWorkflowStart`; on in the dev server). The server falls back to a normal
   * start when it cannot. See docs/performance.md for what it saves. @default false
   */
  requestEagerStart?: boolean;
  /**
   * The run's task priority and fairness: `priorityKey` 1 (first) to 5 (last), default 3; `fairnessKey` (at most
   * 64 bytes: a tenant, a user) whose runs share dispatch with other keys' in proportion to `fairnessWeight`
   * (0.001–1000, default 1). The flow's activity inherits it. Fairness needs a server with it on (docs/fairness.md).
   */
  priority?: Priority;
  /**
   * A spending limit for the caller (`principal`) over a window: the start is refused with RESOURCE_EXHAUSTED (an
   * HTTP 429 from the API) when the runs they started within `window` have paid `tokens` (input + output) or `cost`
   * (USD) in all. Front doors set it through their start options; without `principal` it does nothing. Spend is
   * read from each run's `genkitUsage` memo, which a run updates after each attempt. See docs/cost.md.
   */
  callerBudget?: CallerBudget;
}

/** Library search attributes found missing, per address/namespace: starts there skip them. */
const missingAttributes = new Map<string, Set<string>>();

/**
 * Starts a flow as a durable workflow and returns its handle at once. With the flow object, the input is
 * validated against the flow's schema first, so bad input never starts a run.
 *
 * @example
 * ```ts
 * const handle = await startFlowWorkflow(jokeFlow, { topic: 'cats' }, { idempotencyKey: requestId });
 * console.log(handle.workflowId, await handle.result());
 * ```
 */
export async function startFlowWorkflow<F extends FlowRef>(
  flow: F,
  input: FlowInput<F>,
  options: FlowWorkflowOptions = {},
): Promise<WorkflowHandle<FlowWorkflow<F>>> {
  return startFlowWorkflowWith(resolveTemporalConfig(options), flow, input, options);
}

/**
 * @internal `startFlowWorkflow` with the connection settings already resolved from `options`: front doors resolve
 * them once (the resolution reads the environment and the profile file) instead of on every start.
 */
export async function startFlowWorkflowWith<F extends FlowRef>(
  config: ResolvedTemporalConfig,
  flow: F,
  input: FlowInput<F>,
  options: FlowWorkflowOptions,
  dedup: StartDedupOptions = {},
): Promise<WorkflowHandle<FlowWorkflow<F>>> {
  const flowName = flowNameOf(flow);
  assertStartOptions(options);
  // Throws Genkit's ValidationError (INVALID_ARGUMENT, with the details) before anything starts.
  await validateFlowInput(flow, input, {
    dataConverter: options.client ? options.client.options.dataConverter : config.dataConverter,
  });
  // The flow's own `config.temporal` (when it was defined in this process, or given to its flowRef) routes
  // the workflow too.
  const flowDefaults = { ...registeredFlowOptions(flowName), ...refFlowOptions(flow) };
  const client = options.client ?? (await clientFor(config));
  if (options.callerBudget && options.principal !== undefined) {
    await assertCallerBudget(client, options.principal, options.callerBudget);
  }
  const workflowId = options.workflowId ?? `${flowName}-${options.idempotencyKey ?? randomUUID()}`;
  if (workflowId.length > 1000)
    throw invalidStart(`the workflow ID is ${workflowId.length} characters; Temporal allows 1,000`);
  const request: FlowRunRequest = {
    flowName,
    input,
    // Credentials stripped; signed for this run when this process holds a context key (src/identity).
    ...startContext(
      { namespace: client.options.namespace, workflowId, flowName, input, context: options.context },
      options.contextKeys,
    ),
    options: pickFlowOptions(options),
    // Spares the run a lookup on a worker (a local activity) when this process defines the flow; otherwise the
    // run's first attempt reports them (no lookup either; see FlowRunRequest.learnOptions).
    ...knownOrLearnt(flowName, refFlowOptions(flow)),
    // Not knowing the flow's heartbeat timeout, the start takes the longest default workflow-task timeout; the run
    // adopts the flow's own before its first attempt (see FlowRunRequest).
    ...(adoptsFlowTaskTimeout(flow, options) ? { adoptFlowTaskTimeout: true } : {}),
  };
  // Read by the workflow before its first task completes (a flow's Worker Versioning behaviour, per run).
  const versioning = options.versioning ?? flowDefaults.versioning;
  const inputFingerprint = options.idempotencyKey ? fingerprint([flowName, input ?? null]) : undefined;
  const start = (searchAttributes: SearchAttributePair[], reuseClosed = false) =>
    client.workflow.start<FlowWorkflow<F>>(WORKFLOW_TYPE, {
      workflowId,
      taskQueue: options.taskQueue ?? flowDefaults.taskQueue ?? config.taskQueue,
      args: [request],
      // With a key, a second start (running or finished) is refused and answered below with the existing run.
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: reuseClosed ? 'ALLOW_DUPLICATE' : options.idempotencyKey ? 'REJECT_DUPLICATE' : undefined,
      workflowExecutionTimeout: options.workflowExecutionTimeout ?? flowDefaults.workflowExecutionTimeout,
      workflowTaskTimeout:
        options.workflowTaskTimeout ??
        flowDefaults.workflowTaskTimeout ??
        workflowTaskTimeoutFor(options.heartbeatTimeout ?? flowDefaults.heartbeatTimeout),
      memo: {
        genkitFlow: flowName,
        ...(options.principal !== undefined ? { genkitPrincipal: options.principal } : {}),
        ...(options.idempotencyKey ? { genkitInput: inputFingerprint } : {}),
        ...(versioning ? { [VERSIONING_MEMO]: versioning } : {}),
        ...options.memo,
      },
      typedSearchAttributes: searchAttributes,
      staticSummary: `Genkit flow ${flowName}`,
      ...(options.priority ? { priority: options.priority } : {}),
      ...(options.requestEagerStart ? { requestEagerStart: true } : {}),
    });
  const startOnce = async (searchAttributes: SearchAttributePair[]) => {
    try {
      return await start(searchAttributes);
    } catch (err) {
      if (!options.idempotencyKey || !(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const description = await client.workflow.getHandle(workflowId).describe();
      if (description.memo?.genkitInput !== undefined && description.memo.genkitInput !== inputFingerprint) {
        throw new GenkitError({
          status: 'ALREADY_EXISTS',
          message: `idempotency key "${options.idempotencyKey}" was already used for a run of "${flowName}" with different input`,
          detail: { workflowId, idempotencyKey: options.idempotencyKey },
        });
      }
      if (dedup.reuseClosedAfterMs !== undefined && reusable(description, dedup.reuseClosedAfterMs)) {
        try {
          return await start(searchAttributes, true);
        } catch (again) {
          // Another front door re-armed the key first: its run is the one.
          if (!(again instanceof WorkflowExecutionAlreadyStartedError)) throw again;
          return existingRun<F>(client, workflowId, await client.workflow.getHandle(workflowId).describe());
        }
      }
      return existingRun<F>(client, workflowId, description);
    }
  };
  const namespaceKey = `${config.address}/${config.namespace}`;
  const missing = missingAttributes.get(namespaceKey) ?? new Set<string>();
  const library = [
    ...(options.withoutFlowSearchAttribute ? [] : [{ key: GenkitFlowSearchAttribute, value: flowName }]),
    ...(options.principal !== undefined ? [{ key: GenkitPrincipalSearchAttribute, value: options.principal }] : []),
  ].filter((a) => !missing.has(a.key.name));
  const extra = options.searchAttributes ?? [];
  try {
    return await startOnce([...library, ...extra]);
  } catch (err) {
    // A namespace without one of the library's attributes refuses the start with INVALID_ARGUMENT. Decided by
    // trying again without them, last one first (never by the message): the first start that works names
    // the attributes that were the problem.
    if (grpcCodeOf(err) !== GrpcStatus.INVALID_ARGUMENT || library.length === 0) throw err;
    for (let keep = library.length - 1; keep >= 0; keep--) {
      let handle: WorkflowHandle<FlowWorkflow<F>>;
      try {
        handle = await startOnce([...library.slice(0, keep), ...extra]);
      } catch (retryErr) {
        if (grpcCodeOf(retryErr) === GrpcStatus.INVALID_ARGUMENT) continue;
        throw retryErr;
      }
      const dropped = library.slice(keep).map((a) => a.key.name);
      for (const name of dropped) missing.add(name);
      missingAttributes.set(namespaceKey, missing);
      console.warn(
        `[genkitx-temporal] search attribute(s) ${dropped.join(', ')} not registered in namespace ` +
          `"${config.namespace}"; starting runs without them. Register each with: temporal operator ` +
          `search-attribute create --name <name> --type Keyword`,
      );
      return handle;
    }
    throw err;
  }
}

/** @internal How a keyed start treats an earlier run under the same workflow ID. */
export interface StartDedupOptions {
  /**
   * A closed run that started longer ago than this no longer holds the key: the start begins a new run under the
   * same workflow ID (a running one always holds it). @default never (the key holds until retention removes it)
   */
  reuseClosedAfterMs?: number;
}

/** Whether a keyed start may begin a new run beside `description` (closed, and started over `afterMs` ago). */
function reusable(description: WorkflowExecutionDescription, afterMs: number): boolean {
  return description.status.name !== 'RUNNING' && description.startTime.getTime() <= Date.now() - afterMs;
}

/**
 * The handle of the run that already holds a key, bound to its first execution (so the caller gets its `runId`,
 * and `result()` follows its continue-as-new chain).
 */
function existingRun<F>(
  client: Client,
  workflowId: string,
  description: WorkflowExecutionDescription,
): WorkflowHandleWithFirstExecutionRunId<FlowWorkflow<F>> {
  // A server too old to report the chain's first run gives the latest run's ID, which would not bind the handle.
  const first = description.raw.workflowExecutionInfo?.firstRunId || undefined;
  // As `start` does: the chain's first run ID on the handle, for the caller to report.
  return {
    ...client.workflow.getHandle<FlowWorkflow<F>>(
      workflowId,
      undefined,
      first ? { firstExecutionRunId: first } : undefined,
    ),
    firstExecutionRunId: first ?? description.runId,
  };
}

/**
 * Runs a flow as a durable workflow and returns its output. A failed run throws `FlowRunError`, which keeps
 * the flow's Genkit status, message and detail and says how many attempts were made.
 *
 * @example
 * ```ts
 * const joke = await executeFlowWorkflow(jokeFlow, { topic: 'cats' });
 * ```
 */
export async function executeFlowWorkflow<F extends FlowRef>(
  flow: F,
  input: FlowInput<F>,
  options: FlowWorkflowOptions = {},
): Promise<FlowOutput<F>> {
  const handle = await startFlowWorkflow(flow, input, options);
  try {
    return await handle.result();
  } catch (err) {
    throw toFlowRunError(err, handle.workflowId, (handle as { firstExecutionRunId?: string }).firstExecutionRunId);
  }
}

/** The name the original genkitx-temporal used for `executeFlowWorkflow`. */
export const executeTemporalFlow = executeFlowWorkflow;
/** The name the original genkitx-temporal used for `startFlowWorkflow`. */
export const startTemporalFlow = startFlowWorkflow;

function pickFlowOptions(o: FlowWorkflowOptions): TemporalFlowOptions | undefined {
  const picked: TemporalFlowOptions = {
    retry: o.retry,
    startToCloseTimeout: o.startToCloseTimeout,
    scheduleToCloseTimeout: o.scheduleToCloseTimeout,
    heartbeatTimeout: o.heartbeatTimeout,
    nonRetryableStatuses: o.nonRetryableStatuses,
    durable: o.durable,
    taskQueue: o.taskQueue,
    continueAsNewAfter: o.continueAsNewAfter,
    maxFailoversWithoutProgress: o.maxFailoversWithoutProgress,
    versioning: o.versioning,
    budget: o.budget,
    prices: o.prices,
    usageSearchAttributes: o.usageSearchAttributes,
  };
  const defined = Object.fromEntries(Object.entries(picked).filter(([, v]) => v !== undefined));
  return Object.keys(defined).length ? defined : undefined;
}

/**
 * The flow's registered options when this process defines the flow, or the ask that the run learn them (with the
 * options a `flowRef` from the workers' manifest carries, which the first attempt is scheduled with).
 */
function knownOrLearnt(
  flowName: string,
  expected: TemporalFlowOptions,
): Pick<FlowRunRequest, 'registeredOptions' | 'learnOptions' | 'expectedOptions'> {
  const registeredOptions = knownFlowOptions(flowName);
  if (registeredOptions) return { registeredOptions };
  return { learnOptions: true, ...(Object.keys(expected).length ? { expectedOptions: expected } : {}) };
}

/**
 * Whether the start leaves the workflow-task timeout to the flow's options, which it does not know: a bare name or
 * a `flowRef` without `temporal` (the flow object, a flow registered in this process and a `flowRef` that has
 * `temporal`, by hand or from `flowManifest`, are known), and no timeout given with the start.
 */
function adoptsFlowTaskTimeout(flow: FlowRef, options: FlowWorkflowOptions): boolean {
  if (options.workflowTaskTimeout !== undefined || options.heartbeatTimeout !== undefined) return false;
  if (typeof flow === 'string') return knownFlowOptions(flow) === undefined;
  if (isFlowReference(flow)) return flow.temporal === undefined && knownFlowOptions(flow.name) === undefined;
  return false;
}

/** Bad start options fail before anything starts, with INVALID_ARGUMENT. */
function assertStartOptions(options: FlowWorkflowOptions): void {
  if (options.workflowId !== undefined && (typeof options.workflowId !== 'string' || !options.workflowId)) {
    throw invalidStart('workflowId must be a non-empty string');
  }
  if (options.requestEagerStart && !supportsEagerStart(options.client)) {
    throw invalidStart(
      'requestEagerStart needs `client` built on the NativeConnection of a worker in this process ' +
        '(new Client({ connection: nativeConnection })): only that worker can take the eagerly started task',
    );
  }
  if (options.versioning !== undefined && options.versioning !== 'pinned' && options.versioning !== 'auto-upgrade') {
    throw invalidStart(`versioning must be 'pinned' or 'auto-upgrade', got ${JSON.stringify(options.versioning)}`);
  }
  assertPriority(options.priority);
  if (options.callerBudget) callerBudgetWindowMs(options.callerBudget);
  const attempts = options.retry?.maximumAttempts;
  if (attempts !== undefined && (!Number.isInteger(attempts) || attempts < 1)) {
    throw invalidStart(
      `retry.maximumAttempts must be an integer of at least 1 (retries are always bounded), got ${attempts}`,
    );
  }
  const budget = budgetProblems(options.budget);
  if (budget.length) throw invalidStart(`invalid budget: ${budget.join('; ')}`);
}

/** Whether the client's connection can take an eagerly started workflow task (a worker's NativeConnection). */
function supportsEagerStart(client: Client | undefined): boolean {
  const connection = client?.connection as
    { [InternalConnectionLikeSymbol]?: { supportsEagerStart?: boolean } } | undefined;
  return connection?.[InternalConnectionLikeSymbol]?.supportsEagerStart === true;
}

function invalidStart(message: string): GenkitError {
  return new GenkitError({ status: 'INVALID_ARGUMENT', message });
}
