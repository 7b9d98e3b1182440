// An ESM app (`"type": "module"`, `import { genkit, GenkitError } from 'genkit'`) that installed the packed
// package: one copy of genkit is loaded, and errors the library throws (the client's FlowRunError) or replays
// (a journaled step failure on the retried attempt) are instances of the app's own GenkitError.
import { inject } from 'vitest';
import { beforeAll, expect, it } from 'vitest';
import { consumerProject, type ConsumerProject } from './harness';

let esm: ConsumerProject;
beforeAll(async () => {
  esm = await consumerProject('esm');
}, 600_000);

const app = `
import { createRequire } from 'node:module';
import { genkit, GenkitError, z } from 'genkit';
import { closeTemporalClients, defineTemporalFlow, executeFlowWorkflow, startTemporalWorker, temporal } from 'genkitx-temporal';

const ai = genkit({ plugins: [temporal()] });
const seen = [];
let attempt = 0;
const flow = defineTemporalFlow(
  ai,
  { name: 'esmErrors', inputSchema: z.string(), temporal: { retry: { maximumAttempts: 2, initialInterval: '100ms' } } },
  async (input, { step }) => {
    attempt++;
    try {
      // NOT_FOUND is not retryable: the failure is journaled, and attempt 2 gets it replayed by the library.
      await step('lookup', async () => {
        throw new GenkitError({ status: 'NOT_FOUND', message: 'no record for ' + input });
      });
    } catch (err) {
      seen.push({ attempt, instanceOfAppGenkitError: err instanceof GenkitError, status: err.status });
    }
    if (attempt === 1) throw new GenkitError({ status: 'UNAVAILABLE', message: 'try again' });
    throw new GenkitError({ status: 'INVALID_ARGUMENT', message: 'bad ' + input });
  },
);

const worker = await startTemporalWorker({ handleSignals: false, shutdownGraceTime: '1s' });
let client;
try {
  await executeFlowWorkflow(flow, 'x');
} catch (err) {
  client = { instanceOfAppGenkitError: err instanceof GenkitError, status: err.status, attempts: err.attempts };
}
await worker.shutdown();
await closeTemporalClients();
// Genkit's CommonJS build in require.cache means a second copy of genkit was loaded beside the app's ESM one.
const cjsGenkit = Object.keys(createRequire(import.meta.url).cache).filter((f) =>
  /node_modules[\\\\/](genkit|@genkit-ai[\\\\/]core)[\\\\/]lib[\\\\/].*\\.js$/.test(f),
);
console.log(JSON.stringify({ seen, client, cjsGenkit }));
process.exit(0);
`;

it('ESM app: one genkit, and library errors are the app’s GenkitError on the first attempt and on replay', async () => {
  esm.write({ 'errors-app.mts': app });
  const r = await esm.run('errors-app.mts', {
    env: {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      TEMPORAL_TASK_QUEUE: `esm-${process.pid}-${Date.now()}`,
    },
    timeoutMs: 180_000,
  });
  expect(r.code, r.stderr + r.stdout).toBe(0);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
  expect(out.cjsGenkit).toEqual([]);
  expect(out.seen).toEqual([
    { attempt: 1, instanceOfAppGenkitError: true, status: 'NOT_FOUND' },
    { attempt: 2, instanceOfAppGenkitError: true, status: 'NOT_FOUND' },
  ]);
  expect(out.client).toEqual({
    instanceOfAppGenkitError: true,
    status: 'INVALID_ARGUMENT',
    attempts: 2,
  });
}, 240_000);
