// The flows the API exposes: references to flows that live in the worker service (no flow code here).
// Replace with your own; FLOWS_MODULE points at this file's build output.
import { flowRef } from 'genkitx-temporal/client';
import { z } from 'zod';

export const flows = [
  flowRef('tripPlanner', {
    inputSchema: z.object({ city: z.string(), days: z.number().int().min(1).max(14) }),
    outputSchema: z.object({ plan: z.string(), bookingId: z.string() }),
    streamSchema: z.string(),
  }),
];
