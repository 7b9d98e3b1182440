// Your flows: replace this example. The worker imports this module (FLOWS_MODULE) before it starts polling, so
// every flow defined with defineTemporalFlow here is served. Configure models with the plugins you use
// (their keys come from secrets, e.g. GEMINI_API_KEY for @genkit-ai/google-genai).
import { genkit, z } from 'genkit';
import { defineTemporalFlow, step, temporal } from 'genkitx-temporal';

const ai = genkit({ plugins: [temporal()] });

export const helloFlow = defineTemporalFlow(ai, { name: 'helloFlow', inputSchema: z.string() }, async (name) => {
  const greeting = await step('greet', async () => `hello ${name}`);
  return { greeting };
});
