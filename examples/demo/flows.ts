// The demo's Genkit app: a durable "trip planner" flow that calls a model, a tool and a side effect.
// It uses Gemini when GEMINI_API_KEY (or GOOGLE_API_KEY) is set, and a scripted demo model otherwise.
import { googleAI } from '@genkit-ai/google-genai';
import { genkit, z } from 'genkit';
import { defineTemporalFlow, temporal } from '../../src';
import { defineScriptedModel } from '../../src/testing';

const useGemini = Boolean(process.env.GEMINI_API_KEY || process.env.GOOGLE_API_KEY);

export const ai = genkit({ plugins: [temporal(), ...(useGemini ? [googleAI()] : [])] });

let overloadedOnce = false;

/** The scripted model, and how often it was really called. */
export const demoModel = defineScriptedModel(ai, {
  name: 'demo/planner',
  // Turn 1 asks for the weather tool; turn 2 answers with what the tool said. The first try of turn 2 fails
  // with UNAVAILABLE, as an overloaded provider would, so the demo shows a retry resuming from the journal.
  script: (request) => {
    const toolResponse = request.messages.flatMap((m) => m.content).find((p) => p.toolResponse)?.toolResponse;
    if (!toolResponse) return { toolRequests: [{ name: 'weather', input: { city: cityOf(request.messages) } }] };
    if (!overloadedOnce) {
      overloadedOnce = true;
      return { error: { status: 'UNAVAILABLE', message: 'model overloaded (scripted)', retryAfterMs: 500 } };
    }
    return {
      text: `Pack for ${String(toolResponse.output)}. Day 1: old town walk; day 2: the harbour.`,
      chunks: ['Pack ', 'for ', '…'],
    };
  },
});

function cityOf(messages: Array<{ content: Array<{ text?: string }> }>): string {
  const text = messages
    .flatMap((m) => m.content)
    .map((p) => p.text ?? '')
    .join(' ');
  return /to (\w+)/.exec(text)?.[1] ?? 'Lisbon';
}

/** Which model the demo talks to. */
export const modelName = useGemini ? 'googleai/gemini-2.5-flash' : demoModel.name;

/** How often the weather tool really ran. */
export let weatherCalls = 0;

const weather = ai.defineTool(
  {
    name: 'weather',
    description: 'The weather forecast for a city',
    inputSchema: z.object({ city: z.string() }),
    outputSchema: z.string(),
  },
  async ({ city }) => {
    weatherCalls++;
    return `${city}: 21°C and sunny`;
  },
);

export const tripPlanner = defineTemporalFlow(
  ai,
  {
    name: 'tripPlanner',
    inputSchema: z.object({ city: z.string(), days: z.number().int().min(1).max(14) }),
    outputSchema: z.object({ plan: z.string(), bookingId: z.string() }),
    streamSchema: z.string(),
    temporal: { retry: { maximumAttempts: 3 } },
  },
  async ({ city, days }, { abortSignal, sendChunk, step }) => {
    const { text } = await ai.generate({
      model: modelName,
      prompt: `Plan a ${days}-day trip to ${city}. Check the weather first.`,
      tools: [weather],
      abortSignal,
      onChunk: (chunk) => sendChunk(chunk.text), // the plan's text as it is written: durable, re-attachable
    });
    // Journaled: a retry after this point would not book twice.
    const bookingId = await step('book-hotel', () => `booking-${city.toLowerCase()}-${days}d`);
    return { plan: text, bookingId };
  },
);
