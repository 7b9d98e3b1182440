// The baseline of P1/P2: what a Temporal user writes by hand for one function call — a workflow that runs one
// activity with a retry policy and returns its result. Workflow code (sandbox): imports @temporalio/workflow only.
import { proxyActivities } from '@temporalio/workflow';
import type { handwrittenActivities } from './handwritten';

const { callFlow, callFlowHeartbeating } = proxyActivities<ReturnType<typeof handwrittenActivities>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '20s',
  retry: { maximumAttempts: 5, initialInterval: '1s' },
});

export async function handwrittenFlowWorkflow(input: number): Promise<number> {
  return callFlow(input);
}

/** The same with an activity that heartbeats once as it starts (bench/cpu-per-run.ts: what a heartbeat costs). */
export async function handwrittenHeartbeatWorkflow(input: number): Promise<number> {
  return callFlowHeartbeating(input);
}
