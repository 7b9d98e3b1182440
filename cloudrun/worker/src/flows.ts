// Your flows: replace this example. The worker (cloudrun/worker) bundles this module (its package.json
// "config.flows") and serves every flow defined here with defineTemporalFlow; `npm run manifest` there tells the API
// and the Firebase functions about them. Packages imported here load from the worker's node_modules: add the model
// plugins you use to cloudrun/worker/package.json (their keys come from secrets, e.g. GEMINI_API_KEY for
// @genkit-ai/google-genai).
import { genkit, z } from 'genkit';
import { defineTemporalFlow, step, temporal } from 'genkitx-temporal';

const ai = genkit({ plugins: [temporal()] });

export const helloFlow = defineTemporalFlow(ai, { name: 'helloFlow', inputSchema: z.string() }, async (name) => {
  const greeting = await step('greet', async () => `hello ${name}`);
  return { greeting };
});
