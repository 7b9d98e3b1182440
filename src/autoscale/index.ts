// genkitx-temporal/autoscale: sizes Cloud Run workers from the Temporal task queue's backlog.
export { runAutoscaler, type AutoscaleResult, type AutoscalerOptions, type DecisionLog } from './autoscaler';
export { createAutoscaleHandler, runAutoscalerOnce } from './entry';
export {
  CloudRunTarget,
  OperationDeadlineError,
  targetKind,
  type CloudRunTargetOptions,
  type Plan,
  type RunClientOptions,
  type TargetSnapshot,
  type UpdateOutcome,
} from './cloud-run-target';
export {
  decide,
  EMPTY_STATE,
  recommend,
  validatePolicy,
  type Decision,
  type DecisionReason,
  type QueueLoad,
  type ScaleDownState,
  type ScalingPolicy,
} from './policy';
export { readQueueLoad, UnknownTaskQueueError, type QueueLoadReading } from './queue-load';
export { readDeploymentVersions } from './deployment-versions';
export {
  planSplit,
  RevisionMismatchError,
  type Allocation,
  type AllocationReason,
  type Dropped,
  type InstanceSplit,
  type SplitDecision,
  type SplitInput,
  type VersionReading,
  type VersionStatus,
} from './version-split';
export { DEFAULT_TEMPORAL_CALL_TIMEOUT_MS, TemporalCallTimeoutError } from './temporal-deadline';
export { AUTOSCALER_ENV } from '../common/env-contract';
export {
  AUTOSCALER_ENV_NAMES,
  autoscalerSettingsFromEnv,
  DEFAULT_POLICY,
  readAutoscalerEnv,
  type AutoscalerEnv,
  type AutoscalerSettings,
} from './settings';
export { decodeState, encodeState, STATE_ANNOTATION } from './state-annotation';
