// The user-path matrix, `startTemporalWorker` in the user's own script: an ESM project and a CommonJS project that
// installed the packed package; encryption by GENKITX_ENCRYPTION_KEYS only, or by a converter the user builds
// (createDataConverter from genkitx-temporal/codec) and passes to the worker and the client. See user-paths.ts.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newClient } from '../helpers/temporal';
import { consumerProject, type ConsumerProject, type Started } from './harness';
import { CELLS, cellEnv, runCell, scriptFiles, stopAll, waitForOutput, type CellRuns } from './user-paths';

const projects: Partial<Record<'esm' | 'cjs', ConsumerProject>> = {};
const started: Started[] = [];
const measured: Record<string, number> = {};
let client: Client;

beforeAll(async () => {
  for (const flavour of ['esm', 'cjs'] as const) {
    const project = await consumerProject(flavour);
    // Each flavour in a folder of its own in the shared project (its package.json decides the module system).
    const files = Object.fromEntries(
      Object.entries(scriptFiles(flavour)).map(([file, text]) => [`user-paths/${file}`, text]),
    );
    project.write({
      ...files,
      'user-paths/package.json': JSON.stringify({ type: flavour === 'esm' ? 'module' : 'commonjs' }),
    });
    projects[flavour] = project;
  }
  client = await newClient();
}, 600_000);

afterAll(async () => {
  stopAll(started);
  await client?.connection.close();
  console.log(`[user-paths script] SIGTERM → next attempt (ms): ${JSON.stringify(measured)}`);
});

describe('startTemporalWorker in the user’s own script', () => {
  for (const { flavour, encryption } of CELLS) {
    it(`${flavour}, encryption by ${encryption === 'env' ? 'GENKITX_ENCRYPTION_KEYS only' : 'an explicit converter'}`, async () => {
      const project = projects[flavour]!;
      const env = cellEnv(project.dir, `user-paths-${flavour}-${encryption}-${randomUUID().slice(0, 8)}`, encryption);
      const workers = [0, 1].map(() => project.start(process.execPath, ['user-paths/worker.js'], env)) as [
        Started,
        Started,
      ];
      started.push(...workers);
      for (const w of workers) await waitForOutput(w, /"polling":/, 'worker polling');
      const runClient = async (...args: string[]) => {
        const r = await project.exec(process.execPath, ['user-paths/client.js', ...args], { env });
        expect(r.code, r.stderr + r.stdout).toBe(0);
        return JSON.parse(r.stdout.trim().split('\n').pop()!);
      };
      const runs: CellRuns = {
        start: async (input) => (await runClient('start', JSON.stringify(input))).workflowId,
        result: async (workflowId) => (await runClient('result', workflowId)).result,
        failure: async (input) => {
          const workflowId = `orderFlow-fail-${randomUUID()}`;
          const { error } = await runClient('fail', JSON.stringify(input), workflowId);
          return { workflowId, ...error };
        },
      };
      const label = `script ${flavour} ${encryption}`;
      const outcome = await runCell({ label, workers, env, runs, client });
      measured[label] = outcome.failoverMs;
      stopAll(workers);
    }, 240_000);
  }
});
