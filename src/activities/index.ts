// Entry point of `genkitx-temporal/activities`: register these on your own worker to run `runGenkitFlow`
// next to your workflows and activities.
export {
  createFlowActivities,
  describeGenkitFlow,
  runGenkitFlowActivity,
  sealGenkitContinuation,
  verifyGenkitContinuation,
  type FlowActivities,
} from './flow-activities';
export { AttemptTracker, WorkerShutdownAbort } from './attempt-tracker';
