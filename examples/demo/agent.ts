// The demo's agent, hosted by the worker processes (their FLOWS_MODULE): research a topic, draft an article, wait
// for a person to approve it, publish it. Plan → search tool calls → notes → fact-check → draft → approval →
// publish. Runs on the scripted research model offline, or on Gemini when GEMINI_API_KEY is set (DEMO_MODEL
// picks the model), unchanged. Everything that really runs is noted in the demo's ledger (see ledger.ts).
import { googleAI } from '@genkit-ai/google-genai';
import { genkit, z } from 'genkit';
import { defineTemporalFlow, temporal } from '../../src';
import {
  agentTemporalOptions,
  AgentInputSchema,
  AgentOutputSchema,
  ApprovalSchema,
  ProgressSchema,
} from './agent-schemas';
import { note } from '../../test/harness/ledger';
import { defineResearchModel } from './research-model';

const useGemini = Boolean(process.env.GEMINI_API_KEY || process.env.GOOGLE_API_KEY);

export const ai = genkit({ plugins: [temporal(), ...(useGemini ? [googleAI()] : [])] });

const researchModel = defineResearchModel(ai);

/** The model every turn of the agent uses. */
export const agentModel = useGemini ? (process.env.DEMO_MODEL ?? 'googleai/gemini-2.5-flash') : researchModel.name;

/** How long the fact-check step works: long enough for the demo to kill its worker mid-step. */
const FACT_CHECK_MS = Number(process.env.DEMO_FACT_CHECK_MS ?? 2000);

const searchWeb = ai.defineTool(
  {
    name: 'searchWeb',
    description: 'Searches the web and returns the best matching source with a one-line summary',
    inputSchema: z.object({ query: z.string() }),
    outputSchema: z.string(),
  },
  async ({ query }) => {
    note('start', `tool:searchWeb:${query}`);
    const source = `https://example.org/search/${encodeURIComponent(query.toLowerCase().replace(/\s+/g, '-'))}`;
    note('done', `tool:searchWeb:${query}`);
    return `${source}: three teams describe "${query}"`;
  },
);

export const researchAgent = defineTemporalFlow(
  ai,
  {
    name: 'researchAgent',
    inputSchema: AgentInputSchema,
    outputSchema: AgentOutputSchema,
    streamSchema: ProgressSchema,
    temporal: agentTemporalOptions,
  },
  async ({ topic, audience }, { abortSignal, sendChunk, step, waitForInput }) => {
    note('activity', 'flow');
    sendChunk({ stage: 'plan', status: 'started' });
    const plan = await ai.generate({
      model: agentModel,
      prompt: `[plan] Plan research on "${topic}" for ${audience}. Answer with two web search queries, one per line.`,
      abortSignal,
    });
    const queries = plan.text
      .split('\n')
      .map((line) => line.replace(/^[-*\d.\s]+/, '').trim())
      .filter(Boolean)
      .slice(0, 3);
    sendChunk({ stage: 'plan', status: 'done', detail: queries.join(' | ') });

    sendChunk({ stage: 'research', status: 'started' });
    const research = await ai.generate({
      model: agentModel,
      prompt:
        `[research] Research "${topic}" with the searchWeb tool, one call per query, then list the findings.\n` +
        `queries: ${queries.join('; ')}`,
      tools: [searchWeb],
      maxTurns: 4,
      abortSignal,
    });
    const sources = [...research.text.matchAll(/https:\/\/\S+?(?=:|\s|$)/g)].map((m) => m[0]);
    sendChunk({ stage: 'research', status: 'done', detail: `${sources.length} sources` });

    sendChunk({ stage: 'fact-check', status: 'started' });
    const claimsChecked = await step('fact-check', async (signal) => {
      note('start', 'step:fact-check');
      await sleep(FACT_CHECK_MS, signal);
      note('done', 'step:fact-check');
      return research.text.split('\n').filter(Boolean).length;
    });
    sendChunk({ stage: 'fact-check', status: 'done', detail: `${claimsChecked} claims checked` });

    sendChunk({ stage: 'draft', status: 'started' });
    const draft = await ai.generate({
      model: agentModel,
      prompt: `[draft] Write a short article on "${topic}" for ${audience}, title first, from these notes:\n${research.text}`,
      abortSignal,
    });
    const title = draft.text.split('\n')[0].replace(/^#+\s*/, '');
    sendChunk({ stage: 'draft', status: 'done', detail: title });

    sendChunk({ stage: 'approval', status: 'waiting', detail: `Publish "${title}"?` });
    // The attempt ends here: no worker is held while a person decides.
    const approval = await waitForInput('approval', {
      schema: ApprovalSchema,
      description: `Publish "${title}"?`,
      timeout: '1 day',
    });
    sendChunk({
      stage: 'approval',
      status: 'done',
      detail: `${approval.approved ? 'approved' : 'rejected'} by ${approval.reviewer}`,
    });

    if (!approval.approved) {
      sendChunk({ stage: 'publish', status: 'skipped' });
      return { title, article: draft.text, sources, claimsChecked, approval };
    }
    sendChunk({ stage: 'publish', status: 'started' });
    const publishedUrl = await step('publish', async () => {
      note('start', 'step:publish');
      const url = `https://blog.example.org/${title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')}`;
      note('done', 'step:publish');
      return url;
    });
    sendChunk({ stage: 'publish', status: 'done', detail: publishedUrl });
    return { title, article: draft.text, sources, claimsChecked, approval, publishedUrl };
  },
);

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}
