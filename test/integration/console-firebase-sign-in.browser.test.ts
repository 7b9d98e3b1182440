// Console sign-in with Firebase Auth, offline: the real Auth emulator (firebase-tools), the Firebase Web SDK's compat
// build loaded by the sign-in page (served here from the installed `firebase` package, standing in for Google's
// CDN), firebase-admin verifying ID tokens behind `firebaseAuth`. A person opens a run's page, is sent to sign in,
// signs in with email and password, lands on the run with a session cookie, and approves it. The exchange refuses
// ID tokens that are expired, for another project, or signed in a way the emulator never signs; outside the
// emulator firebase-admin verifies Google's signatures (not reachable here, so not exercised).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getAuth } from 'firebase-admin/auth';
import { Hono } from 'hono';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFlowRun } from '../../src/client';
import { createFlowApi, FIREBASE_WEB_SDK_VERSION, firebaseAuth } from '../../src/http';
import { freePorts } from '../../src/testing/local-process-helpers';
import { consoleReviewFlow } from '../fixtures/console-flows';
import { browserUnavailable, launchChromium } from '../helpers/browser';
import { serveForTests } from '../helpers/http';
import { useWorker, waitFor } from '../helpers/temporal';
import { describeWithTool } from '../helpers/tools';

const root = resolve(__dirname, '../..');
const firebaseBin = join(root, 'node_modules/.bin/firebase');
const PROJECT = 'demo-console-sign-in';
const worker = useWorker('console-firebase');
const skipReason = browserUnavailable();

let emulator: ChildProcess | undefined;
let emulatorLog = '';
let authHost = '';
let adminApp: App | undefined;
let api: (path: string) => string;
let browser: Browser | undefined;
const home = mkdtempSync(join(tmpdir(), 'firebase-home-'));
const email = `ana-${randomUUID().slice(0, 6)}@example.com`;
const password = `pw-${randomBytes(9).toString('base64url')}`;
let uid = '';

