// The run console in real headless Chromium (Debian's chromium, driven by playwright-core) against the flow API
// with `console: true`, a real worker and the real dev server: a person sees a run waiting for approval with its
// form, approves it (by mouse, and by keyboard only), and watches it complete with its step timeline. Also:
// auth (401 without a token, other people's runs are not found), escaping of XSS payloads, cross-site posts,
// and form values that do not make an answer.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerTokenAuth, createFlowApi, createRunConsole } from '../../src/http';
import { consoleReviewFlow, XSS_OUTPUT, XSS_STEP_NAME } from '../fixtures/console-flows';
import { browserUnavailable, launchChromium } from '../helpers/browser';
import { serveForTests } from '../helpers/http';
import { useWorker, waitFor } from '../helpers/temporal';
import { describeWithTool } from '../helpers/tools';

const worker = useWorker('console');
const tokens = {
  'ana-token-ab12cd34ef': 'ana',
  'bob-token-ab12cd34ef': 'bob',
  'ops-token-ab12cd34ef': { id: 'ops', admin: true },
};
const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
const screenshots = resolve(__dirname, '../../test-results/console');
const skipReason = browserUnavailable();

let url: (path: string) => string;
let browser: Browser | undefined;

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  const app = createFlowApi({
    ...worker.opts(),
    flows: [consoleReviewFlow],
    auth: bearerTokenAuth({ tokens }),
    console: true,
  });
  url = (await serveForTests(app)).url;
  if (!skipReason) browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** Starts a review through the API as `token`'s principal and waits until it waits for its approval. */
async function startWaitingRun(token: string): Promise<string> {
  const res = await fetch(url('/flows/consoleReviewFlow'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...auth(token) },
    body: JSON.stringify({ data: { topic: 'durable runs', token: randomUUID() } }),
  });
  expect(res.status).toBe(202);
  const { workflowId } = (await res.json()) as { workflowId: string };
  await waitFor(
    async () => {
      const run = (await (await fetch(url(`/runs/${workflowId}`), { headers: auth(token) })).json()) as {
        status: string;
      };
      return run.status === 'WAITING';
    },
    90_000, // generous: the machine's two cores are shared with other test runs
    'the run to wait for its approval',
  );
  return workflowId;
}

/** A page whose every request (navigation, form post, fetch, EventSource) carries `token`. */
async function pageAs(token: string): Promise<{ context: BrowserContext; page: Page; dialogs: string[] }> {
  const context = await browser!.newContext({ extraHTTPHeaders: auth(token), viewport: { width: 1280, height: 1400 } });
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return { context, page, dialogs };
}

const stepRow = (page: Page, name: string) =>
  page.locator('#timeline tr', { has: page.getByText(name, { exact: true }) });

// Each test waits for real runs on a busy 2-core machine: room beyond the suite's 60 s default.
const slow = { timeout: 240_000 };

