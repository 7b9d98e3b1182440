// bearerTokenAuth's token table is refused when it is made if a token is what a forgotten variable gives ('undefined',
// '', 'null'), too short or not a bearer token, so `Authorization: Bearer undefined` can never authenticate.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { bearerTokenAuth, type FlowApiEnv } from '../../../../src/http';
import { MIN_BEARER_TOKEN_LENGTH } from '../../../../src/http/auth/principal-auth';

const UNSET = 'GENKITX_TEST_TOKEN_THAT_IS_NEVER_SET';
const GOOD = 'q6V3kN0x-7Zp_Lm4t2Rw';

function app(auth: ReturnType<typeof bearerTokenAuth>) {
  const hono = new Hono<FlowApiEnv>();
  hono.use(auth);
  hono.get('/', (c) => c.json({ id: c.get('principal')?.id ?? null }));
  return hono;
}
const as = (hono: Hono<FlowApiEnv>, header: string) => hono.request('/', { headers: { Authorization: header } });

describe('bearerTokenAuth({ tokens })', () => {
  it('refuses a table keyed by an unset environment variable, saying so', () => {
    expect(process.env[UNSET]).toBeUndefined();
    expect(() => bearerTokenAuth({ tokens: { [process.env[UNSET]!]: 'ops' } })).toThrow(
      /token of "ops" is "undefined", which is what an unset environment variable gives/,
    );
    expect(() => bearerTokenAuth({ tokens: { [`${process.env[UNSET]}`]: { id: 'ops', admin: true } } })).toThrow(
      TypeError,
    );
  });

  it("refuses empty, 'null', short and malformed tokens, and an empty table", () => {
    expect(() => bearerTokenAuth({ tokens: { '': 'ops' } })).toThrow(/is "", which is what an unset/);
    expect(() => bearerTokenAuth({ tokens: { null: 'ops' } })).toThrow(/is "null"/);
    expect(() => bearerTokenAuth({ tokens: { changeme: 'ops' } })).toThrow(
      new RegExp(`is 8 characters; use at least ${MIN_BEARER_TOKEN_LENGTH}`),
    );
    expect(() => bearerTokenAuth({ tokens: { 'a token with spaces!!': 'ops' } })).toThrow(/characters a bearer token/);
    expect(() => bearerTokenAuth({ tokens: {} })).toThrow(/has no token/);
    expect(() => bearerTokenAuth({ tokens: { [GOOD]: '' } })).toThrow(/principal id/);
  });

  it('never accepts "Bearer undefined", and accepts a real token', async () => {
    const hono = app(bearerTokenAuth({ tokens: { [GOOD]: 'ops' } }));
    for (const header of ['Bearer undefined', 'Bearer null']) expect((await as(hono, header)).status, header).toBe(401);
    for (const header of ['Bearer ', 'Bearer']) expect([400, 401], header).toContain((await as(hono, header)).status);
    const ok = await as(hono, `Bearer ${GOOD}`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ id: 'ops' });
  });

  it('uses the table as it was when checked (a later change does not add a token)', async () => {
    const tokens: Record<string, string> = { [GOOD]: 'ops' };
    const hono = app(bearerTokenAuth({ tokens }));
    tokens.undefined = 'intruder';
    expect((await as(hono, 'Bearer undefined')).status).toBe(401);
  });
});
