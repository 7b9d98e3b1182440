// The flows the API exposes (FLOWS_MODULE points at this file's build output): references to the flows the worker
// serves, read from flows.json, the manifest the worker writes (`npm run manifest` in ../worker: each flow's name,
// input JSON Schema and config.temporal), so runs validate their input and get the flow's own task queue and
// timeouts without loading Genkit or the flows' code here. flows.json is read from the working directory (this
// folder when you `npm start` it, /app in the image). Or write the references by hand:
// `flowRef('tripPlanner', { inputSchema: z.object({ … }), temporal: { … } })` (README, "Runs started by name").
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { flowRefsFrom } from 'genkitx-temporal/client';

const manifest = resolve('flows.json');
if (!existsSync(manifest)) {
  throw new Error(`${manifest} not found: write it with \`npm run manifest\` in the worker (cloudrun/worker)`);
}

export const flows = flowRefsFrom(readFileSync(manifest, 'utf8'));