describeWithTool('Chromium', skipReason)('run console in Chromium', slow, () => {
  it('shows a run waiting for approval with its form; Approve completes it and the timeline shows every step', async () => {
    const workflowId = await startWaitingRun('ana-token-ab12cd34ef');
    const { context, page, dialogs } = await pageAs('ana-token-ab12cd34ef');
    try {
      await page.goto(url('/console'));
      const row = page.locator('tbody tr', { has: page.getByRole('link', { name: workflowId }) });
      await expect(row.textContent()).resolves.toContain('Waiting for input');
      await expect(row.textContent()).resolves.toContain('consoleReviewFlow');
      await page.screenshot({ path: join(screenshots, 'runs-list.png'), fullPage: true });
      await row.getByRole('link', { name: workflowId }).click();
      await page.waitForURL(`**/console/runs/${encodeURIComponent(workflowId)}`);

      expect(await page.locator('#run-status').textContent()).toContain('Waiting for input');
      const form = page.getByRole('form', { name: 'Input approval' });
      expect(await form.textContent()).toContain('Publish "A draft about durable runs" (2 sources)?');
      // Fields from the JSON Schema, each with its label; the boolean became the Approve / Deny buttons.
      await expect(form.getByLabel('note').count()).resolves.toBe(1);
      await expect(form.getByLabel('channel').locator('option').allTextContents()).resolves.toEqual([
        '(none)',
        'blog',
        'newsletter',
      ]);
      await expect(form.getByRole('button', { name: 'Approve' }).count()).resolves.toBe(1);
      await expect(form.getByRole('button', { name: 'Deny' }).count()).resolves.toBe(1);

      // The timeline before the approval: steps run live in activity #1, replayed by #2 after the 503-like failure.
      const plan = await page.locator('#timeline tbody tr').first().textContent();
      expect(plan).toContain('Plan: two sources, one draft');
      const sources = await stepRow(page, 'fetch sources').textContent();
      expect(sources).toContain('under 250 ms');
      expect(sources).toMatch(/live in activity #1; replayed from the journal by #2/);
      expect(sources).toContain('["source-a","source-b"]');
      const attempts = await page.locator('#attempts').textContent();
      expect(attempts).toContain('UNAVAILABLE');
      expect(attempts).toContain('the provider is having a bad afternoon');
      expect(attempts).toContain('Suspended to wait for input');
      // One word per concept: the header counts flow attempts (retries), the table lists activities.
      expect(await page.locator('#run-status').textContent()).toMatch(/flow attempt 2\b/);
      expect(attempts).toMatch(/Activity\s*Flow attempt/);
      // The XSS payloads are shown as text and never run.
      await expect(stepRow(page, XSS_STEP_NAME).count()).resolves.toBe(1);
      expect(await stepRow(page, XSS_STEP_NAME).textContent()).toContain(JSON.stringify(XSS_OUTPUT));
      // The live stream (SSE through the API) delivered the chunks so far.
      await page.locator('#chunks li', { hasText: 'drafted' }).waitFor();
      await page.screenshot({ path: join(screenshots, 'run-waiting.png'), fullPage: true });

      // A second tab that is never reloaded: it must see the completion through the script's live updates.
      const watcher = await context.newPage();
      await watcher.goto(page.url());
      await watcher.evaluate(() => ((window as { __notReloaded?: boolean }).__notReloaded = true));

      await form.getByLabel('note').fill('ship it');
      await form.getByLabel('channel').selectOption('newsletter');
      await form.getByRole('button', { name: 'Approve' }).click();
      await page.waitForURL(/\?answered=approval$/);
      expect(await page.getByRole('status').first().textContent()).toContain('Your answer to "approval" was accepted.');

      // The page refreshes itself until the run has completed.
      await page.locator('#run-status', { hasText: 'Completed' }).waitFor({ timeout: 90_000 });
      await page.locator('#timeline', { hasText: 'publish' }).waitFor();
      expect(await stepRow(page, 'publish').textContent()).toContain('"published durable runs"');
      expect(await stepRow(page, 'approval').textContent()).toMatch(/answered \d{4}-/);
      const result = JSON.parse((await page.locator('#result pre').textContent())!);
      expect(result).toMatchObject({ approved: true, note: 'ship it', channel: 'newsletter' });
      await page.locator('#chunks li', { hasText: 'published' }).waitFor();
      expect(await page.locator('#inputs').textContent()).toContain('the run waits for no input');
      await page.screenshot({ path: join(screenshots, 'run-completed.png'), fullPage: true });

      await watcher.locator('#run-status', { hasText: 'Completed' }).waitFor({ timeout: 90_000 });
      await watcher.locator('#timeline', { hasText: 'publish' }).waitFor();
      await watcher.locator('#chunks li', { hasText: 'published' }).waitFor();
      expect(await watcher.evaluate(() => (window as { __notReloaded?: boolean }).__notReloaded)).toBe(true);
      expect(await watcher.locator('#stream-state').textContent()).toContain('the run completed');

      expect(dialogs).toEqual([]);
      expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
    } finally {
      await context.close();
    }
  });

  it('works from the keyboard alone: Tab to Approve, Enter', async () => {
    const workflowId = await startWaitingRun('bob-token-ab12cd34ef');
    const { context, page } = await pageAs('bob-token-ab12cd34ef');
    try {
      await page.goto(url(`/console/runs/${encodeURIComponent(workflowId)}`));
      let focused = '';
      for (let i = 0; i < 60 && focused !== 'Approve'; i++) {
        await page.keyboard.press('Tab');
        focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
      }
      expect(focused).toBe('Approve');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\?answered=approval$/);
      await page.locator('#run-status', { hasText: 'Completed' }).waitFor({ timeout: 90_000 });
      await page.screenshot({ path: join(screenshots, 'run-keyboard-approved.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('without a token the browser gets 401, and the list and pages hold no other person’s runs', async () => {
    const workflowId = await startWaitingRun('ana-token-ab12cd34ef');
    const anonymous = await browser!.newContext();
    try {
      const page = await anonymous.newPage();
      expect((await page.goto(url('/console')))!.status()).toBe(401);
      expect((await page.goto(url(`/console/runs/${encodeURIComponent(workflowId)}`)))!.status()).toBe(401);
    } finally {
      await anonymous.close();
    }
    const { context, page } = await pageAs('bob-token-ab12cd34ef');
    try {
      expect((await page.goto(url(`/console/runs/${encodeURIComponent(workflowId)}`)))!.status()).toBe(404);
      await page.goto(url('/console'));
      expect(await page.locator('main').textContent()).not.toContain(workflowId);
    } finally {
      await context.close();
    }
    // An admin sees it.
    const admin = await fetch(url(`/console/runs/${encodeURIComponent(workflowId)}`), {
      headers: auth('ops-token-ab12cd34ef'),
    });
    expect(admin.status).toBe(200);
  });
});

describe('run console over HTTP (no browser)', slow, () => {
  it('escapes step names and outputs in the HTML', async () => {
    const workflowId = await startWaitingRun('ana-token-ab12cd34ef');
    const html = await (
      await fetch(url(`/console/runs/${encodeURIComponent(workflowId)}`), { headers: auth('ana-token-ab12cd34ef') })
    ).text();
    expect(html).not.toContain(XSS_STEP_NAME);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;window.__xss = 1&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=\\&quot;window.__xss = 2\\&quot;&gt;'); // JSON of the output
  });

  it('answers a plain form post (no JavaScript): bad values keep the run waiting; cross-site posts are refused', async () => {
    const workflowId = await startWaitingRun('ana-token-ab12cd34ef');
    const action = url(`/console/runs/${encodeURIComponent(workflowId)}/inputs/approval`);
    const post = (fields: Record<string, string>, origin = new URL(action).origin) =>
      fetch(action, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          ...auth('ana-token-ab12cd34ef'),
          'Content-Type': 'application/x-www-form-urlencoded',
          Origin: origin,
        },
        body: new URLSearchParams(fields),
      });

    const crossSite = await post({ _decision: 'approve' }, 'https://evil.example');
    expect(crossSite.status).toBe(403);

    const badEnum = await post({ _decision: 'approve', 'v:channel': '7' });
    expect(badEnum.status).toBe(400);
    expect(await badEnum.text()).toContain('channel: choose one of the options');

    // The JSON Schema says at most 200 characters: the workflow refuses it and the run keeps waiting.
    const tooLong = await post({ _decision: 'approve', 'v:note': 'x'.repeat(201) });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.text()).toContain('Not accepted (INVALID_ARGUMENT)');

    const key = randomUUID();
    const denied = await post({ _decision: 'deny', _key: key, 'v:note': 'not now' });
    expect(denied.status).toBe(303);
    expect(denied.headers.get('location')).toBe(`/console/runs/${encodeURIComponent(workflowId)}?answered=approval`);
    // The same form posted twice (same key) is applied once; by now the run no longer waits.
    const again = await post({ _decision: 'deny', _key: key, 'v:note': 'not now' });
    expect([303, 409]).toContain(again.status);

    const run = await waitFor(
      async () => {
        const body = (await (
          await fetch(url(`/runs/${workflowId}`), { headers: auth('ana-token-ab12cd34ef') })
        ).json()) as {
          status: string;
          result?: { approved: boolean; note?: string; published?: string };
        };
        return body.status === 'COMPLETED' ? body : undefined;
      },
      90_000,
      'the denied run to complete',
    );
    expect(run.result).toMatchObject({ approved: false, note: 'not now' });
    expect(run.result?.published).toBeUndefined();

    const late = await post({ _decision: 'approve' });
    expect(late.status).toBe(409);
    expect(await late.text()).toContain('The run does not wait for &quot;approval&quot;');
  });

  it('pages through the list with Temporal page tokens: no run twice, and only the caller’s own runs', async () => {
    const ids = (html: string) =>
      [...html.matchAll(/href="\/console\/runs\/([^"?]+)"/g)].map((m) => decodeURIComponent(m[1]));
    const first = await (await fetch(url('/console?limit=1'), { headers: auth('ana-token-ab12cd34ef') })).text();
    const next = /href="(\/console\?[^"]*page=[^"]+)"/.exec(first)?.[1]?.replace(/&amp;/g, '&');
    expect(ids(first)).toHaveLength(1);
    expect(next).toBeDefined();
    const second = await (await fetch(url(next!), { headers: auth('ana-token-ab12cd34ef') })).text();
    expect(ids(second)).toHaveLength(1);
    expect(ids(second)[0]).not.toBe(ids(first)[0]);
    const bobs = await (await fetch(url('/console?limit=100'), { headers: auth('bob-token-ab12cd34ef') })).text();
    for (const id of [...ids(first), ...ids(second)]) expect(bobs).not.toContain(id);
  });

  it('mounts on its own with createRunConsole, under its own path and auth', async () => {
    const app = createRunConsole({
      ...worker.opts(),
      flows: [consoleReviewFlow],
      auth: bearerTokenAuth({ tokens }),
      basePath: '/ops/console',
      apiBasePath: '/api',
    });
    expect((await app.request('/ops/console')).status).toBe(401);
    const list = await app.request('/ops/console?limit=3', { headers: auth('ops-token-ab12cd34ef') });
    expect(list.status).toBe(200);
    const html = await list.text();
    const id = /href="\/ops\/console\/runs\/([^"]+)"/.exec(html)?.[1];
    expect(id).toBeDefined(); // the admin sees the runs the earlier tests started
    const run = await (await app.request(`/ops/console/runs/${id}`, { headers: auth('ops-token-ab12cd34ef') })).text();
    expect(run).toContain(`data-events="/api/runs/${id}/events"`);
    expect((await app.request('/ops/console/runs/no-such-run', { headers: auth('ops-token-ab12cd34ef') })).status).toBe(
      404,
    );
  });

  it('refuses bad list parameters with 400 and serves its assets', async () => {
    expect((await fetch(url('/console?page=%3Cx%3E'), { headers: auth('ana-token-ab12cd34ef') })).status).toBe(400);
    expect((await fetch(url('/console?limit=-1'), { headers: auth('ana-token-ab12cd34ef') })).status).toBe(400);
    const page = await fetch(url('/console?limit=5'), { headers: auth('ana-token-ab12cd34ef') });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const js = await fetch(url('/console/assets/console.js'), { headers: auth('ana-token-ab12cd34ef') });
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(await js.text()).toContain('EventSource');
  });
});
