// genkitx-temporal: run any Genkit flow as a durable Temporal workflow.
// Workflow code lives in `genkitx-temporal/workflows`; activities in `genkitx-temporal/activities`.
import { requirePeers } from './peer-dependencies';

// Before anything else loads: a missing peer is named, with the command that installs it.
requirePeers('genkitx-temporal', [
  'genkit',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/workflow',
  '@temporalio/activity',
]);

export { temporal, type TemporalPluginOptions } from './plugin';
export { defineTemporalFlow, type TemporalFlowConfig, type TemporalFlowFn, type TemporalFlowSideChannel } from './flow';
export { FlowNotJournaledError, registerTemporalFlow, listFlowNames, type AnyFlow } from './registry';
export { flowManifest } from './flow-manifest';
export {
  bundleFlowWorkflows,
  startTemporalWorker,
  type TemporalWorkerHandle,
  type TemporalWorkerOptions,
} from './worker';
export { GenkitTemporalPlugin, genkitWorkerPlugin, type GenkitWorkerPluginOptions } from './worker-plugin';
export { WorkflowNotExportedError } from './workflow-exports';
export { WorkflowBundleConverterError } from './bundle-failure-converter';
export {
  resolveContextTrust,
  UNTRUSTED_CONTEXT_FAILURE,
  type ContextTrust,
  type ContextTrustOptions,
} from './identity/trust';
export { telemetryWorkerPlugin } from './telemetry/worker-plugin';
export { redactingSpanProcessor, redactSpan, REDACTED } from './telemetry/redaction';
export { startTracingFromEnv, type StopTracing, type TracingFromEnvOptions } from './telemetry/tracing-from-env';
export { tracesCarryUserData } from './telemetry/user-data';
// Everything a caller needs (the light entry, genkitx-temporal/client), plus the worker side below.
export * from './caller';
export { TemporalConnectionError } from './connection-error';
export { isGenkitError, isRetryable, type GenkitErrorLike } from './errors';
export { step } from './journal/step';
export { waitForInput, type WaitForInputOptions } from './journal/wait-for-input';
export { InterruptAnswerSchema, interruptInputName, ToolDeniedError, type InterruptAnswer } from './journal/interrupts';
export { NonDeterministicFlowError, StepResultTooLargeError } from './journal/durable-run';
export { removeGenkitSignalHandlers } from './genkit-signals';
export * from './defaults';
export {
  FailureTypes,
  type FlowRetryPolicy,
  type JournalEntry,
  type SerializedFlowError,
  type StepInFlight,
  type StepKind,
} from './types';
