// Starting flows as workflows: startFlowWorkflow (returns a handle) and executeFlowWorkflow (returns the result).
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { resolveTemporalConfig, type TemporalConnectionOptions } from './config';
import { clientFor } from './connection';
import { FLOW_SEARCH_ATTRIBUTE, PRINCIPAL_SEARCH_ATTRIBUTE, WORKFLOW_TYPE } from './defaults';
import {
  flowNameOf,
  refFlowOptions,
  validateFlowInput,
  type FlowInput,
  type FlowOutput,
  type FlowRef,
} from './flow-ref';
import { registeredFlowOptions } from './registered-options';
import { toFlowRunError } from './flow-run-error';
import type { FlowRunRequest, TemporalFlowOptions } from './types';

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
/** The search attributes the library sets itself; each is skipped where the namespace lacks it. */
const LIBRARY_ATTRIBUTES = [FLOW_SEARCH_ATTRIBUTE, PRINCIPAL_SEARCH_ATTRIBUTE];

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
  /** Genkit action context for the flow (`context` in its side channel), e.g. the caller's auth. */
  context?: Record<string, unknown>;
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
  const flowName = flowNameOf(flow);
  // Throws Genkit's ValidationError (INVALID_ARGUMENT, with the details) before anything starts.
  validateFlowInput(flow, input);
  const config = resolveTemporalConfig(options);
  // The flow's own `config.temporal` (when it was defined in this process, or given to its flowRef) routes
  // the workflow too.
  const flowDefaults = { ...registeredFlowOptions(flowName), ...refFlowOptions(flow) };
  const client = options.client ?? (await clientFor(config));
  const request: FlowRunRequest = {
    flowName,
    input,
    context: options.context,
    options: pickFlowOptions(options),
  };
  const workflowId = options.workflowId ?? `${flowName}-${options.idempotencyKey ?? randomUUID()}`;
  const start = (searchAttributes: SearchAttributePair[]) =>
    client.workflow.start<FlowWorkflow<F>>(WORKFLOW_TYPE, {
      workflowId,
      taskQueue: options.taskQueue ?? flowDefaults.taskQueue ?? config.taskQueue,
      args: [request],
      // With a key: a running duplicate joins the run (USE_EXISTING); a finished one is not started again
      // (REJECT_DUPLICATE, answered below with the existing run's handle).
      workflowIdConflictPolicy: options.idempotencyKey ? 'USE_EXISTING' : 'FAIL',
      workflowIdReusePolicy: options.idempotencyKey ? 'REJECT_DUPLICATE' : undefined,
      workflowExecutionTimeout: options.workflowExecutionTimeout ?? flowDefaults.workflowExecutionTimeout,
      memo: {
        genkitFlow: flowName,
        ...(options.principal !== undefined ? { genkitPrincipal: options.principal } : {}),
        ...options.memo,
      },
      typedSearchAttributes: searchAttributes,
      staticSummary: `Genkit flow ${flowName}`,
    });
  const startOnce = async (searchAttributes: SearchAttributePair[]) => {
    try {
      return await start(searchAttributes);
    } catch (err) {
      if (options.idempotencyKey && err instanceof WorkflowExecutionAlreadyStartedError) {
        return client.workflow.getHandle<FlowWorkflow<F>>(workflowId);
      }
      throw err;
    }
  };
  const namespaceKey = `${config.address}/${config.namespace}`;
  const missing = missingAttributes.get(namespaceKey) ?? new Set<string>();
  let attributes: SearchAttributePair[] = [
    ...(options.withoutFlowSearchAttribute ? [] : [{ key: GenkitFlowSearchAttribute, value: flowName }]),
    ...(options.principal !== undefined ? [{ key: GenkitPrincipalSearchAttribute, value: options.principal }] : []),
    ...(options.searchAttributes ?? []),
  ].filter((a) => !missing.has(a.key.name));
  for (;;) {
    try {
      return await startOnce(attributes);
    } catch (err) {
      const unknown = unknownLibraryAttribute(err);
      if (!unknown || !attributes.some((a) => a.key.name === unknown)) throw err;
      missing.add(unknown);
      missingAttributes.set(namespaceKey, missing);
      attributes = attributes.filter((a) => a.key.name !== unknown);
      console.warn(
        `[genkitx-temporal] search attribute "${unknown}" is not registered in namespace "${config.namespace}"; ` +
          `starting runs without it. Register it with: temporal operator search-attribute create --name ` +
          `${unknown} --type Keyword`,
      );
    }
  }
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
  };
  const defined = Object.fromEntries(Object.entries(picked).filter(([, v]) => v !== undefined));
  return Object.keys(defined).length ? defined : undefined;
}

/**
 * The library attribute named in the server's "no mapping defined for search attribute X" (INVALID_ARGUMENT),
 * anywhere in the cause chain.
 */
function unknownLibraryAttribute(err: unknown): string | undefined {
  for (let e = err as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (!e.message || !/search attribute/i.test(e.message)) continue;
    const name = LIBRARY_ATTRIBUTES.find((a) => e!.message!.includes(a));
    if (name) return name;
  }
  return undefined;
}
