// genkitx-temporal: run any Genkit flow as a durable Temporal workflow.
// Workflow code lives in `genkitx-temporal/workflows`; activities in `genkitx-temporal/activities`.
export { temporal, type TemporalPluginOptions } from './plugin';
export { defineTemporalFlow, type TemporalFlowConfig, type TemporalFlowFn, type TemporalFlowSideChannel } from './flow';
export { FlowNotJournaledError, registerTemporalFlow, listFlowNames, type AnyFlow } from './registry';
export {
  bundleFlowWorkflows,
  startTemporalWorker,
  type TemporalWorkerHandle,
  type TemporalWorkerOptions,
} from './worker';
export { GenkitTemporalPlugin, genkitWorkerPlugin, type GenkitWorkerPluginOptions } from './worker-plugin';
export { WorkflowNotExportedError } from './workflow-exports';
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
} from './client';
export { flowRef, isFlowReference, type FlowRefOptions } from './flow-ref';
export { closeTemporalClients, getTemporalClient } from './connection';
export { TemporalConnectionError } from './connection-error';
export {
  cancelFlowRun,
  getFlowRun,
  provideFlowInput,
  streamFlowRun,
  type FlowRun,
  type FlowRunOptions,
  type FlowStreamEvent,
  type ProvideFlowInputOptions,
  type StreamFlowRunOptions,
} from './flow-runs';
export { resolveTemporalConfig, type ResolvedTemporalConfig, type TemporalConnectionOptions } from './config';
export { FlowRunError } from './flow-run-error';
export { isGenkitError, isRetryable } from './errors';
export { step } from './journal/step';
export { waitForInput, type WaitForInputOptions } from './journal/wait-for-input';
export { InterruptAnswerSchema, interruptInputName, ToolDeniedError, type InterruptAnswer } from './journal/interrupts';
export { NonDeterministicFlowError, StepResultTooLargeError } from './journal/durable-run';
export { removeGenkitSignalHandlers } from './genkit-signals';
export * from './defaults';
export {
  FailureTypes,
  type FlowProgress,
  type FlowRetryPolicy,
  type FlowRunRequest,
  type JournalEntry,
  type PendingInput,
  type StepInFlight,
  type TemporalFlowOptions,
} from './types';
