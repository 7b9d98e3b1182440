// The cross-site rule on its own (no server): which browser requests may change state, behind a TLS-terminating
// proxy too, and the JSON-only rule of the API's JSON routes.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createFlowApi, principalAuth } from '../../../../src/http';
import { crossSiteGuard, crossSiteRefusal, requireJsonContentType } from '../../../../src/http/auth/cross-site';

const own = 'https://api.example.com';
const refusal = (headers: Record<string, string>, trusted: string[] = []) =>
  crossSiteRefusal(new Headers(headers), own, new Set(trusted));

describe('crossSiteRefusal', () => {
  it('lets same-origin browser requests and non-browser callers through', () => {
    expect(refusal({ 'sec-fetch-site': 'same-origin', origin: own })).toBeUndefined();
    expect(refusal({ origin: own })).toBeUndefined(); // a browser without Sec-Fetch-Site
    expect(refusal({})).toBeUndefined(); // curl, Genkit's client, a server
    // The browser's own word wins when a proxy rewrote the host the server sees.
    expect(refusal({ 'sec-fetch-site': 'same-origin', origin: 'https://public.example.com' })).toBeUndefined();
  });

  it('refuses other origins, same-site ones included, opaque ones, and browser requests without Origin', () => {
    expect(refusal({ 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' })).toMatch(/evil\.example/);
    expect(refusal({ 'sec-fetch-site': 'same-site', origin: 'https://other.example.com' })).toMatch(/other/);
    expect(refusal({ origin: 'https://evil.example' })).toBeDefined();
    expect(refusal({ origin: 'http://api.example.com' })).toBeDefined(); // another scheme is another origin
    expect(refusal({ origin: 'null' })).toMatch(/opaque/);
    expect(refusal({ 'sec-fetch-site': 'cross-site' })).toBeDefined();
  });

  it('lets listed origins through', () => {
    expect(
      refusal({ 'sec-fetch-site': 'same-site', origin: 'https://app.example.com' }, ['https://app.example.com']),
    ).toBeUndefined();
  });
});

describe('crossSiteGuard', () => {
  const app = new Hono();
  app.use(crossSiteGuard());
  app.all('/x', (c) => c.text('changed'));

  it('refuses a cross-origin post (403 JSON) whatever it carries; reads are never refused', async () => {
    const evil = { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' };
    const refused = await app.request('https://api.example.com/x', { method: 'POST', headers: evil });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ status: 'PERMISSION_DENIED' });
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      expect((await app.request('https://api.example.com/x', { method, headers: evil })).status).toBe(403);
    }
    // Browsers attach Basic credentials by themselves, and an authenticating proxy can add a bearer token to a
    // browser's every request: no credential makes a cross-origin browser request safe.
    for (const authorization of ['Bearer abcdefghijklmnop', 'Basic YWxpY2U6cHc=']) {
      const headers = { ...evil, Authorization: authorization };
      expect((await app.request('https://api.example.com/x', { method: 'POST', headers })).status).toBe(403);
    }
    const trusted = new Hono();
    trusted.use(crossSiteGuard({ trustedOrigins: ['https://evil.example'] }));
    trusted.post('/x', (c) => c.text('changed'));
    expect((await trusted.request('https://api.example.com/x', { method: 'POST', headers: evil })).status).toBe(200);
    expect((await app.request('https://api.example.com/x', { headers: evil })).status).toBe(200);
  });

  it('behind a TLS-terminating proxy, compares with the https origin the browser used', async () => {
    // Cloud Run hands the container http://…; the browser's Origin says https://.
    const headers = { Origin: 'https://api.example.com', 'X-Forwarded-Proto': 'https' };
    expect((await app.request('http://api.example.com/x', { method: 'POST', headers })).status).toBe(200);
    const plain = { Origin: 'https://api.example.com' };
    expect((await app.request('http://api.example.com/x', { method: 'POST', headers: plain })).status).toBe(403);
  });

  it('refuses a trusted origin that is not an origin, when it is made', () => {
    expect(() => crossSiteGuard({ trustedOrigins: ['https://app.example.com/path'] })).toThrow(/trustedOrigins/);
  });
});

describe('requireJsonContentType', () => {
  const app = new Hono();
  app.post('/start', requireJsonContentType(), (c) => c.text('started'));
  app.post('/cancel', requireJsonContentType({ bodyOptional: true }), (c) => c.text('cancelled'));
  const post = (path: string, type?: string) =>
    app.request(path, { method: 'POST', headers: type ? { 'Content-Type': type } : {}, body: type ? '{}' : undefined });

  it('takes application/json (with parameters, any case) and refuses forms and text with 415', async () => {
    expect((await post('/start', 'application/json')).status).toBe(200);
    expect((await post('/start', 'Application/JSON; charset=utf-8')).status).toBe(200);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await post('/start', type);
      expect(res.status, type).toBe(415);
      expect(await res.json()).toMatchObject({ status: 'INVALID_ARGUMENT' });
    }
    expect((await post('/start')).status).toBe(415);
  });

  it('with bodyOptional, a request without a body passes and one with a non-JSON body does not', async () => {
    expect((await post('/cancel')).status).toBe(200);
    expect((await post('/cancel', 'text/plain')).status).toBe(415);
    expect((await post('/cancel', 'application/json')).status).toBe(200);
  });
});

describe('createFlowApi', () => {
  // Nothing listens at this address: every refusal below comes before the API talks to Temporal.
  const api = createFlowApi({
    flows: ['reviewFlow'],
    address: '127.0.0.1:1',
    auth: principalAuth((c) => (c.req.header('cookie')?.includes('user=ana') ? { id: 'ana' } : undefined)),
  });
  const post = (path: string, headers: Record<string, string>, body?: string) =>
    api.request(`http://api.test${path}`, { method: 'POST', headers: { Cookie: 'user=ana', ...headers }, body });
  const json = JSON.stringify({ data: { approved: true } });

  it('starts, answers and cancels nothing from a form or text/plain post (415)', async () => {
    const smuggled = '{"data":{"topic":"x"},"init":"="}';
    expect((await post('/flows/reviewFlow', { 'Content-Type': 'text/plain' }, smuggled)).status).toBe(415);
    expect((await post('/runs/r-1/inputs/approval', { 'Content-Type': 'text/plain' }, json)).status).toBe(415);
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    expect((await post('/runs/r-1/cancel', form, 'x=1')).status).toBe(415);
  });

  it('refuses a cross-origin browser post on every state-changing route (403), before auth and Temporal', async () => {
    const elsewhere = { Origin: 'http://elsewhere.test', 'Sec-Fetch-Site': 'same-site' };
    for (const path of ['/flows/reviewFlow', '/runs/r-1/inputs/approval', '/runs/r-1/cancel']) {
      const res = await post(path, { ...elsewhere, 'Content-Type': 'application/json' }, json);
      expect(res.status, path).toBe(403);
      expect(await res.json()).toMatchObject({ status: 'PERMISSION_DENIED' });
    }
  });
});
