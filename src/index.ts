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

export { temporal, type TemporalPluginOptions } from './worker/genkit-plugin';
export {
  defineTemporalFlow,
  type TemporalFlowConfig,
  type TemporalFlowFn,
  type TemporalFlowSideChannel,
} from './worker/define-flow';
export { FlowNotJournaledError, registerTemporalFlow, listFlowNames, type AnyFlow } from './worker/registry';
export { flowManifest } from './worker/flow-manifest';
export {
  checkUpgrade,
  UpgradeCheckConfigError,
  type ChangeBranches,
  type CheckUpgradeOptions,
  type FlowCheck,
  type RunCheck,
  type UpgradeCheckReport,
} from './worker/upgrade-check/check-upgrade';
export type { ReplayEnd, ReplayVerdict, StepRequestSummary } from './worker/upgrade-check/replay-check';
export type { ListedBy } from './worker/upgrade-check/open-runs';
export {
  bundleFlowWorkflows,
  startTemporalWorker,
  type TemporalWorkerHandle,
  type TemporalWorkerOptions,
} from './worker/start-worker';
export { GenkitTemporalPlugin, genkitWorkerPlugin, type GenkitWorkerPluginOptions } from './worker/worker-plugin';
export {
  WorkerVersioningConfigError,
  WorkerVersioningUnavailableError,
  type WorkerVersioningOptions,
} from './worker/worker-versioning';
export { WorkflowNotExportedError } from './worker/workflow-exports';
export { WorkflowBundleConverterError } from './worker/bundle-failure-converter';
export {
  resolveContextTrust,
  UNTRUSTED_CONTEXT_FAILURE,
  type ContextTrust,
  type ContextTrustOptions,
} from './identity/trust';
export { telemetryWorkerPlugin } from './telemetry/tracing-worker-plugin';
export { redactingSpanProcessor, redactSpan, REDACTED } from './telemetry/redaction';
export { startTracingFromEnv, type StopTracing, type TracingFromEnvOptions } from './client/tracing-from-env';
export { tracesCarryUserData } from './client/traces-carry-user-data';
// Everything a caller needs (the light entry, genkitx-temporal/client), plus the worker side below.
export * from './client';
export { TemporalConnectionError } from './client/connection-error';
export { isGenkitError, isRetryable, type GenkitErrorLike } from './common/errors';
export { step } from './worker/journal/step';
export { changed } from './worker/journal/changed';
export { waitForInput, type WaitForInputOptions } from './worker/journal/wait-for-input';
export {
  InterruptAnswerSchema,
  interruptInputName,
  ToolDeniedError,
  type InterruptAnswer,
} from './worker/journal/interrupts';
export { NonDeterministicFlowError, StepResultTooLargeError } from './worker/journal/durable-run';
export { removeGenkitSignalHandlers } from './worker/genkit-signals';
export * from './common/defaults';
export { PLATFORM_ENV, WORKER_ENV } from './common/env-contract';
export {
  FailureTypes,
  type AnswerProvenance,
  type FlowRetryPolicy,
  type FlowVersioning,
  type JournalEntry,
  type SerializedFlowError,
  type StepInFlight,
  type StepKind,
} from './common/types';
