// Console sign-in without a server: a bearer token exchanged for the session cookie (its attributes, over HTTP and
// behind an HTTPS proxy), the cookie standing in for the token on console pages, and every way a session must
// fail: a tampered, expired or foreign cookie, a key taken out of the ring, a bad token, a cross-origin exchange,
// an open redirect, an Authorization header that does not fall back to the cookie. The console's list page with
// a bad `limit` (400) shows a request got past auth without touching Temporal.
import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  bearerTokenAuth,
  createRunConsole,
  FIREBASE_WEB_SDK_VERSION,
  type ConsoleSignInOptions,
} from '../../../../src/http';

const TOKEN = 'ana-token-0123456789abcdef';
const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const K1 = key('k1');
const K2 = key('k2');

function consoleWith(signIn: Partial<ConsoleSignInOptions> = {}) {
  return createRunConsole({
    flows: ['reviewFlow'],
    address: '127.0.0.1:1', // never reached here
    auth: bearerTokenAuth({ tokens: { [TOKEN]: { id: 'ana', claims: { role: 'reviewer' } } } }),
    signIn: { sessionKeys: K1, ...signIn },
  });
}

type App = ReturnType<typeof consoleWith>;
const ORIGIN = 'http://console.test';

async function exchange(app: App, token: string, headers: Record<string, string> = {}, origin = ORIGIN) {
  return app.request(`${origin}/console/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: origin, 'Sec-Fetch-Site': 'same-origin', ...headers },
    body: JSON.stringify({ token }),
  });
}

/** The `name=value` of the Set-Cookie header, to send back as Cookie. */
const cookieOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0]!;

const listPage = (app: App, cookie?: string, headers: Record<string, string> = {}) =>
  app.request(`${ORIGIN}/console?limit=-1`, {
    headers: { Accept: 'text/html', ...(cookie ? { Cookie: cookie } : {}), ...headers },
    redirect: 'manual',
  });

describe('console sign-in', () => {
  it('exchanges a bearer token for an HttpOnly, SameSite=Strict, expiring session cookie that opens the pages', async () => {
    const app = consoleWith();
    const res = await exchange(app, TOKEN);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: 'ana' });
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^genkitx-session=[\w-]+\.[\w-]+\.[\w-]+;/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).toContain('Max-Age=28800');
    expect(setCookie).not.toContain(TOKEN);
    expect(res.headers.get('cache-control')).toBe('no-store');

    const page = await listPage(app, cookieOf(res));
    expect(page.status).toBe(400); // past auth: the page's own answer to the bad limit
    expect(await page.text()).toContain('Signed in as <strong>ana</strong>');
    const who = await app.request(`${ORIGIN}/console/session`, { headers: { Cookie: cookieOf(res) } });
    expect(await who.json()).toEqual({ id: 'ana', admin: false });
  });

  it('behind an HTTPS proxy the cookie is __Host- prefixed and Secure, and only that name is read', async () => {
    const app = consoleWith();
    const res = await exchange(app, TOKEN, { 'X-Forwarded-Proto': 'https', Origin: 'https://console.test' });
    expect(res.status).toBe(200);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^__Host-genkitx-session=/);
    expect(setCookie).toContain('Secure');
    const https = { 'X-Forwarded-Proto': 'https' };
    expect((await listPage(app, cookieOf(res), https)).status).toBe(400);
    // The unprefixed name over HTTPS is not the session (a sibling could have set it).
    const plain = cookieOf(res).replace('__Host-', '');
    expect((await listPage(app, plain, https)).status).toBe(303);
  });

  it('sends a browser without a session to the sign-in page, keeping where it was going', async () => {
    const app = consoleWith();
    const res = await listPage(app);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/console/sign-in?next=${encodeURIComponent('/console?limit=-1')}`);
    const signIn = await app.request(`${ORIGIN}${res.headers.get('location')}`);
    expect(signIn.status).toBe(200);
    const html = await signIn.text();
    expect(html).toContain('data-next="/console?limit=-1"');
    expect(html).toContain('<input id="token" name="token" type="password"');
    expect(signIn.headers.get('content-security-policy')).toContain("script-src 'self';");
    // A program (no Accept: text/html) still gets the 401 of the API's auth.
    expect((await app.request(`${ORIGIN}/console?limit=-1`)).status).toBe(401);
  });

  it('refuses tampered, foreign-key, unsigned and expired cookies', async () => {
    const app = consoleWith();
    const cookie = cookieOf(await exchange(app, TOKEN));
    const [name, value] = cookie.split('=') as [string, string];
    const [header, payload, signature] = value.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const admin = Buffer.from(JSON.stringify({ ...claims, sub: 'ops', adm: true })).toString('base64url');
    const foreign = cookieOf(await exchange(consoleWith({ sessionKeys: key('k1') }), TOKEN)); // same ID, other key
    const forged = [
      `${name}=${header}.${admin}.${signature}`,
      `${name}=${header}.${payload}.${signature.slice(0, -4)}AAAA`,
      `${name}=${Buffer.from('{"alg":"none","typ":"JWT","kid":"k1"}').toString('base64url')}.${admin}.`,
      foreign,
      `${name}=garbage`,
    ];
    for (const c of forged) expect((await listPage(app, c)).status, c).toBe(303);

    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 8 * 3600_000 + 1000 });
    try {
      expect((await listPage(app, cookie)).status).toBe(303);
    } finally {
      vi.useRealTimers();
    }
    expect((await listPage(app, cookie)).status).toBe(400);
  });

  it('rotates keys: a new key first keeps old sessions; removing the old key ends them', async () => {
    const old = cookieOf(await exchange(consoleWith({ sessionKeys: K1 }), TOKEN));
    const rotated = consoleWith({ sessionKeys: `${K2},${K1}` });
    expect((await listPage(rotated, old)).status).toBe(400);
    const fresh = cookieOf(await exchange(rotated, TOKEN));
    expect(JSON.parse(Buffer.from(fresh.split('=')[1]!.split('.')[0]!, 'base64url').toString()).kid).toBe('k2');
    const retired = consoleWith({ sessionKeys: K2 });
    expect((await listPage(retired, old)).status).toBe(303);
    expect((await listPage(retired, fresh)).status).toBe(400);
  });

  it('refuses a bad token, a cross-origin exchange and a text/plain one, and sets no cookie', async () => {
    const app = consoleWith();
    const bad = await exchange(app, 'not-the-token-0123456789');
    expect(bad.status).toBe(401);
    expect(bad.headers.get('set-cookie')).toBeNull();
    expect((await exchange(app, 'has spaces')).status).toBe(400);
    const crossOrigin = await exchange(app, TOKEN, { Origin: 'http://evil.test', 'Sec-Fetch-Site': 'cross-site' });
    expect(crossOrigin.status).toBe(403);
    expect(crossOrigin.headers.get('set-cookie')).toBeNull();
    const text = await app.request(`${ORIGIN}/console/session`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', Origin: ORIGIN },
      body: JSON.stringify({ token: TOKEN }),
    });
    expect(text.status).toBe(415);
  });

  it('signs in from the no-JavaScript form and goes on to `next`, never to another site', async () => {
    const app = consoleWith();
    const post = (next: string, token = TOKEN) =>
      app.request(`${ORIGIN}/console/session`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN },
        body: new URLSearchParams({ token, next }),
      });
    const ok = await post('/console/runs/r-1');
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/console/runs/r-1');
    expect(ok.headers.get('set-cookie')).toContain('HttpOnly');
    for (const next of [
      '//evil.example/x',
      'https://evil.example',
      '/console/../x',
      '/console/%2E%2e/x',
      '/elsewhere',
      '/console\\@x',
    ]) {
      const res = await post(next);
      expect(res.headers.get('location'), next).toBe('/console');
    }
    const refused = await post('/console', 'wrong-token-0123456789');
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain('That token was not accepted.');
  });

  it('never falls back to the cookie when an Authorization header is there', async () => {
    const app = consoleWith();
    const cookie = cookieOf(await exchange(app, TOKEN));
    const wrong = { Authorization: 'Bearer wrong-token-0123456789' };
    expect((await listPage(app, cookie, wrong)).status).toBe(303); // a browser: to sign-in, not into the page
    const program = await app.request(`${ORIGIN}/console?limit=-1`, { headers: { Cookie: cookie, ...wrong } });
    expect(program.status).toBe(401);
  });

  it('signs out: the cookie is cleared', async () => {
    const app = consoleWith();
    const cookie = cookieOf(await exchange(app, TOKEN));
    const out = await app.request(`${ORIGIN}/console/sign-out`, {
      method: 'POST',
      headers: { Cookie: cookie, Origin: ORIGIN },
    });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/^genkitx-session=;.*Max-Age=0/);
  });

  it('refuses bad settings when it is made, naming them', () => {
    expect(() => consoleWith({ sessionKeys: `k1:${randomBytes(16).toString('base64')}` })).toThrow(/32/);
    expect(() => consoleWith({ sessionKeys: '' })).toThrow(/session key/);
    expect(() => consoleWith({ sessionMaxAgeSeconds: 10 })).toThrow(/sessionMaxAgeSeconds/);
    expect(() => createRunConsole({ flows: ['x'], signIn: { sessionKeys: K1 } })).toThrow(/signIn needs `auth`/);
    expect(() => consoleWith({ firebase: { config: { apiKey: '', authDomain: 'x.firebaseapp.com' } } })).toThrow(
      /apiKey/,
    );
  });

  it('with Firebase, the sign-in page loads the Web SDK it is tested with, and its CSP lets only Firebase Auth in', async () => {
    const installed = JSON.parse(readFileSync(require.resolve('firebase/package.json'), 'utf8')) as { version: string };
    expect(FIREBASE_WEB_SDK_VERSION).toBe(installed.version);
    const app = consoleWith({
      firebase: {
        config: { apiKey: 'AIza-public', authDomain: 'p.firebaseapp.com' },
        emulatorUrl: 'http://127.0.0.1:9099',
      },
    });
    const page = await app.request(`${ORIGIN}/console/sign-in`);
    const html = await page.text();
    const cdn = `https://www.gstatic.com/firebasejs/${FIREBASE_WEB_SDK_VERSION}/`;
    expect(html).toContain(`<script src="${cdn}firebase-app-compat.js" defer="">`);
    expect(html).toContain('Sign in with Google');
    expect(html).toContain('data-firebase="{&quot;config&quot;:{&quot;apiKey&quot;:&quot;AIza-public&quot;');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self' https://www.gstatic.com;");
    expect(csp).toContain(
      "connect-src 'self' https://identitytoolkit.googleapis.com https://securetoken.googleapis.com http://127.0.0.1:9099;",
    );
    expect(csp).toContain('frame-src https://p.firebaseapp.com');
    expect(csp).not.toContain('unsafe');
  });
});
