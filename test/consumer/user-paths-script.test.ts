// The user-path matrix, `startTemporalWorker` in the user's own script: an ESM project and a CommonJS project that
// installed the packed package; encryption by GENKITX_ENCRYPTION_KEYS only, or by a converter the user builds
// (createDataConverter from genkitx-temporal/codec) and passes to the worker and the client. See user-paths.ts.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newClient, waitFor } from '../helpers/temporal';
import { consumerProject, type ConsumerProject, type Started } from './harness';
import { CELLS, cellEnv, runCell, scriptFiles, stopAll, waitForOutput, type CellRuns } from './user-paths';

const projects: Partial<Record<'esm' | 'cjs', ConsumerProject>> = {};
const started: Started[] = [];
const measured: Record<string, number> = {};
let client: Client;
/** The cells' ledger and gate files. */
const scratch = mkdtempSync(join(tmpdir(), 'user-paths-script-'));

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
  rmSync(scratch, { recursive: true, force: true });
  console.log(`[user-paths script] SIGTERM → next attempt (ms): ${JSON.stringify(measured)}`);
});

describe('startTemporalWorker in the user’s own script', () => {
  for (const { flavour, encryption } of CELLS) {
    it(`${flavour}, encryption by ${encryption === 'env' ? 'GENKITX_ENCRYPTION_KEYS only' : 'an explicit converter'}`, async () => {
      const project = projects[flavour]!;
      const env = cellEnv(scratch, `user-paths-${flavour}-${encryption}-${randomUUID().slice(0, 8)}`, encryption);
      const workers = [0, 1].map(() => project.start(process.execPath, ['user-paths/worker.js'], env)) as [
        Started,
        Started,
      ];
      started.push(...workers);
      for (const w of workers) await waitForOutput(w, /"polling":/, 'worker polling');
      // The user's client script: one process for both runs, one JSON line per step.
      const failingId = `orderFlow-fail-${randomUUID()}`;
      let clientProcess: Started | undefined;
      const line = async (n: number) => {
        const lines = await waitFor(
          () => {
            const json = clientProcess!
              .output()
              .split('\n')
              .filter((l) => l.startsWith('{'));
            if (json.length >= n) return json;
            if (clientProcess!.child.exitCode !== null) throw new Error(`client exited:\n${clientProcess!.output()}`);
          },
          90_000,
          `client line ${n}`,
        );
        return JSON.parse(lines[n - 1]);
      };
      const runs: CellRuns = {
        start: async (input, next) => {
          clientProcess = project.start(
            process.execPath,
            ['user-paths/client.js', JSON.stringify(input), JSON.stringify(next), failingId],
            env,
          );
          started.push(clientProcess);
          return (await line(1)).workflowId;
        },
        result: async () => (await line(2)).result,
        failure: async () => ({ workflowId: failingId, ...(await line(3)).error }),
      };
      const label = `script ${flavour} ${encryption}`;
      const outcome = await runCell({ label, workers, env, runs, client });
      measured[label] = outcome.failoverMs;
      stopAll(workers);
    }, 240_000);
  }
});
