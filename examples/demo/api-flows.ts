// FLOWS_MODULE of the demo's front-door API (cloudrun/api): a reference to the agent that lives in the workers.
import { flowRef } from '../../src/caller';
import { AgentInputSchema, AgentOutputSchema, ProgressSchema } from './agent-schemas';

export const researchAgentRef = flowRef('researchAgent', {
  inputSchema: AgentInputSchema,
  outputSchema: AgentOutputSchema,
  streamSchema: ProgressSchema,
});

export const flows = [researchAgentRef];
