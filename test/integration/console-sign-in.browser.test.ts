// Console sign-in and cross-site requests in real headless Chromium, against the flow API with a real worker and the
// dev server:
// - a person opens a sign-in link (the token in its fragment, as the demo prints it), lands on the run signed in
//   with a session cookie, watches it live and approves it; the token is in no URL the server saw and in no history
//   entry;
// - a page on another origin — the same host on another port (same-site: the SameSite=Strict cookie IS sent), and
//   another site — tries to approve, cancel and start as that person with forms (urlencoded and text/plain JSON),
//   no-cors fetches and a JSON fetch: nothing changes;
// - the same attacks against an API whose own `principalAuth` reads a cookie of the user's (as docs/console.md
//   suggests): nothing changes (before the cross-site check, each of them went through).
import { randomBytes, randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTemporalClient } from '../../src/client/connection';
import { bearerTokenAuth, createFlowApi, principalAuth } from '../../src/http';
import { consoleReviewFlow } from '../fixtures/console-flows';
import { browserUnavailable, launchChromium } from '../helpers/browser';
import { serveForTests } from '../helpers/http';
import { useWorker, waitFor } from '../helpers/temporal';
import { describeWithTool } from '../helpers/tools';

const worker = useWorker('console-sign-in');
const skipReason = browserUnavailable();
const slow = { timeout: 300_000 };

const principal = `ana-${randomUUID().slice(0, 8)}`;
const token = `ana-${randomBytes(18).toString('base64url')}`;
const sessionKeys = `s1:${randomBytes(32).toString('base64')}`;
const bearer = { Authorization: `Bearer ${token}` };

interface Seen {
  method: string;
  url: string;
  status: number;
  origin?: string;
}
/** Every request a server answered: what it saw and what it said. */
function recorded(app: Hono<any>, seen: Seen[]) {
  const outer = new Hono();
  outer.use(async (c, next) => {
    await next();
    seen.push({ method: c.req.method, url: c.req.url, status: c.res.status, origin: c.req.header('origin') });
  });
  outer.route('/', app);
  return outer;
}

const sessionSeen: Seen[] = [];
const cookieSeen: Seen[] = [];
let sessionApi: (path: string) => string;
let cookieApi: (path: string) => string;
let attackerPort: number;
let browser: Browser | undefined;

beforeAll(async () => {
  // The API with bearer auth and console sign-in.
  const withSignIn = createFlowApi({
    ...worker.opts(),
    flows: [consoleReviewFlow],
    auth: bearerTokenAuth({ tokens: { [token]: principal } }),
    console: true,
    signIn: { sessionKeys },
  });
  sessionApi = (await serveForTests(recorded(withSignIn, sessionSeen))).url;
  // The API whose own auth reads the user's cookie (what docs/console.md suggested for browsers).
  const withUserCookie = createFlowApi({
    ...worker.opts(),
    flows: [consoleReviewFlow],
    auth: principalAuth((c) => {
      const user = getCookie(c, 'user');
      return user ? { id: user } : undefined;
    }),
    console: true,
  });
  cookieApi = (await serveForTests(recorded(withUserCookie, cookieSeen))).url;
  // The other origin: a plain page, reachable as 127.0.0.1:<port> (same site as the APIs) and localhost:<port>.
  const attacker = new Hono();
  attacker.get('/', (c) => c.html('<!doctype html><title>elsewhere</title><p>nothing to see</p>'));
  attackerPort = Number(new URL((await serveForTests(attacker)).url('/')).port);
  if (!skipReason) browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** Starts a review through an API as `headers`' principal; resolves once it waits for its approval. */
async function startWaitingRun(api: (p: string) => string, headers: Record<string, string>): Promise<string> {
  const res = await fetch(api('/flows/consoleReviewFlow'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ data: { topic: 'signed in', token: randomUUID() } }),
  });
  expect(res.status, await res.clone().text()).toBe(202);
  const { workflowId } = (await res.json()) as { workflowId: string };
  await waitFor(async () => (await statusOf(workflowId)) === 'WAITING', 90_000, 'the run to wait for its approval');
  return workflowId;
}

/** The run's status as the library reads it (WAITING while it waits for an input). */
async function statusOf(workflowId: string): Promise<string> {
  const client = await getTemporalClient(worker.opts());
  const description = await client.workflow.getHandle(workflowId).describe();
  if (description.status.name !== 'RUNNING') return description.status.name;
  const { getFlowRun } = await import('../../src/client');
  return (await getFlowRun(workflowId, worker.opts())).status;
}

async function runsOf(owner: string): Promise<number> {
  await new Promise((r) => setTimeout(r, 1500)); // visibility catches up
  const client = await getTemporalClient(worker.opts());
  return (await client.workflow.count(`GenkitPrincipal="${owner}"`)).count;
}

async function newPage(context: BrowserContext): Promise<Page> {
  context.setDefaultTimeout(60_000);
  return context.newPage();
}

