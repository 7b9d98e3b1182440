// A run started by a caller that does not know the flow's registered options (`FlowRunRequest.learnOptions`)
// schedules its first attempt with the kit's defaults, and the attempt reports the registered options. These decide
// whether that attempt may run the flow: only when the registered options would have scheduled and run it the same
// way. Pure and sandbox-safe (workflow code imports it).
import {
  DEFAULT_CONTINUE_AS_NEW_AFTER,
  DEFAULT_HEARTBEAT_TIMEOUT,
  DEFAULT_MAX_FAILOVERS_WITHOUT_PROGRESS,
  DEFAULT_RETRY,
  DEFAULT_START_TO_CLOSE_TIMEOUT,
} from './defaults';
import { parseDuration, validateRetryPolicy, workflowTaskTimeoutFor } from './retry-math';
import type { FlowActivityRequest, FlowRetryPolicy, OptionsReportRequest, TemporalFlowOptions } from './types';

/** The options a run goes by: the flow's registered ones, overridden by its start options. */
export function runOptions(
  registered: TemporalFlowOptions | undefined,
  start: TemporalFlowOptions | undefined,
): TemporalFlowOptions {
  return { ...registered, ...start };
}

/** The settings of one attempt that come from the run's options (what the workflow sends with each attempt). */
export function attemptSettings(
  options: TemporalFlowOptions,
): Pick<FlowActivityRequest, 'durable' | 'nonRetryableStatuses' | 'retry' | 'budget' | 'prices'> {
  return {
    durable: options.durable !== false,
    nonRetryableStatuses: options.nonRetryableStatuses,
    retry: fullRetryPolicy(options.retry),
    // Sent only when set, so the attempts of runs recorded before carry the same arguments.
    ...(options.budget ? { budget: options.budget } : {}),
    ...(options.prices ? { prices: options.prices } : {}),
  };
}

/** A retry policy with the kit's defaults filled in. */
export function fullRetryPolicy(policy: FlowRetryPolicy | undefined): Required<FlowRetryPolicy> {
  return { ...DEFAULT_RETRY, ...policy };
}

/**
 * Options the attempt applies itself, from the registered options (`attemptSettings`), or that the workflow uses only
 * once the attempt has ended (with the options it reported), or not at all (start options): they may differ from the
 * defaults the attempt was scheduled with. Every other option, including any added later, must be equal.
 */
const APPLIED_BY_THE_ATTEMPT_OR_LATER: ReadonlySet<string> = new Set([
  'retry',
  'durable',
  'nonRetryableStatuses',
  'budget',
  'prices',
  'usageSearchAttributes',
  'workflowExecutionTimeout',
  'workflowTaskTimeout',
  'versioning', // decided below, the way the run adopts it
]);

/** Defaults the workflow applies where an option is unset (durations in ms). */
const DEFAULTS: Readonly<Record<string, unknown>> = {
  startToCloseTimeout: parseDuration(DEFAULT_START_TO_CLOSE_TIMEOUT),
  heartbeatTimeout: parseDuration(DEFAULT_HEARTBEAT_TIMEOUT),
  continueAsNewAfter: DEFAULT_CONTINUE_AS_NEW_AFTER,
  maxFailoversWithoutProgress: DEFAULT_MAX_FAILOVERS_WITHOUT_PROGRESS,
};
const DURATIONS: ReadonlySet<string> = new Set(['startToCloseTimeout', 'scheduleToCloseTimeout', 'heartbeatTimeout']);

/**
 * Whether an attempt scheduled without the flow's registered options (on `taskQueue`, with the start options, the
 * options the starter expected and the kit's defaults) is the attempt the registered options would have scheduled, before which the run would not
 * have continued as new to adopt a workflow-task timeout or a versioning behaviour: then it may run the flow.
 *
 * @example
 * ```ts
 * schedulesAlike({ retry: { maximumAttempts: 2 } }, {}, 'q'); // true: the workflow applies it after the attempt
 * schedulesAlike({ heartbeatTimeout: '3s' }, {}, 'q'); // false: the attempt was scheduled with 20 s
 * ```
 */
export function schedulesAlike(
  registered: TemporalFlowOptions,
  ask: OptionsReportRequest,
  taskQueue: string,
  /** The heartbeat timeout the attempt was given (ms): not longer than the options' (the server may cap it shorter). */
  heartbeatTimeoutMs?: number,
): boolean {
  const options = runOptions(registered, ask.startOptions);
  const assumed = runOptions(ask.expectedOptions, ask.startOptions);
  const defaults: Record<string, unknown> = { ...DEFAULTS, taskQueue };
  for (const key of new Set([...Object.keys(options), ...Object.keys(assumed)])) {
    if (APPLIED_BY_THE_ATTEMPT_OR_LATER.has(key)) continue;
    const value = (o: TemporalFlowOptions) => normalized(key, o[key as keyof TemporalFlowOptions] ?? defaults[key]);
    if (JSON.stringify(value(options)) !== JSON.stringify(value(assumed))) return false;
  }
  const heartbeatMs = parseDuration(options.heartbeatTimeout ?? DEFAULT_HEARTBEAT_TIMEOUT);
  if (heartbeatTimeoutMs !== undefined && heartbeatMs !== undefined && heartbeatTimeoutMs > heartbeatMs) return false;
  // An invalid policy fails the run before its first attempt.
  if (validateRetryPolicy(options.retry ?? {}).length) return false;
  if (registered.versioning && registered.versioning !== ask.versioning) return false;
  if (ask.adoptsTaskTimeoutBelowMs === undefined) return true;
  if (heartbeatMs === undefined) return false;
  return workflowTaskTimeoutFor(options.heartbeatTimeout) >= ask.adoptsTaskTimeoutBelowMs;
}

function normalized(key: string, value: unknown): unknown {
  if (!DURATIONS.has(key) || value === undefined) return value;
  return parseDuration(value) ?? value;
}
