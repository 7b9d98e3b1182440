// A thin caller's project — what a Firebase functions codebase or a front door installs: the packed package with
// firebase-functions and zod, by a plain `npm install` (no --legacy-peer-deps). npm must not pull in the worker's
// packages (`@temporalio/worker` and its native core, webpack, swc) or genkit, the light entries must load and check
// input without them, and the entries that do need them must say which packages to install.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { installFresh, packedTarball } from './harness';

let dir: string;

beforeAll(async () => {
  const installed = await installFresh('thin', [await packedTarball(), 'firebase-functions@7.4.0', 'zod@4']);
  expect(installed.code, installed.stderr).toBe(0);
  dir = installed.dir;
}, 600_000);

/** Runs `code` with node in the project (CommonJS for `.cjs`, ESM for `.mjs`) and returns its last JSON line. */
async function node(file: string, code: string): Promise<any> {
  const { writeFileSync } = await import('node:fs');
  const { execFile } = await import('node:child_process');
  writeFileSync(join(dir, file), code);
  const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) =>
    execFile(process.execPath, [file], { cwd: dir, env: { PATH: process.env.PATH! } }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
  expect(out.code, out.stderr).toBe(0);
  return JSON.parse(out.stdout.trim().split('\n').pop()!);
}

describe('a thin caller (npm install genkitx-temporal firebase-functions zod)', () => {
  it("installs no worker package and no genkit (they are optional peers), but the client's", () => {
    for (const absent of [
      '@temporalio/worker',
      '@temporalio/core-bridge',
      '@temporalio/workflow',
      'genkit',
      'webpack',
    ]) {
      expect(existsSync(join(dir, 'node_modules', absent)), absent).toBe(false);
    }
    for (const present of ['@temporalio/client', '@temporalio/common', 'genkitx-temporal']) {
      expect(existsSync(join(dir, 'node_modules', present)), present).toBe(true);
    }
  });

  it('loads the light entries (CommonJS and ESM) and checks input like Genkit: zod 4 and flowRefsFrom JSON Schema', async () => {
    const check = (load: string) => `${load}
const errorOf = (p) => p.then(() => undefined, (e) => ({ name: e.name, status: e.status, code: e.code, errors: e.detail?.errors, message: e.message }));
const z4 = flowRef('f', { inputSchema: z.object({ topic: z.string() }) });
const [manifestRef] = flowRefsFrom(JSON.stringify({ version: 1, flows: [{ name: 'g', temporal: {}, inputJsonSchema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] } }] }));
const dead = { address: '127.0.0.1:1', connectTimeout: '200ms' };
const out = {
  entries: [typeof createFlowApi, typeof onCallFlow, typeof createDataConverter],
  zod4: await errorOf(startFlowWorkflow(z4, { topic: 1 }, dead)),
  json: await errorOf(startFlowWorkflow(manifestRef, { n: 'x' }, dead)),
  jsonMissing: await errorOf(startFlowWorkflow(manifestRef, {}, dead)),
};
console.log(JSON.stringify(out));`;
    const cjs = await node(
      'light.cjs',
      `(async () => {\n${check(`const { flowRef, flowRefsFrom, startFlowWorkflow } = require('genkitx-temporal/client');
const { createFlowApi } = require('genkitx-temporal/http');
const { onCallFlow } = require('genkitx-temporal/firebase');
const { createDataConverter } = require('genkitx-temporal/codec');
const { z } = require('zod');`)}\n})().catch((e) => { console.error(e); process.exit(1); });`,
    );
    const esm = await node(
      'light.mjs',
      check(`import { flowRef, flowRefsFrom, startFlowWorkflow } from 'genkitx-temporal/client';
import { createFlowApi } from 'genkitx-temporal/http';
import { onCallFlow } from 'genkitx-temporal/firebase';
import { createDataConverter } from 'genkitx-temporal/codec';
import { z } from 'zod';`),
    );
    for (const out of [cjs, esm]) {
      expect(out.entries).toEqual(['function', 'function', 'function']);
      expect(out.zod4).toMatchObject({
        name: 'GenkitError',
        status: 'INVALID_ARGUMENT',
        code: 400,
        errors: [{ path: 'topic', message: 'must be string' }],
      });
      expect(out.json).toMatchObject({
        status: 'INVALID_ARGUMENT',
        errors: [{ path: 'n', message: 'must be number' }],
      });
      expect(out.jsonMissing.errors).toEqual([{ path: '(root)', message: "must have required property 'n'" }]);
      expect(out.zod4.message).not.toContain('Cannot find module');
    }
  });

  it('the worker entries name the packages to install (CommonJS: our error; ESM: Node names the package)', async () => {
    const cjs = await node(
      'worker.cjs',
      `const out = {};
for (const entry of ['genkitx-temporal', 'genkitx-temporal/activities']) {
  try { require(entry); out[entry] = 'loaded'; } catch (e) { out[entry] = { name: e.name, missing: e.missing, message: e.message }; }
}
console.log(JSON.stringify(out));`,
    );
    expect(cjs['genkitx-temporal']).toMatchObject({
      name: 'MissingPeerDependencyError',
      missing: [
        'genkit@^1.42.0',
        '@temporalio/worker@^1.24.0',
        '@temporalio/workflow@^1.24.0',
        '@temporalio/activity@^1.24.0',
      ],
    });
    expect(cjs['genkitx-temporal'].message).toContain(
      'npm install genkit@^1.42.0 @temporalio/worker@^1.24.0 @temporalio/workflow@^1.24.0 @temporalio/activity@^1.24.0',
    );
    expect(cjs['genkitx-temporal/activities']).toMatchObject({
      name: 'MissingPeerDependencyError',
      missing: ['genkit@^1.42.0', '@temporalio/activity@^1.24.0'],
    });
    const esm = await node(
      'worker.mjs',
      `let out;
try { await import('genkitx-temporal'); out = 'loaded'; } catch (e) { out = { code: e.code, message: e.message }; }
console.log(JSON.stringify(out));`,
    );
    expect(esm.code).toBe('ERR_MODULE_NOT_FOUND');
    expect(esm.message).toMatch(/Cannot find package '(genkit|@temporalio\/(worker|workflow|activity))'/);
  });
});
