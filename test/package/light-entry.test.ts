// `genkitx-temporal/client` is the entry a serverless caller loads on every cold start: it must not load the
// worker, workflow code, the `genkit` root or model plugins, and its GenkitError must be Genkit's own class.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createRequire } from 'node:module';
import { z } from 'genkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { executeFlowWorkflow, flowRef, FlowRunError, startFlowWorkflow } from '../../src/client';
import { GenkitError } from '../../src/client/genkit-error';
import * as workflowMessages from '../../src/workflows/messages';
import * as runMessages from '../../src/client/run-messages';

const root = resolve(__dirname, '../..');

beforeAll(() => {
  if (!existsSync(resolve(root, 'dist/client/index.js')))
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
}, 120_000);

/** Loads `entry` in a fresh node process and returns every module file it loaded. */
function modulesLoadedBy(entry: string, extra = ''): string[] {
  const script = `require(${JSON.stringify(entry)}); ${extra}; console.log(JSON.stringify(Object.keys(require.cache)))`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' }));
}

const forbidden = [
  /node_modules\/@temporalio\/worker\//,
  /node_modules\/@temporalio\/workflow\//,
  /node_modules\/genkit\/lib\/index\.js$/,
  /node_modules\/@genkit-ai\/core\/lib\/index\.js$/,
  /node_modules\/@genkit-ai\/ai\//,
  /node_modules\/@genkit-ai\/(google-genai|googleai|vertexai|firebase|middleware)\//,
  /\/dist\/workflows\//,
  /\/dist\/(worker|registry|plugin|flow|errors)\.js$/,
  /\/dist\/journal\//,
  /\/dist\/activities\//,
];

describe('genkitx-temporal/client (light entry)', () => {
  it('loads no worker, workflow code, genkit root or model plugin', () => {
    const loaded = modulesLoadedBy('genkitx-temporal/client');
    expect(loaded.some((m) => m.endsWith('/dist/client/index.js'))).toBe(true);
    expect(loaded.some((m) => m.includes('node_modules/@temporalio/client/'))).toBe(true);
    expect(loaded.filter((m) => forbidden.some((f) => f.test(m)))).toEqual([]);
    // Not even genkit/schema (ajv, OpenTelemetry's API) until something is validated.
    expect(loaded.filter((m) => /node_modules\/(ajv|@opentelemetry)\//.test(m))).toEqual([]);
  });

  it('stays light after validating input through a flowRef (genkit/schema only)', () => {
    const loaded = modulesLoadedBy(
      'genkitx-temporal/client',
      `const c = require('genkitx-temporal/client'); const { z } = require('zod');
       c.startFlowWorkflow(c.flowRef('f', { inputSchema: z.object({ n: z.number() }) }), { n: 'x' }).catch(() => {})`,
    );
    expect(loaded.some((m) => m.includes('node_modules/ajv/'))).toBe(true);
    expect(loaded.filter((m) => forbidden.some((f) => f.test(m)))).toEqual([]);
  });

  it('genkitx-temporal/http loads no worker, workflow code, genkit root or model plugin either', () => {
    const loaded = modulesLoadedBy('genkitx-temporal/http');
    expect(loaded.some((m) => m.includes('node_modules/hono/'))).toBe(true);
    expect(loaded.filter((m) => forbidden.some((f) => f.test(m)))).toEqual([]);
  });

  it('uses the same GenkitError class as genkit, so instanceof works for callers', () => {
    // The CommonJS build's class: what `require('genkit')` gives callers of the (CommonJS) package.
    const GenkitRootError = createRequire(__filename)('genkit').GenkitError;
    expect(GenkitError).toBe(GenkitRootError);
    const err = new FlowRunError({ status: 'NOT_FOUND', message: 'gone', workflowId: 'w' });
    expect(err).toBeInstanceOf(GenkitRootError);
    expect(err.status).toBe('NOT_FOUND');
    expect(err.code).toBe(404);
  });

  it('speaks the same message names as the workflow', () => {
    for (const name of ['provideInputUpdate', 'progressQuery', 'chunksQuery', 'journalPageQuery'] as const) {
      expect(runMessages[name].name).toBe(workflowMessages[name].name);
      expect(runMessages[name].type).toBe(workflowMessages[name].type);
    }
  });

  it('flowRef validates input before anything starts (no server is reachable here)', async () => {
    const ref = flowRef('greetFlow', { inputSchema: z.object({ name: z.string() }), outputSchema: z.string() });
    const bad = startFlowWorkflow(ref, { name: 42 as unknown as string }, { address: '127.0.0.1:1' });
    await expect(bad).rejects.toMatchObject({ name: 'GenkitError', status: 'INVALID_ARGUMENT' });
    const jsonRef = flowRef('f', { inputJsonSchema: { type: 'object', required: ['a'] } });
    await expect(executeFlowWorkflow(jsonRef, {}, { address: '127.0.0.1:1' })).rejects.toMatchObject({
      status: 'INVALID_ARGUMENT',
    });
  });

  it('rejects a flowRef without a name', () => {
    expect(() => flowRef('')).toThrow(TypeError);
  });
});
