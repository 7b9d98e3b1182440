// The hand-written baseline of bench/fast-paths.ts: one workflow that runs one no-op activity, the smallest
// Temporal program doing what a no-op `executeFlowWorkflow` does.
import { proxyActivities } from '@temporalio/workflow';

const { handNoopActivity } = proxyActivities<{ handNoopActivity(input: number): Promise<number> }>({
  startToCloseTimeout: '1 minute',
});

export async function handNoopWorkflow(input: number): Promise<number> {
  return handNoopActivity(input);
}
