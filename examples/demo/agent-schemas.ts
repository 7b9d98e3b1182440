// The research agent's contract, shared by the worker (which runs it) and the API (which only validates and
// starts it): plain Zod, so the API process never loads genkit.
import { z } from 'zod';

export const AgentInputSchema = z.object({
  topic: z.string().min(3).max(200),
  audience: z.string().max(80).default('engineers'),
});

export const ApprovalSchema = z.object({
  approved: z.boolean(),
  reviewer: z.string().min(1).max(80),
  note: z.string().max(500).optional(),
});

export const AgentOutputSchema = z.object({
  title: z.string(),
  article: z.string(),
  sources: z.array(z.string()),
  claimsChecked: z.number(),
  approval: ApprovalSchema,
  publishedUrl: z.string().optional(),
});

/**
 * The agent's durability settings. The API starts runs from a `flowRef` without loading the flow's module, so
 * both sides take them from here.
 */
export const agentTemporalOptions = {
  // A worker that stops heartbeating for 5 s is presumed dead: its attempt resumes on another worker. (Shorter
  // risks presuming a worker dead that is only starved of CPU; its late writes are then fenced off, harmlessly.)
  heartbeatTimeout: '5s',
  retry: { initialInterval: '300ms', maximumAttempts: 5 },
} as const;

/** One progress event on the run's stream: the terminal and the console render these. */
export const ProgressSchema = z.object({
  stage: z.enum(['plan', 'research', 'fact-check', 'draft', 'approval', 'publish']),
  status: z.enum(['started', 'done', 'waiting', 'skipped']),
  detail: z.string().optional(),
});

export type AgentInput = z.infer<typeof AgentInputSchema>;
export type AgentOutput = z.infer<typeof AgentOutputSchema>;
export type Progress = z.infer<typeof ProgressSchema>;
