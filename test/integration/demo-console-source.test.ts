// The run console from source, as `npm run demo` serves it: the demo's front-door API (cloudrun/api/src/main.ts)
// started the way examples/demo/local-stack.ts starts it — node --import tsx, with the tsconfig the demo writes for
// its children — answers its console pages as HTML. Under that tsconfig every page was a 500 ("React is not
// defined": the demo's config lacked the repository's JSX settings). Also under a tsconfig with no JSX settings
// at all (a user's own), since the console's .tsx files name their JSX runtime themselves.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Processes, waitForOutput } from '../harness/process-groups';
import { writeSourcePathsTsconfig } from '../../examples/demo/source-paths';
import { freePorts } from '../../src/testing/local-process-helpers';

const root = resolve(__dirname, '../..');
const logDir = mkdtempSync(join(tmpdir(), 'demo-console-source-'));
const processes = new Processes(logDir);
afterAll(() => processes.stopAll(2_000));

/** The demo's API process under `tsconfig`, with bearer auth; resolves with its URL and token once it listens. */
async function startDemoApi(name: string, tsconfig: string) {
  const [port, unusedTemporalPort] = await freePorts(2);
  const token = randomBytes(18).toString('base64url');
  const api = processes.start(
    name,
    process.execPath,
    ['--import', 'tsx', join(root, 'cloudrun/api/src/main.ts')],
    {
      ...process.env,
      TSX_TSCONFIG_PATH: tsconfig,
      // Nothing listens there: the pages below answer before any Temporal call.
      TEMPORAL_ADDRESS: `127.0.0.1:${unusedTemporalPort}`,
      FLOWS_MODULE: join(root, 'examples/demo/api-flows.ts'),
      API_AUTH: 'bearer',
      API_BEARER_TOKEN: token,
      PORT: String(port),
    },
    root,
  );
  await waitForOutput(api, /"api listening"/, 90_000);
  return { url: `http://127.0.0.1:${port}`, token, api };
}

/** A console page that renders without Temporal: the list with a bad `limit` (400, the console's own error page). */
async function expectConsolePages(url: string, token: string, output: () => string) {
  const page = await fetch(`${url}/console?limit=-1`, { headers: { Authorization: `Bearer ${token}` } });
  const html = await page.text();
  expect(page.status, `${html}\n${output()}`).toBe(400);
  expect(html).toMatch(/^<!DOCTYPE html>|^<html lang="en">/);
  expect(html).toContain('`limit` must be a number of runs');
  expect(output()).not.toContain('React is not defined');
}

describe('the run console from source', () => {
  it("renders its pages under the demo's own tsconfig (npm run demo)", async () => {
    const { url, token, api } = await startDemoApi('api-demo-config', writeSourcePathsTsconfig(root, logDir));
    await expectConsolePages(url, token, api.output);
  }, 120_000);

  it('renders its pages under a tsconfig without JSX settings', async () => {
    const bare = join(logDir, 'tsconfig.bare.json');
    const demo = JSON.parse(readFileSync(writeSourcePathsTsconfig(root, logDir), 'utf8')) as {
      compilerOptions: { paths: Record<string, string[]> };
    };
    writeFileSync(bare, JSON.stringify({ compilerOptions: { paths: demo.compilerOptions.paths } }));
    const { url, token, api } = await startDemoApi('api-bare-config', bare);
    await expectConsolePages(url, token, api.output);
  }, 120_000);
});
