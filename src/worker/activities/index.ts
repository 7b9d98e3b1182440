// Entry point of `genkitx-temporal/activities`: register these on your own worker to run `runGenkitFlow`
// next to your workflows and activities.
import { requirePeers } from '../../peer-dependencies';

// Before anything else loads: a missing peer is named, with the command that installs it.
requirePeers('genkitx-temporal/activities', ['genkit', '@temporalio/activity']);

export {
  createFlowActivities,
  describeGenkitFlow,
  runGenkitFlowActivity,
  sealGenkitContinuation,
  verifyGenkitContinuation,
  type FlowActivities,
} from './flow-activities';
export { AttemptTracker, WorkerShutdownAbort } from './attempt-tracker';
// The types of the continuation-seal activities' arguments and results (docs/security.md).
export type { CarriedState, ContinuationCheck, ContinuationSeal } from '../../common/types';