/**
 * What a page elsewhere can make the browser send to `api` without anyone's help: form posts (urlencoded, and
 * text/plain shaped into JSON), no-cors fetches with the browser's credentials, and a JSON fetch (which needs a
 * CORS preflight). Each form goes into its own frame, whose load is awaited.
 */
async function attackFrom(page: Page, api: string, waiting: string, toCancel: string): Promise<string[]> {
  return page.evaluate(
    async ({ api, waiting, toCancel }) => {
      const outcomes: string[] = [];
      // Each form lives in the document of its own frame and posts from there, so whatever an answer does
      // (a redirect, a refusal) navigates that frame only, never this page: the attack page stays on its origin.
      const submit = (action: string, enctype: string, fields: Array<[string, string]>) =>
        new Promise<void>((resolve) => {
          const frame = document.createElement('iframe');
          document.body.append(frame);
          const doc = frame.contentDocument!; // about:blank, of this page's origin
          const form = doc.createElement('form');
          Object.assign(form, { method: 'POST', action, enctype });
          for (const [name, value] of fields) {
            const input = doc.createElement('input');
            Object.assign(input, { type: 'hidden', name, value });
            form.append(input);
          }
          doc.body.append(form);
          frame.addEventListener('load', () => resolve(), { once: true }); // the post's answer, in the frame
          setTimeout(resolve, 5000);
          form.submit();
        });
      // text/plain: `name=value` makes {"data":{…},"init":"="}, a body the API once took as JSON.
      const asJson = (data: unknown): Array<[string, string]> => [[`{"data":${JSON.stringify(data)},"init":"`, '"}']];
      await submit(`${api}/runs/${waiting}/inputs/approval`, 'text/plain', asJson({ approved: true, note: 'forged' }));
      await submit(`${api}/console/runs/${waiting}/inputs/approval`, 'application/x-www-form-urlencoded', [
        ['_decision', 'approve'],
        ['v:note', 'forged in the console form'],
      ]);
      await submit(`${api}/runs/${toCancel}/cancel`, 'application/x-www-form-urlencoded', []);
      await submit(`${api}/flows/consoleReviewFlow`, 'text/plain', asJson({ topic: 'forged', token: 'x' }));
      const noCors = (path: string, body?: string) =>
        fetch(`${api}${path}`, { method: 'POST', mode: 'no-cors', credentials: 'include', body }).then(
          (r) => `${path}: opaque ${r.type}`,
          (e: Error) => `${path}: ${e.message}`,
        );
      outcomes.push(await noCors(`/runs/${toCancel}/cancel`));
      outcomes.push(await noCors(`/runs/${waiting}/inputs/approval`, JSON.stringify({ data: { approved: true } })));
      outcomes.push(await noCors('/flows/consoleReviewFlow', JSON.stringify({ data: { topic: 'f', token: 'x' } })));
      outcomes.push(
        await fetch(`${api}/runs/${waiting}/inputs/approval`, {
          method: 'POST',
          credentials: 'include',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ data: { approved: true } }),
        }).then(
          (r) => `json: ${r.status}`,
          () => 'json: blocked (no CORS)',
        ),
      );
      return outcomes;
    },
    { api, waiting, toCancel },
  );
}

/** Nothing the attack sent changed anything: both runs as they were, no new run, every post refused. */
async function expectUnchanged(owner: string, waiting: string, toCancel: string, runsBefore: number, seen: Seen[]) {
  await new Promise((r) => setTimeout(r, 1000));
  expect(await statusOf(waiting)).toBe('WAITING');
  expect(await statusOf(toCancel)).toBe('WAITING');
  expect(await runsOf(owner)).toBe(runsBefore);
  const posts = seen.filter((s) => s.method === 'POST' && s.origin?.includes(`:${attackerPort}`));
  expect(posts.length, JSON.stringify(seen)).toBeGreaterThanOrEqual(4);
  for (const post of posts) expect([401, 403, 415], `${post.url} → ${post.status}`).toContain(post.status);
}

