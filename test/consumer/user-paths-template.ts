// The user-path matrix, the kit's Cloud Run templates (cloudrun/worker, cloudrun/api) copied out of the repository
// into a project of the flavour, built the way their Dockerfiles build them (tsc, then build-bundle), with the
// user's flows modules in place of the examples; runs start through the API. One test file per flavour (they run in
// parallel), both from here. See user-paths.ts for what every cell checks.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newClient, waitFor } from '../helpers/temporal';
import { templateProject, type ConsumerProject, type Flavour, type Started } from './harness';
import {
  CELLS,
  cellEnv,
  freePort,
  runCell,
  stopAll,
  templateApiFlows,
  templateWorkerFlows,
  waitForOutput,
  type CellRuns,
} from './user-paths';

const POLLING = /"message":"worker polling"/;

export function templateCells(flavour: Flavour): void {
  let worker: ConsumerProject;
  let api: ConsumerProject;
  let client: Client;
  const started: Started[] = [];
  const measured: Record<string, number> = {};
  const timings: Record<string, number> = {};
  /** The cells' ledger and gate files. */
  const scratch = mkdtempSync(join(tmpdir(), `user-paths-template-${flavour}-`));

  /** A build step of the image, run in the copied-out project; fails the setup with its output. */
  async function build(project: ConsumerProject, label: string, command: string, args: string[]) {
    const r = await project.exec(command, args);
    timings[label] = r.ms;
    expect(r.code, `${label}:\n${r.stdout}${r.stderr}`).toBe(0);
  }

  beforeAll(async () => {
    const setUp = async () => {
      [worker, api] = await Promise.all([templateProject('worker', flavour), templateProject('api', flavour)]);
      worker.write({ 'src/flows.ts': templateWorkerFlows() });
      api.write({ 'src/flows.ts': templateApiFlows() });
      // The Dockerfiles' build stage: `npx tsc -p tsconfig.json` with the template's own compiler, then build-flows.
      const tsc = ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'];
      await Promise.all([
        build(worker, 'worker tsc', process.execPath, tsc),
        build(api, 'api tsc', process.execPath, tsc),
      ]);
      // The worker's build stage also bundles its flows module (package.json "config.flows": src/flows.ts here)
      // into dist/flows.js, as ESM or CommonJS by the project's "type".
      await build(worker, 'build-flows', process.execPath, ['dist/build-flows.js']);
      await build(worker, 'build-bundle', process.execPath, ['dist/build-bundle.js', 'dist/workflow-bundle.js']);
    };
    const t = Date.now();
    await setUp();
    timings.setUp = Date.now() - t;
    client = await newClient();
  }, 900_000);

  afterAll(async () => {
    stopAll(started);
    await client?.connection.close();
    // The copies of the templates are this run's own (the installs they link to stay cached).
    for (const dir of [scratch, worker?.dir, api?.dir]) if (dir) rmSync(dir, { recursive: true, force: true });
    console.log(`[user-paths template ${flavour}] SIGTERM → next attempt (ms): ${JSON.stringify(measured)}`);
    console.log(`[user-paths template ${flavour}] set-up (ms): ${JSON.stringify(timings)}`);
  });

  /** The worker image's start command with its env contract (no PORT: a worker pool). */
  const startWorker = (env: Record<string, string>, bundle = 'dist/workflow-bundle.js') => {
    const s = worker.start('./entrypoint.sh', [], {
      ...env,
      NODE_ENV: 'production',
      K_SERVICE: 'genkit-worker',
      K_REVISION: 'genkit-worker-00001',
      FLOWS_MODULE: 'dist/flows.js',
      WORKFLOW_BUNDLE_PATH: bundle,
    });
    started.push(s);
    return s;
  };

  describe(`the kit's Cloud Run templates copied into ${flavour === 'esm' ? 'an ESM' : 'a CommonJS'} project`, () => {
    for (const { encryption } of CELLS.filter((c) => c.flavour === flavour)) {
      it(`encryption by ${encryption === 'env' ? 'GENKITX_ENCRYPTION_KEYS only' : 'an explicit converter'}, runs started through the API`, async () => {
        const env = cellEnv(scratch, `tpl-${flavour}-${encryption}-${randomUUID().slice(0, 8)}`, encryption);
        const workers = [startWorker(env), startWorker(env)] as [Started, Started];
        const port = await freePort();
        const token = `token-${randomUUID()}`;
        const apiProcess = api.start(process.execPath, ['dist/main.js'], {
          ...env,
          NODE_ENV: 'production',
          PORT: String(port),
          K_SERVICE: 'genkit-api',
          FLOWS_MODULE: 'dist/flows.js',
          API_AUTH: 'bearer',
          API_BEARER_TOKEN: token,
        });
        started.push(apiProcess);
        await Promise.all([
          ...workers.map((w) => waitForOutput(w, POLLING, 'worker polling')),
          waitForOutput(apiProcess, /"message":"api listening"/, 'api listening'),
        ]);
        const call = async (method: string, path: string, body?: unknown) => {
          const res = await fetch(`http://127.0.0.1:${port}${path}`, {
            method,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          return { status: res.status, body: (await res.json()) as any };
        };
        const ended = (workflowId: string) =>
          waitFor(
            async () => {
              const run = await call('GET', `/runs/${workflowId}`);
              expect(run.status, JSON.stringify(run.body)).toBe(200);
              return run.body.status === 'RUNNING' || run.body.status === 'WAITING' ? undefined : run.body;
            },
            60_000,
            `run ${workflowId} to end`,
          );
        const runs: CellRuns = {
          start: async (input) => {
            const res = await call('POST', '/flows/orderFlow', { data: input });
            expect(res.status, JSON.stringify(res.body)).toBe(202);
            return res.body.workflowId;
          },
          result: async (workflowId) => {
            const run = await ended(workflowId);
            expect(run.status, JSON.stringify(run)).toBe('COMPLETED');
            return run.result;
          },
          failure: async (input) => {
            const workflowId = await runs.start(input);
            const run = await ended(workflowId);
            expect(run.status, JSON.stringify(run)).toBe('FAILED');
            return { workflowId, status: run.error?.status, message: run.error?.message };
          },
        };
        const label = `template ${flavour} ${encryption}`;
        const outcome = await runCell({ label, workers, env, runs, client });
        measured[label] = outcome.failoverMs;
        stopAll([...workers, apiProcess]);
      }, 240_000);
    }

    it('the worker refuses, naming the fix, a bundle built without the encrypting failure converter while encryption is on', async () => {
      // A bundle as the template built it before (bundleFlowWorkflows() without a converter).
      const script = flavour === 'esm' ? 'plain-bundle.mjs' : 'plain-bundle.cjs';
      const imports =
        flavour === 'esm'
          ? `import { writeFileSync } from 'node:fs';\nimport { bundleFlowWorkflows } from 'genkitx-temporal';`
          : `const { writeFileSync } = require('node:fs');\nconst { bundleFlowWorkflows } = require('genkitx-temporal');`;
      worker.write({
        [script]: `${imports}\nbundleFlowWorkflows().then(({ code }) => writeFileSync('dist/plain-bundle.js', code));\n`,
      });
      await build(worker, 'plain bundle', process.execPath, [script]);
      const env = cellEnv(scratch, `tpl-refuse-${randomUUID().slice(0, 8)}`, 'env');
      const refused = startWorker(env, 'dist/plain-bundle.js');
      const exit = await Promise.race([
        refused.exited,
        waitForOutput(refused, POLLING, 'worker polling', 60_000).then(() => 'polling'),
      ]);
      expect(exit, refused.output()).toBe(1);
      expect(refused.output()).toContain('GenkitWorkflowBundleConverterMismatch');
      expect(refused.output()).toContain('bundleFlowWorkflows({ dataConverter })');
      // Without encryption the same bundle is accepted: nothing to leak.
      const { GENKITX_ENCRYPTION_KEYS: _, ...plain } = env;
      const accepted = startWorker(plain, 'dist/plain-bundle.js');
      await waitForOutput(accepted, POLLING, 'worker polling');
      stopAll([accepted]);
    }, 180_000);
  });
}
