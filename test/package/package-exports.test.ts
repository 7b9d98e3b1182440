// The published entry points load from both require and import, and the workflow entry bundles for the sandbox.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim();

beforeAll(() => {
  // `npm test` builds first; a bare `vitest` run builds here.
  if (!existsSync(resolve(root, 'dist/index.js')))
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
}, 120_000);

const CHECK = `[typeof m.defineTemporalFlow, typeof m.executeFlowWorkflow, typeof m.startTemporalWorker, typeof m.temporal, typeof w.runGenkitFlow, typeof a.runGenkitFlowActivity].join(',')`;

describe('package entry points', () => {
  it('load with require', () => {
    const out = node([
      '-e',
      `const m = require('genkitx-temporal'); const w = require('genkitx-temporal/workflows'); const a = require('genkitx-temporal/activities'); console.log(${CHECK})`,
    ]);
    expect(out).toBe('function,function,function,function,function,function');
  });

  it('load with import', () => {
    const out = node([
      '--input-type=module',
      '-e',
      `import * as m from 'genkitx-temporal'; import * as w from 'genkitx-temporal/workflows'; import * as a from 'genkitx-temporal/activities'; console.log(${CHECK})`,
    ]);
    expect(out).toBe('function,function,function,function,function,function');
  });

  it('the client and http sub-paths load with require and import', () => {
    const check = `[typeof c.startFlowWorkflow, typeof c.flowRef, typeof c.FlowRunError, typeof h.createFlowApi, typeof h.flowWebhook].join(',')`;
    expect(
      node([
        '-e',
        `const c = require('genkitx-temporal/client'); const h = require('genkitx-temporal/http'); console.log(${check})`,
      ]),
    ).toBe('function,function,function,function,function');
    expect(
      node([
        '--input-type=module',
        '-e',
        `import * as c from 'genkitx-temporal/client'; import * as h from 'genkitx-temporal/http'; console.log(${check})`,
      ]),
    ).toBe('function,function,function,function,function');
  });

  it('builds a workflow bundle from the published workflows entry (no Node built-ins in workflow code)', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: resolve(root, 'dist/workflows/index.js'),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
    });
    expect(code).toContain('runGenkitFlow');
  }, 60_000);
});
