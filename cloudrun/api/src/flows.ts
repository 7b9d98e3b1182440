// The flows the API exposes: references to flows that live in the worker service (no flow code here).
// Replace with your own; FLOWS_MODULE points at this file's build output. `temporal` is the flow's config.temporal
// (tripPlanner sets only retries): runs get the flow's own task queue and timeouts, among them the workflow-task
// timeout that keeps failover after a crash within the heartbeat timeout. Or make them from the worker's
// flowManifest() instead of writing them: `export const flows = flowRefsFrom(readFileSync('flows.json', 'utf8'))`
// (README, "Runs started by name").
import { flowRef } from 'genkitx-temporal/client';
import { z } from 'zod';

export const flows = [
  flowRef('tripPlanner', {
    inputSchema: z.object({ city: z.string(), days: z.number().int().min(1).max(14) }),
    outputSchema: z.object({ plan: z.string(), bookingId: z.string() }),
    streamSchema: z.string(),
    temporal: { retry: { maximumAttempts: 3 } },
  }),
];