/** The Auth emulator's REST API (identitytoolkit), as the Firebase SDK calls it. */
async function identityToolkit(method: string, body: object): Promise<Record<string, string>> {
  const res = await fetch(`http://${authHost}/identitytoolkit.googleapis.com/v1/accounts:${method}?key=fake-api-key`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Record<string, string>;
}

beforeAll(async () => {
  const [authPort, hubPort, loggingPort] = await freePorts(3);
  authHost = `127.0.0.1:${authPort}`;
  const config = join(home, 'firebase.json');
  writeFileSync(
    config,
    JSON.stringify({
      emulators: {
        singleProjectMode: true,
        ui: { enabled: false },
        auth: { host: '127.0.0.1', port: authPort },
        hub: { port: hubPort },
        logging: { port: loggingPort },
      },
    }),
  );
  emulator = spawn(firebaseBin, ['emulators:start', '--only', 'auth', '--project', PROJECT, '--config', config], {
    cwd: home,
    env: {
      ...process.env,
      CI: 'true',
      NO_UPDATE_NOTIFIER: '1',
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      npm_config_fetch_retries: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  emulator.stdout!.on('data', (d) => (emulatorLog += d));
  emulator.stderr!.on('data', (d) => (emulatorLog += d));
  await waitFor(
    () => {
      if (emulator!.exitCode !== null) throw new Error(`the Auth emulator exited:\n${emulatorLog}`);
      return emulatorLog.includes('All emulators ready');
    },
    120_000,
    'the Auth emulator',
  );
  uid = (await identityToolkit('signUp', { email, password, returnSecureToken: true })).localId!;

  // firebase-admin verifies against the emulator (its tokens are unsigned) only with this variable set.
  process.env.FIREBASE_AUTH_EMULATOR_HOST = authHost;
  adminApp = initializeApp({ projectId: PROJECT }, `console-sign-in-${randomUUID()}`);
  // Google's CDN, here: the compat builds of the installed Firebase Web SDK.
  const sdk = new Hono();
  const firebaseDir = dirname(require.resolve('firebase/package.json'));
  for (const file of ['firebase-app-compat.js', 'firebase-auth-compat.js']) {
    const code = readFileSync(join(firebaseDir, file), 'utf8');
    sdk.get(`/firebasejs/${FIREBASE_WEB_SDK_VERSION}/${file}`, (c) =>
      c.body(code, 200, { 'content-type': 'text/javascript' }),
    );
  }
  const sdkUrl = (await serveForTests(sdk)).url(`/firebasejs/${FIREBASE_WEB_SDK_VERSION}/`);
  const app = createFlowApi({
    ...worker.opts(),
    flows: [consoleReviewFlow],
    auth: firebaseAuth({ auth: getAuth(adminApp) }),
    console: true,
    signIn: {
      sessionKeys: `fb:${randomBytes(32).toString('base64')}`,
      firebase: {
        config: { apiKey: 'fake-api-key', authDomain: `${PROJECT}.firebaseapp.com`, projectId: PROJECT },
        providers: ['password'],
        sdkUrl,
        // emulatorUrl: from FIREBASE_AUTH_EMULATOR_HOST, as in the API service's environment
      },
    },
  });
  api = (await serveForTests(app)).url;
  if (!skipReason) browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (adminApp) await deleteApp(adminApp);
  delete process.env.FIREBASE_AUTH_EMULATOR_HOST;
  if (emulator?.pid) {
    try {
      process.kill(-emulator.pid, 'SIGINT');
    } catch {
      // gone already
    }
    await new Promise<void>((done) => {
      if (emulator!.exitCode !== null) return done();
      const timer = setTimeout(() => {
        try {
          process.kill(-emulator!.pid!, 'SIGKILL');
        } catch {
          // gone
        }
      }, 15_000);
      emulator!.on('exit', () => (clearTimeout(timer), done()));
    });
  }
  rmSync(home, { recursive: true, force: true });
});

/** An unsigned (emulator-style) ID token with these claims. */
function unsignedIdToken(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'none', typ: 'JWT' },
) {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part(header)}.${part(claims)}.`;
}

const exchange = (token: string) =>
  fetch(api('/console/session'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });

describe('console sign-in with Firebase Auth (emulator)', () => {
  it('exchanges an emulator ID token, and refuses expired, other-project and wrongly signed ones', async () => {
    const { idToken } = await identityToolkit('signInWithPassword', { email, password, returnSecureToken: true });
    const ok = await exchange(idToken!);
    expect(ok.status, await ok.clone().text()).toBe(200);
    expect(await ok.json()).toMatchObject({ id: uid });

    const claims = JSON.parse(Buffer.from(idToken!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    const refused = {
      expired: unsignedIdToken({ ...claims, iat: now - 7200, exp: now - 3600 }),
      otherProject: unsignedIdToken({
        ...claims,
        aud: 'someone-else',
        iss: 'https://securetoken.google.com/someone-else',
      }),
      otherIssuer: unsignedIdToken({ ...claims, iss: 'https://evil.example' }),
      signedLikeGoogle: `${unsignedIdToken(claims, { alg: 'RS256', kid: 'k', typ: 'JWT' }).slice(0, -1)}.c2ln`,
    };
    for (const [what, token] of Object.entries(refused)) {
      const res = await exchange(token);
      expect(res.status, what).toBe(401);
      expect(res.headers.get('set-cookie'), what).toBeNull();
    }
  });

  describeWithTool('Chromium', skipReason)('in Chromium', () => {
    it('a person signs in with email and password on the sign-in page, lands on the run, and approves it', async () => {
      const { idToken } = await identityToolkit('signInWithPassword', { email, password, returnSecureToken: true });
      const started = await fetch(api('/flows/consoleReviewFlow'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${idToken}` },
        body: JSON.stringify({ data: { topic: 'firebase sign-in', token: randomUUID() } }),
      });
      expect(started.status).toBe(202);
      const { workflowId } = (await started.json()) as { workflowId: string };
      await waitFor(
        async () => (await getFlowRun(workflowId, worker.opts())).status === 'WAITING',
        90_000,
        'the run to wait for its approval',
      );

      const context = await browser!.newContext();
      context.setDefaultTimeout(60_000);
      try {
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('response', (r) => r.status() >= 400 && errors.push(`${r.status()} ${r.url()}`));
        const runPath = `/console/runs/${encodeURIComponent(workflowId)}`;
        await page.goto(api(runPath));
        await page.waitForURL(/\/console\/sign-in\?next=/);
        const form = page.getByRole('form', { name: 'Sign in with email and password' });
        await form.getByLabel('Email').fill(email);
        await form.getByLabel('Password').fill(password);
        await form.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForURL((url) => url.pathname === runPath); // not the sign-in page's ?next=…
        expect(await page.locator('header').textContent()).toContain(`Signed in as ${uid}`);
        // Nothing of Firebase stays in the browser: the console's cookie is the session.
        const stored = await page.evaluate(() => Object.keys(localStorage).concat(Object.keys(sessionStorage)));
        expect(stored.filter((k) => k.startsWith('firebase'))).toEqual([]);
        const approval = page.getByRole('form', { name: 'Input approval' });
        await approval.getByRole('button', { name: 'Approve' }).click();
        await page.waitForURL(/\?answered=approval$/);
        await page.locator('#run-status', { hasText: 'Completed' }).waitFor({ timeout: 90_000 });
        expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
      } finally {
        await context.close();
      }
    }, 240_000);

    it('a wrong password is refused on the page and no session is made', async () => {
      const context = await browser!.newContext();
      context.setDefaultTimeout(60_000);
      try {
        const page = await context.newPage();
        await page.goto(api('/console/sign-in'));
        const form = page.getByRole('form', { name: 'Sign in with email and password' });
        await form.getByLabel('Email').fill(email);
        await form.getByLabel('Password').fill('not-the-password');
        await form.getByRole('button', { name: 'Sign in' }).click();
        await page.locator('#sign-in-state', { hasText: 'Sign-in failed' }).waitFor();
        expect(await context.cookies()).toEqual([]);
      } finally {
        await context.close();
      }
    });
  });
});
