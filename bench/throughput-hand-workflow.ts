// The hand-written side of P6: what a Temporal user writes by hand for the same CPU-bound flow — a workflow that
// runs its steps as activities, one after the other. Workflow code (sandbox): imports @temporalio/workflow only.
import { proxyActivities } from '@temporalio/workflow';
import type { throughputHandActivities } from './throughput-hand-worker';

const { burnStep } = proxyActivities<ReturnType<typeof throughputHandActivities>>({
  startToCloseTimeout: '10 minutes',
  retry: { maximumAttempts: 5, initialInterval: '1s' },
});

export async function handwrittenCpuWorkflow(input: { steps: number; cpuMs: number }): Promise<number> {
  let total = 0;
  for (let i = 0; i < input.steps; i++) total += await burnStep(input.cpuMs);
  return total;
}
