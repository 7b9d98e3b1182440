// Entry point of `genkitx-temporal/client`: everything a caller needs to start, read, answer, stream and cancel
// flow runs, and nothing a worker needs — no `@temporalio/worker`, no workflow code, no `genkit` root, no model
// plugins (test/package/light-entry.test.ts checks which modules load). Refer to flows with `flowRef`.
import { requirePeers } from '../peer-dependencies';

// Before anything else loads: a missing peer is named, with the command that installs it.
requirePeers('genkitx-temporal/client', ['@temporalio/client']);

export {
  executeFlowWorkflow,
  executeTemporalFlow,
  GenkitFlowSearchAttribute,
  GenkitPrincipalSearchAttribute,
  startFlowWorkflow,
  startTemporalFlow,
  type FlowChunk,
  type FlowInput,
  type FlowOutput,
  type FlowRef,
  type FlowReference,
  type FlowWorkflow,
  type FlowWorkflowOptions,
} from './start-flow';
export { MAX_RUNS_PER_CALLER_BUDGET_CHECK, type CallerBudget } from './caller-budget';
export {
  flowRef,
  flowRefsFrom,
  isFlowReference,
  type AnyFlowSchema,
  type FlowManifest,
  type FlowManifestEntry,
  type FlowRefOptions,
  type FlowSchema,
  type SchemaOutput,
  type StandardSchemaLike,
} from './flow-ref';
export { closeTemporalClients, getTemporalClient } from './connection';
export { FAIRNESS_CLAIM_ENV, FAIRNESS_WEIGHTS_ENV, type FairnessCaller, type FairnessOptions } from './fairness';
export {
  cancelFlowRun,
  getFlowRun,
  provideFlowInput,
  streamFlowRun,
  type FlowRun,
  type FlowRunOptions,
  type FlowStreamEvent,
  type GetFlowRunOptions,
  type ProgressUnavailable,
  type ProvideFlowInputOptions,
  type StreamFlowRunOptions,
} from './flow-runs';
export { stepInFlightOf } from './running-step';
export {
  describeWorkerVersion,
  setCurrentWorkerVersion,
  WorkerVersionNotPolledError,
  type SetCurrentWorkerVersionOptions,
  type WorkerVersionDescription,
  type WorkerVersionRef,
  type WorkerVersionStatus,
} from './worker-deployment';
export { resolveTemporalConfig, type ResolvedTemporalConfig, type TemporalConnectionOptions } from './config';
export { FlowRunError } from './flow-run-error';
export type {
  AnswerProvenance,
  FlowAttemptHeartbeat,
  FlowProgress,
  FlowRunRequest,
  PendingInput,
  TemporalFlowOptions,
} from '../common/types';
export { telemetryClientInterceptors } from '../telemetry/client-interceptors';
export type { TelemetryOptions, TelemetrySetting } from '../telemetry/options';
// For a front door's own OpenTelemetry SDK: its spans redacted like the worker's when payloads are encrypted.
export { redactingSpanProcessor, redactSpan, REDACTED } from '../telemetry/redaction';
export { startTracingFromEnv, type StopTracing, type TracingFromEnvOptions } from './tracing-from-env';
export { tracesCarryUserData } from './traces-carry-user-data';
// Not './identity' (its worker half loads genkit): the starter's half only.
export { CREDENTIAL_CONTEXT_KEYS, withoutCredentials } from '../identity/credentials';
export { CONTEXT_KEYS_ENV, contextKeysFromEnv, parseContextKeys, type ContextKey } from '../identity/context-keys';
export { callerContext, type CallerAuth } from '../identity/caller-context';
export {
  APPROVAL_KEYS_ENV,
  mintApprovalLink,
  type ApprovalKeys,
  type ApprovalLink,
  type MintApprovalLinkOptions,
  type MintedApprovalLink,
} from '../identity/approval-link';
export type { ContextSignature } from '../common/types';
export {
  BUDGET_INPUT_NAME,
  costOf,
  type BudgetAnswer,
  type BudgetLimit,
  type CallUsage,
  type FlowBudget,
  type ModelPrice,
  type PriceTable,
  type RunUsage,
  type UsageBreakdown,
  type UsageTotals,
} from '../common/usage';