describeWithTool('Chromium', skipReason)('console sign-in in Chromium', slow, () => {
  it('a sign-in link opens the run signed in; the person approves it; the token is in no URL the server saw', async () => {
    const workflowId = await startWaitingRun(sessionApi, bearer);
    const runPath = `/console/runs/${encodeURIComponent(workflowId)}`;
    // The link the demo prints (examples/demo/console-link.ts builds it the same way).
    const link = sessionApi(`/console/sign-in?next=${runPath}#token=${encodeURIComponent(token)}`);
    const context = await browser!.newContext();
    try {
      const page = await newPage(context);
      await page.goto(link);
      // On the pathname: the sign-in page's own URL ends with `?next=<runPath>` before it goes on.
      await page.waitForURL((url) => url.pathname === runPath);
      expect(page.url()).not.toContain(token);
      expect(await page.locator('#run-status').textContent()).toContain('Waiting for input');
      expect(await page.locator('header').textContent()).toContain(`Signed in as ${principal}`);
      const [cookie] = await context.cookies();
      expect(cookie).toMatchObject({ name: 'genkitx-session', httpOnly: true, sameSite: 'Strict', path: '/' });
      expect(cookie!.expires * 1000 - Date.now()).toBeGreaterThan(7.9 * 3600_000);
      expect(cookie!.value).not.toContain(token);
      expect(await page.evaluate(() => document.cookie)).toBe(''); // HttpOnly: no script reads it

      // The live stream (EventSource, cookie only) delivers, and the page refreshes itself after the approval.
      await page.locator('#chunks li', { hasText: 'drafted' }).waitFor();
      const form = page.getByRole('form', { name: 'Input approval' });
      await form.getByLabel('note').fill('approved from the sign-in link');
      await form.getByRole('button', { name: 'Approve' }).click();
      await page.waitForURL(/\?answered=approval$/);
      await page.locator('#run-status', { hasText: 'Completed' }).waitFor({ timeout: 90_000 });
      const result = JSON.parse((await page.locator('#result pre').textContent())!);
      expect(result).toMatchObject({ approved: true, note: 'approved from the sign-in link' });

      // Back through the history: no entry holds the token.
      for (let i = 0; i < 5 && (await page.goBack()) !== null; i++) expect(page.url()).not.toContain(token);
      expect(sessionSeen.length).toBeGreaterThan(5);
      for (const s of sessionSeen) expect(s.url, 'a URL the server saw').not.toContain(token);

      // Signing out ends it: the next page asks to sign in again.
      await page.goto(sessionApi(runPath));
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL('**/console/sign-in');
      await page.goto(sessionApi(runPath));
      await page.waitForURL(/\/console\/sign-in\?next=/);
      expect(await context.cookies()).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('signs in without JavaScript too: the token typed into the form', async () => {
    const context = await browser!.newContext({ javaScriptEnabled: false });
    try {
      const page = await newPage(context);
      await page.goto(sessionApi('/console'));
      await page.waitForURL(/\/console\/sign-in\?next=%2Fconsole$/);
      await page.locator('#token').fill(token);
      await page.getByRole('form', { name: 'Sign in with an access token' }).getByRole('button').click();
      await page.waitForURL((url) => url.pathname === '/console');
      expect(await page.locator('h1').textContent()).toBe('Runs');
    } finally {
      await context.close();
    }
  });

  it('a page on another origin cannot approve, cancel or start as the signed-in person (session cookie)', async () => {
    const waiting = await startWaitingRun(sessionApi, bearer);
    const toCancel = await startWaitingRun(sessionApi, bearer);
    const before = await runsOf(principal);
    const context = await browser!.newContext();
    try {
      const page = await newPage(context);
      await page.goto(sessionApi(`/console/sign-in?next=/console#token=${encodeURIComponent(token)}`));
      // On the pathname: `…/sign-in?next=/console` ends like the console's URL before the sign-in has gone on (a
      // later navigation there would then replace the attack page).
      await page.waitForURL((url) => url.pathname === '/console');
      // Same host, another port: another origin but the same site, so the SameSite=Strict cookie goes along.
      for (const host of ['127.0.0.1', 'localhost']) {
        await page.goto(`http://${host}:${attackerPort}/`);
        const outcomes = await attackFrom(page, sessionApi('').replace(/\/$/, ''), waiting, toCancel);
        expect(outcomes.at(-1)).toBe('json: blocked (no CORS)');
        expect(await page.evaluate(() => location.origin), 'the attack ran from the other origin').toBe(
          `http://${host}:${attackerPort}`,
        );
      }
      await expectUnchanged(principal, waiting, toCancel, before, sessionSeen);
      // Cookies were sent from the same site (so the cross-site check, not SameSite, refused those).
      const sameSite = sessionSeen.filter((s) => s.origin === `http://127.0.0.1:${attackerPort}`);
      expect(sameSite.map((s) => s.status)).toContain(403);
    } finally {
      await context.close();
    }
    // The person, from the console's own origin, still can.
    expect(await startWaitingRun(sessionApi, bearer)).toBeTruthy();
  });

  it('a page on another origin cannot act through a principalAuth that reads the user’s own cookie', async () => {
    const owner = `cookie-${randomUUID().slice(0, 8)}`;
    const asOwner = { Cookie: `user=${owner}` };
    const waiting = await startWaitingRun(cookieApi, asOwner);
    const toCancel = await startWaitingRun(cookieApi, asOwner);
    const before = await runsOf(owner);
    const context = await browser!.newContext();
    try {
      await context.addCookies([
        { name: 'user', value: owner, domain: '127.0.0.1', path: '/', sameSite: 'Lax', httpOnly: true },
      ]);
      const page = await newPage(context);
      // The person's own console works with that cookie.
      await page.goto(cookieApi(`/console/runs/${encodeURIComponent(waiting)}`));
      expect(await page.locator('#run-status').textContent()).toContain('Waiting for input');
      await page.goto(`http://127.0.0.1:${attackerPort}/`);
      await attackFrom(page, cookieApi('').replace(/\/$/, ''), waiting, toCancel);
      await expectUnchanged(owner, waiting, toCancel, before, cookieSeen);
    } finally {
      await context.close();
    }
  });
});
