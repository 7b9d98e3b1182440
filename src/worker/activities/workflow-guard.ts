// runGenkitFlowActivity only works inside `runGenkitFlow`: each attempt claims the workflow's journal through
// updates that only `runGenkitFlow` handles. Called from any other workflow (e.g. through proxyActivities) it
// could never succeed, and Temporal would retry it; this guard fails it once, non-retryably, saying what to do.
import { Context } from '@temporalio/activity';
import { WORKFLOW_TYPE } from '../../common/defaults';
import { FailureTypes, libraryFailure } from '../../common/failures';

/**
 * Throws a non-retryable `ApplicationFailure` (type `GenkitActivityOutsideRunGenkitFlow`, status
 * `FAILED_PRECONDITION`) unless the current activity was scheduled by `runGenkitFlow`.
 * @example
 * ```ts
 * async runGenkitFlowActivity(request) {
 *   assertScheduledByRunGenkitFlow(request.flowName);
 *   // …
 * }
 * ```
 */
export function assertScheduledByRunGenkitFlow(flowName: string): void {
  const { workflowType, activityType, attempt } = Context.current().info;
  if (workflowType === WORKFLOW_TYPE) return;
  throw libraryFailure(
    FailureTypes.activityOutsideRun,
    `${activityType} was scheduled by workflow type "${workflowType}", but it only works inside ` +
      `"${WORKFLOW_TYPE}" (which owns the flow's journal). To run the Genkit flow "${flowName}" from your own ` +
      `workflow, run \`${WORKFLOW_TYPE}\` as a child workflow: ` +
      `executeChild(${WORKFLOW_TYPE}, { args: [{ flowName: '${flowName}', input }], taskQueue })`,
    { attempt, status: 'FAILED_PRECONDITION', detail: { workflowType, flowName } },
  );
}
