// The user-path matrix, the kit's Cloud Run templates (cloudrun/worker, cloudrun/api) copied out of the repository
// into a project of the flavour, built the way their Dockerfiles build them (tsc, then build-bundle), with the
// user's flows modules in place of the examples; runs start through the API. One test file per flavour, both from
// here (templateCells: SIGTERM hand-over bounds, run alone), and one for the builds and what has no wall-clock bound
// (templateChecks: user-paths-template-build.test.ts, beside the other files, which builds the projects the cells
// reuse). See user-paths.ts for what every cell checks.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newClient, waitFor } from '../helpers/temporal';
import { builtTemplateProject, type ConsumerProject, type Flavour, type Started } from './harness';
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

/**
 * The two templates in a project of the flavour with the user's flows modules, built as the Dockerfiles build them
 * (`npx tsc -p tsconfig.json` with the template's own compiler; the worker then bundles its flows module and its
 * workflow code). Built once per build of the package and template files (harness: builtTemplateProject); each
 * build step's duration goes to `timings`.
 */
export async function builtTemplates(
  flavour: Flavour,
  timings: Record<string, number> = {},
): Promise<{ worker: ConsumerProject; api: ConsumerProject }> {
  const tsc = ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json'];
  const [worker, api] = await Promise.all([
    builtTemplateProject('worker', flavour, templateWorkerFlows(), async (project) => {
      project.write({ 'src/flows.ts': templateWorkerFlows() });
      await buildStep(project, timings, 'worker tsc', process.execPath, tsc);
      // The worker's build stage also bundles its flows module (package.json "config.flows": src/flows.ts here)
      // into dist/flows.js, as ESM or CommonJS by the project's "type".
      await buildStep(project, timings, 'build-flows', process.execPath, ['dist/build-flows.js']);
      await buildStep(project, timings, 'build-bundle', process.execPath, [
        'dist/build-bundle.js',
        'dist/workflow-bundle.js',
      ]);
    }),
    builtTemplateProject('api', flavour, templateApiFlows(), async (project) => {
      project.write({ 'src/flows.ts': templateApiFlows() });
      await buildStep(project, timings, 'api tsc', process.execPath, tsc);
    }),
  ]);
  return { worker, api };
}

/** A build step of the image, run in the copied-out project; fails with its output. */
async function buildStep(
  project: ConsumerProject,
  timings: Record<string, number>,
  label: string,
  command: string,
  args: string[],
) {
  const r = await project.exec(command, args);
  timings[label] = r.ms;
  expect(r.code, `${label}:\n${r.stdout}${r.stderr}`).toBe(0);
}

/** The worker image's start command with its env contract (no PORT: a worker pool). */
function startTemplateWorker(
  worker: ConsumerProject,
  started: Started[],
  env: Record<string, string>,
  bundle = 'dist/workflow-bundle.js',
) {
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
}

export function templateCells(flavour: Flavour): void {
  let worker: ConsumerProject;
  let api: ConsumerProject;
  let client: Client;
  const started: Started[] = [];
  const measured: Record<string, number> = {};
  const timings: Record<string, number> = {};
  /** The cells' ledger and gate files. */
  const scratch = mkdtempSync(join(tmpdir(), `user-paths-template-${flavour}-`));

  beforeAll(async () => {
    const t = Date.now();
    // Built by user-paths-template-build.test.ts earlier in the same run, or here when this file runs by itself.
    ({ worker, api } = await builtTemplates(flavour, timings));
    timings.setUp = Date.now() - t;
    client = await newClient();
  }, 900_000);

  afterAll(async () => {
    stopAll(started);
    await client?.connection.close();
    // The built projects stay cached for the next file and run of the same build.
    rmSync(scratch, { recursive: true, force: true });
    console.log(`[user-paths template ${flavour}] SIGTERM → next attempt (ms): ${JSON.stringify(measured)}`);
    console.log(`[user-paths template ${flavour}] set-up (ms): ${JSON.stringify(timings)}`);
  });

  const startWorker = (env: Record<string, string>) => startTemplateWorker(worker, started, env);

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
  });
}

/** The templates' builds in a project of the flavour, and what is checked on them without a wall-clock bound. */
export function templateChecks(flavour: Flavour): void {
  const started: Started[] = [];
  const timings: Record<string, number> = {};
  const scratch = mkdtempSync(join(tmpdir(), `user-paths-template-checks-${flavour}-`));
  afterAll(() => {
    stopAll(started);
    rmSync(scratch, { recursive: true, force: true });
    console.log(`[user-paths template checks ${flavour}] build steps (ms): ${JSON.stringify(timings)}`);
  });

  it(`the templates build in ${flavour === 'esm' ? 'an ESM' : 'a CommonJS'} project as their Dockerfiles build them`, async () => {
    const { worker, api } = await builtTemplates(flavour, timings);
    for (const file of ['dist/main.js', 'dist/flows.js', 'dist/workflow-bundle.js'])
      expect(existsSync(join(worker.dir, file)), `worker ${file}`).toBe(true);
    for (const file of ['dist/main.js', 'dist/flows.js'])
      expect(existsSync(join(api.dir, file)), `api ${file}`).toBe(true);
  }, 900_000);

  it('the worker refuses, naming the fix, a bundle built without the encrypting failure converter while encryption is on', async () => {
    const { worker } = await builtTemplates(flavour, timings);
    // A bundle as the template built it before (bundleFlowWorkflows() without a converter).
    const script = flavour === 'esm' ? 'plain-bundle.mjs' : 'plain-bundle.cjs';
    const imports =
      flavour === 'esm'
        ? `import { writeFileSync } from 'node:fs';\nimport { bundleFlowWorkflows } from 'genkitx-temporal';`
        : `const { writeFileSync } = require('node:fs');\nconst { bundleFlowWorkflows } = require('genkitx-temporal');`;
    worker.write({
      [script]: `${imports}\nbundleFlowWorkflows().then(({ code }) => writeFileSync('dist/plain-bundle.js', code));\n`,
    });
    await buildStep(worker, timings, 'plain bundle', process.execPath, [script]);
    const env = cellEnv(scratch, `tpl-refuse-${randomUUID().slice(0, 8)}`, 'env');
    const refused = startTemplateWorker(worker, started, env, 'dist/plain-bundle.js');
    const exit = await Promise.race([
      refused.exited,
      waitForOutput(refused, POLLING, 'worker polling', 60_000).then(() => 'polling'),
    ]);
    expect(exit, refused.output()).toBe(1);
    expect(refused.output()).toContain('GenkitWorkflowBundleConverterMismatch');
    expect(refused.output()).toContain('bundleFlowWorkflows({ dataConverter })');
    // Without encryption the same bundle is accepted: nothing to leak.
    const { GENKITX_ENCRYPTION_KEYS: _, ...plain } = env;
    const accepted = startTemplateWorker(worker, started, plain, 'dist/plain-bundle.js');
    await waitForOutput(accepted, POLLING, 'worker polling');
    stopAll([accepted]);
  }, 180_000);
}
