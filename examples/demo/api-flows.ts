// FLOWS_MODULE of the demo's front-door API (cloudrun/api): a reference to the agent that lives in the workers.
import { flowRef } from '../../src/client';
import { agentTemporalOptions, AgentInputSchema, AgentOutputSchema, ProgressSchema } from './agent-schemas';

export const researchAgentRef = flowRef('researchAgent', {
  inputSchema: AgentInputSchema,
  outputSchema: AgentOutputSchema,
  streamSchema: ProgressSchema,
  temporal: agentTemporalOptions,
});

export const flows = [researchAgentRef];
