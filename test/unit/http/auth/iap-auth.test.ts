// iapAuth against a local key set served on loopback (as Google serves IAP's at gstatic), with assertions signed
// here by ES256 keys made for the test: a good one passes; expired, forged, other-audience, other-issuer, unsigned
// and HS256 ones are refused; a rotated key is fetched; an unreachable key set is a 503, not a 401.
import { Hono } from 'hono';
import { sign } from 'hono/utils/jwt/jwt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { iapAuth, IAP_ASSERTION_HEADER, IAP_ISSUER, type FlowApiEnv } from '../../../../src/http';
import { makeIapKey as makeKey, serveKeySet, type IapTestKey as TestKey } from '../../../helpers/iap-keys';

const AUDIENCE = '/projects/123456789012/locations/us-central1/services/genkit-api';

let keySet: Awaited<ReturnType<typeof serveKeySet>>;
let keySetUrl: string;
let published: TestKey[] = [];
let keySetStatus = 200;
const keySetFetches = () => keySet.fetches();
let current: TestKey;
let other: TestKey;

beforeAll(async () => {
  current = await makeKey('iap-key-1');
  other = await makeKey('iap-key-1'); // same key ID, another private key: a forgery
  published = [current];
  keySet = await serveKeySet(
    () => published,
    () => keySetStatus,
  );
  keySetUrl = keySet.url;
});

afterAll(() => keySet.close());

const now = () => Math.floor(Date.now() / 1000);
const claims = (over: Record<string, unknown> = {}) => ({
  iss: IAP_ISSUER,
  aud: AUDIENCE,
  sub: 'accounts.google.com:1234567890',
  email: 'ana@example.com',
  hd: 'example.com',
  iat: now() - 5,
  exp: now() + 600,
  ...over,
});

function appWith(options: Partial<Parameters<typeof iapAuth>[0]> = {}) {
  const app = new Hono<FlowApiEnv>();
  app.use(iapAuth({ audience: AUDIENCE, keySetUrl, ...options }));
  app.get('/who', (c) => c.json(c.get('principal')));
  return app;
}

const ask = (app: Hono<FlowApiEnv>, assertion?: string) =>
  app.request('/who', { headers: assertion ? { [IAP_ASSERTION_HEADER]: assertion } : {} });

describe('iapAuth', () => {
  it("accepts IAP's assertion and makes the person the principal", async () => {
    const app = appWith({ isAdmin: (c) => c.email === 'ana@example.com' });
    const res = await ask(app, await sign(claims(), current.privateJwk));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      id: 'accounts.google.com:1234567890',
      admin: true,
      claims: { sub: 'accounts.google.com:1234567890', email: 'ana@example.com', hd: 'example.com' },
    });
  });

  it('refuses missing, expired, future, other-audience, other-issuer and subject-less assertions (401)', async () => {
    const app = appWith();
    const cases: Array<[string, string | undefined]> = [
      ['missing', undefined],
      ['expired', await sign(claims({ iat: now() - 1200, exp: now() - 60 }), current.privateJwk)],
      ['issued in the future', await sign(claims({ iat: now() + 600 }), current.privateJwk)],
      ['no expiry', await sign({ ...claims(), exp: undefined }, current.privateJwk)],
      ['other audience', await sign(claims({ aud: '/projects/123456789012/apps/other-project' }), current.privateJwk)],
      ['other issuer', await sign(claims({ iss: 'https://accounts.google.com' }), current.privateJwk)],
      ['no subject', await sign(claims({ sub: '' }), current.privateJwk)],
      ['garbage', 'not.a.jwt'],
    ];
    for (const [what, assertion] of cases) {
      const res = await ask(app, assertion);
      expect(res.status, what).toBe(401);
      expect(await res.json(), what).toMatchObject({ status: 'UNAUTHENTICATED' });
    }
  });

  it('refuses forged assertions: another key under the same key ID, unsigned, HS256 with the public key', async () => {
    const app = appWith();
    const forged = await sign(claims(), other.privateJwk);
    expect((await ask(app, forged)).status).toBe(401);
    const [header, payload] = (await sign(claims(), current.privateJwk)).split('.');
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: current.kid })).toString('base64url');
    expect((await ask(app, `${none}.${payload}.`)).status).toBe(401);
    expect((await ask(app, `${header}.${payload}.`)).status).toBe(401); // signature stripped
    // Algorithm confusion: an HMAC "signed" with the public key's bytes.
    const hs = await sign(claims(), JSON.stringify(current.publicJwk), 'HS256');
    expect((await ask(app, hs)).status).toBe(401);
  });

  it('fetches the key set again for a rotated key, at most once per interval for unknown ones', async () => {
    const app = appWith();
    expect((await ask(app, await sign(claims(), current.privateJwk))).status).toBe(200);
    const rotated = await makeKey('iap-key-2');
    published = [rotated, current];
    const before = keySetFetches();
    // Made-up key IDs right after a fetch do not make it fetch on every request…
    const bogus = { ...other.privateJwk, kid: 'made-up' };
    for (let i = 0; i < 5; i++) expect((await ask(app, await sign(claims(), bogus))).status).toBe(401);
    expect(keySetFetches()).toBe(before);
    // …and a key it has not seen is looked up once the interval (30 s) has passed.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 31_000 });
    try {
      expect((await ask(app, await sign(claims(), rotated.privateJwk))).status).toBe(200);
      expect(keySetFetches()).toBe(before + 1);
      expect((await ask(app, await sign(claims(), rotated.privateJwk))).status).toBe(200);
      expect(keySetFetches()).toBe(before + 1);
    } finally {
      vi.useRealTimers();
      published = [current];
    }
  });

  it('answers 503 when the key set cannot be fetched, and 401 once it can', async () => {
    keySetStatus = 500;
    const app = appWith();
    const assertion = await sign(claims(), current.privateJwk);
    const res = await ask(app, assertion);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'UNAVAILABLE' });
    keySetStatus = 200;
    expect((await ask(app, assertion)).status).toBe(200);
  });

  it('refuses a value that is not an IAP audience, naming the forms, when it is made', () => {
    expect(() => iapAuth({ audience: 'my-project' })).toThrow(/PROJECT_NUMBER/);
    expect(() => iapAuth({ audience: 'https://genkit-api-xyz.a.run.app' })).toThrow(/not an IAP audience/);
    expect(() => iapAuth({ audience: [] })).toThrow(/audience/);
    for (const audience of [
      '/projects/1/global/backendServices/987',
      '/projects/1/apps/my-project',
      '/projects/1/locations/europe-west1/services/api',
    ]) {
      expect(() => iapAuth({ audience })).not.toThrow();
    }
  });
});
