// Who may see a run: it must exist, belong to an exposed flow and, with auth, to the caller (or the caller is an
// admin). A run that fails any of these is "not found", so its existence does not leak.
import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import type { Context } from 'hono';
import type { FlowApiEnv, Principal } from './principal-auth';

export interface RunAccess {
  /** Flow names the caller may reach. */
  flowNames: ReadonlySet<string>;
  /** Runs are scoped to their principal (the API has auth). */
  scoped: boolean;
  isAdmin?: (principal: Principal) => boolean;
}

/** Whether the request's principal sees every run. */
export function seesEveryRun(c: Context<FlowApiEnv>, access: RunAccess): boolean {
  if (!access.scoped) return true;
  const principal = c.get('principal');
  return !!principal && (principal.admin === true || access.isAdmin?.(principal) === true);
}

/** The run's description when the caller may see it, else `undefined`. */
export async function describeVisibleRun(
  c: Context<FlowApiEnv>,
  client: Client,
  workflowId: string,
  access: RunAccess,
): Promise<{ description: WorkflowExecutionDescription; flowName: string } | undefined> {
  if (!workflowId || workflowId.length > 1000) return undefined;
  let description: WorkflowExecutionDescription;
  try {
    description = await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
  const flowName = description.memo?.genkitFlow;
  if (typeof flowName !== 'string' || !access.flowNames.has(flowName)) return undefined;
  if (!seesEveryRun(c, access)) {
    const principal = c.get('principal');
    if (!principal || description.memo?.genkitPrincipal !== principal.id) return undefined;
  }
  return { description, flowName };
}
