// Entry point of `genkitx-temporal/firebase`: Firebase callable functions (v2) that start durable flow runs and
// let their callers read, stream, answer and cancel their own runs. Client-side only, like
// `genkitx-temporal/client`: it never loads `@temporalio/worker` (test/package/firebase-entry.test.ts checks).
import { requirePeers } from '../peer-dependencies';

// Before anything else loads: a missing peer is named, with the command that installs it.
requirePeers('genkitx-temporal/firebase', ['@temporalio/client', 'firebase-functions']);

export { onCallFlow, type CallableStartOptions, type OnCallFlowOptions, type StartedFlowRun } from './on-call-flow';
export {
  onCallFlowRun,
  type CallableFlowRun,
  type FlowRunRequestData,
  type OnCallFlowRunOptions,
} from './on-call-flow-run';
export type { CallableAccess, CallableAuthPolicy, CallableCaller } from './callable-auth';
export { callableCodeOf, toHttpsError } from './errors';
export type { FlowStreamChunk } from './relay';
