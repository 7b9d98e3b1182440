// An execution that carries state without a seal, on a worker that holds the context key: it was continued by a
// worker that did not seal (a version before seals, or a worker without the key, while keys are turned on). Such a
// continuation is still the workflow's own when Temporal's history says so: the previous execution of
// `runGenkitFlow`, on this task queue, ended in its own continue-as-new into this run (or into the run a reset
// copied this one from). A client start, a schedule, a cron or retry re-run never ends that way; only code polling
// this task queue can, and a poller can forge any result anyway (docs/security.md).
import type { Info } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';

const { ContinueAsNewInitiator } = proto.temporal.api.enums.v1;
/** The server records a workflow's own continue-as-new as WORKFLOW or leaves it unspecified; cron and retry say so. */
const OWN_CONTINUE_AS_NEW: readonly (number | null | undefined)[] = [
  ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_WORKFLOW,
  ContinueAsNewInitiator.CONTINUE_AS_NEW_INITIATOR_UNSPECIFIED,
  null,
  undefined,
];

/**
 * Whether the execution `info` names was continued as new by its own workflow from `previousRunId`.
 * @internal Called by the `verifyGenkitContinuation` local activity for an unsealed continuation only.
 */
export async function continuedByItsOwnWorkflow(client: Client, info: Info, previousRunId: string): Promise<boolean> {
  const execution = info.workflowExecution;
  if (!execution) return false;
  const namespace = info.workflowNamespace ?? info.activityNamespace;
  const service = client.workflowService;
  const [lastOfPrevious, previous, firstOfThis] = await Promise.all([
    service.getWorkflowExecutionHistoryReverse({
      namespace,
      execution: { workflowId: execution.workflowId, runId: previousRunId },
      maximumPageSize: 1,
    }),
    service.describeWorkflowExecution({
      namespace,
      execution: { workflowId: execution.workflowId, runId: previousRunId },
    }),
    service.getWorkflowExecutionHistory({
      namespace,
      execution: { workflowId: execution.workflowId, runId: execution.runId },
      maximumPageSize: 1,
    }),
  ]);
  const continued = lastOfPrevious.history?.events?.[0]?.workflowExecutionContinuedAsNewEventAttributes;
  const started = firstOfThis.history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  const before = previous.workflowExecutionInfo;
  if (!continued || !started || !before) return false;
  const intoThisRun =
    continued.newExecutionRunId === execution.runId || continued.newExecutionRunId === started.originalExecutionRunId;
  return (
    intoThisRun &&
    OWN_CONTINUE_AS_NEW.includes(continued.initiator) &&
    before.type?.name === info.workflowType &&
    before.taskQueue === started.taskQueue?.name
  );
}
