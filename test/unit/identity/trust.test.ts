// Trusted caller identity, in process: credentials stripped from real Genkit context providers' output, the
// context signature bound to its run, key rotation, and the worker's policy (what it rejects, and how).
import { randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { fakeToken, firebaseContext, setDebugSkipTokenVerification } from '@genkit-ai/firebase/context';
import { apiKey } from 'genkit/context';
import { describe, expect, it } from 'vitest';
import {
  contextKeyRing,
  contextKeysFromEnv,
  parseContextKeys,
  resolveContextTrust,
  signRunContext,
  verifyRunContext,
  withoutCredentials,
  type SignedRun,
} from '../../../src/identity';
import { startContext } from '../../../src/identity/sign-start';
import { assertTrustedContext } from '../../../src/identity/trust';
import { createFlowApi } from '../../../src/http';
import { genkitWorkerPlugin } from '../../../src/worker/worker-plugin';

const b64 = (bytes = 32) => randomBytes(bytes).toString('base64');
const k1 = { id: 'k1', key: b64() };
const k2 = { id: 'k2', key: b64() };
const run: SignedRun = {
  namespace: 'default',
  workflowId: 'tripPlanner-1',
  flowName: 'tripPlanner',
  input: { city: 'Lisbon', days: 2 },
  context: { auth: { uid: 'alice', token: { email: 'alice@example.com' } } },
};

describe('withoutCredentials', () => {
  it("strips the raw ID token and App Check token from Genkit's firebaseContext() output, keeps the identity", async () => {
    setDebugSkipTokenVerification(true); // the provider's own test mode: decodes without verifying
    const idToken = fakeToken({ sub: 'alice', email: 'alice@example.com' });
    const appCheck = fakeToken({ sub: 'app-1' });
    const context = await firebaseContext()({
      method: 'POST',
      headers: {
        authorization: `Bearer ${idToken}`,
        'x-firebase-appcheck': appCheck,
        'firebase-instance-id-token': 'iid',
      },
      input: {},
    });
    expect((context.auth as any).rawToken).toBe(idToken); // what Genkit hands a flow
    const stripped = withoutCredentials(context as Record<string, unknown>);
    const text = JSON.stringify(stripped);
    for (const secret of [idToken, appCheck, 'iid']) expect(text).not.toContain(secret);
    expect(stripped).toMatchObject({
      auth: { uid: 'alice', token: { email: 'alice@example.com' } },
      app: { appId: 'app-1' },
    });
  });

  it("strips Genkit apiKey()'s key, credential headers at any depth and any letter case, and leaves the input alone", async () => {
    const context = await apiKey()({ method: 'POST', headers: { authorization: 'sk-live-123' }, input: {} });
    expect(JSON.stringify(withoutCredentials(context as Record<string, unknown>))).not.toContain('sk-live-123');
    const nested = {
      request: { headers: { Authorization: 'Bearer x', Cookie: 's=1', 'X-Api-Key': 'k', accept: 'json' } },
      list: [{ accessToken: 'a', refreshToken: 'r', idToken: 'i', keep: 1 }],
      when: new Date(0),
    };
    expect(withoutCredentials(nested)).toEqual({
      request: { headers: { accept: 'json' } },
      list: [{ keep: 1 }],
      when: new Date(0),
    });
    expect(nested.request.headers.Authorization).toBe('Bearer x'); // a copy, not the caller's object
    expect(withoutCredentials(undefined)).toBeUndefined();
  });
});

describe('context keys', () => {
  it('parses GENKITX_CONTEXT_KEYS (first signs) and refuses short, malformed, duplicate or missing keys', () => {
    expect(contextKeysFromEnv({ GENKITX_CONTEXT_KEYS: ` k1:${k1.key} , k2:${k2.key}` })).toEqual([k1, k2]);
    expect(contextKeysFromEnv({})).toBeUndefined();
    expect(contextKeyRing([k1, k2]).current.id).toBe('k1');
    expect(() => contextKeyRing(parseContextKeys(`short:${b64(16)}`))).toThrow(/at least 32/);
    expect(() => contextKeyRing(parseContextKeys('bad:not base64!'))).toThrow(/not valid base64/);
    expect(() => contextKeyRing([k1, { ...k2, id: 'k1' }])).toThrow(/twice/);
    expect(() => contextKeyRing([{ id: 'a b', key: k1.key }])).toThrow(/must match/);
    expect(() => parseContextKeys(k1.key)).toThrow(/keyId:base64key/);
    expect(() => contextKeyRing([])).toThrow(/no context signing key/);
  });
});

describe('context signature', () => {
  const ring = contextKeyRing([k1]);
  const signature = signRunContext(ring, run);

  it('verifies for its own run, whatever the key order, undefined fields or dates of the values', () => {
    expect(verifyRunContext(ring, run, signature)).toBeUndefined();
    const reordered = {
      ...run,
      input: JSON.parse(JSON.stringify({ days: 2, city: 'Lisbon', note: undefined })),
      context: { auth: { token: { email: 'alice@example.com' }, uid: 'alice' } },
    };
    expect(verifyRunContext(ring, reordered, signature)).toBeUndefined();
    const at = new Date('2026-11-30T00:00:00Z');
    const dated = signRunContext(ring, { ...run, input: { at, s: 'lone \ud800' } });
    // What the worker sees after the JSON payload converter: the date as a string, the lone surrogate replaced.
    const seen = JSON.parse(
      new TextDecoder().decode(new TextEncoder().encode(JSON.stringify({ at, s: 'lone \ud800' }))),
    );
    expect(verifyRunContext(ring, { ...run, input: seen }, dated)).toBeUndefined();
  });

  it('fails for another identity, input, flow, workflow ID or namespace, a changed MAC or key ID, and junk', () => {
    const other = (change: Partial<SignedRun>) => verifyRunContext(ring, { ...run, ...change }, signature);
    expect(other({ context: { auth: { uid: 'mallory', token: { email: 'alice@example.com' } } } })).toBe('mismatch');
    expect(other({ context: undefined })).toBe('mismatch');
    expect(other({ input: { city: 'Rome', days: 2 } })).toBe('mismatch');
    expect(other({ flowName: 'deleteAccount' })).toBe('mismatch');
    expect(other({ workflowId: 'tripPlanner-2' })).toBe('mismatch');
    expect(other({ namespace: 'prod' })).toBe('mismatch');
    const flipped = Buffer.from(signature.mac, 'base64url');
    flipped[0] ^= 1;
    expect(verifyRunContext(ring, run, { ...signature, mac: flipped.toString('base64url') })).toBe('mismatch');
    expect(verifyRunContext(ring, run, { ...signature, mac: signature.mac.slice(4) })).toBe('mismatch');
    expect(verifyRunContext(ring, run, { ...signature, kid: 'k2' })).toBe('unknown-key');
    expect(verifyRunContext(ring, run, undefined)).toBe('unsigned');
    expect(verifyRunContext(ring, run, null)).toBe('unsigned');
    for (const junk of ['sig', { v: 2, kid: 'k1', mac: signature.mac }, { v: 1, kid: 'k1' }, 7]) {
      expect(verifyRunContext(ring, run, junk)).toBe('malformed');
    }
  });

  it('rotation: signed with the current key, verified by any key of the ring', () => {
    const before = signRunContext(contextKeyRing([k1]), run);
    const after = signRunContext(contextKeyRing([k2, k1]), run);
    expect(after.kid).toBe('k2');
    const rotated = contextKeyRing([k2, k1]);
    expect(verifyRunContext(rotated, run, before)).toBeUndefined();
    expect(verifyRunContext(rotated, run, after)).toBeUndefined();
    expect(verifyRunContext(contextKeyRing([k2]), run, before)).toBe('unknown-key'); // old key dropped
    // A key with the old ID but other bytes is another key.
    expect(verifyRunContext(contextKeyRing([{ id: 'k1', key: b64() }]), run, before)).toBe('mismatch');
  });

  it('startContext strips credentials first and signs what is left; without keys it only strips', () => {
    const context = { auth: { uid: 'alice', rawToken: 'eyJ.secret.x' } };
    const signed = startContext({ ...run, context }, [k1]);
    expect(signed.context).toEqual({ auth: { uid: 'alice' } });
    expect(verifyRunContext(ring, { ...run, context: signed.context }, signed.contextSignature)).toBeUndefined();
    const unsigned = startContext({ ...run, context }, undefined);
    expect(unsigned).toEqual({ context: { auth: { uid: 'alice' } } });
  });
});

describe('worker policy', () => {
  const failureOf = (fn: () => void): ApplicationFailure => {
    try {
      fn();
    } catch (err) {
      return err as ApplicationFailure;
    }
    throw new Error('expected a failure');
  };

  it('defaults to reject with a key, allow without; reject without a key is a start-up error', () => {
    expect(resolveContextTrust({}, { GENKITX_CONTEXT_KEYS: `k1:${k1.key}` }).unsignedContext).toBe('reject');
    expect(resolveContextTrust({}, {})).toEqual({ ring: undefined, unsignedContext: 'allow' });
    expect(() => resolveContextTrust({ unsignedContext: 'reject' }, {})).toThrow(/needs context keys/);
    expect(() => resolveContextTrust({ unsignedContext: 'maybe' as never }, {})).toThrow(/'reject' or 'allow'/);
    expect(() => resolveContextTrust({}, { GENKITX_CONTEXT_KEYS: 'k1:short' })).toThrow(/at least 32/);
    expect(resolveContextTrust({ contextKeys: [k1] }, {}).ring?.current.id).toBe('k1');
  });

  it('reject: an unsigned or forged context is a non-retryable PERMISSION_DENIED; a valid one passes', () => {
    const trust = resolveContextTrust({ contextKeys: [k1] }, {});
    const signature = signRunContext(trust.ring!, run);
    expect(() => assertTrustedContext(trust, run, signature, 1)).not.toThrow();
    for (const [sig, reason] of [
      [undefined, 'unsigned'],
      [{ ...signature, kid: 'k9' }, 'unknown-key'],
    ] as const) {
      const failure = failureOf(() => assertTrustedContext(trust, run, sig, 1));
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure.type).toBe('UntrustedFlowContext');
      expect(failure.nonRetryable).toBe(true);
      expect((failure.details?.[0] as any).error).toMatchObject({ status: 'PERMISSION_DENIED', detail: { reason } });
    }
    const forged = { ...run, context: { auth: { uid: 'mallory' } } };
    expect(failureOf(() => assertTrustedContext(trust, forged, signature, 1)).type).toBe('UntrustedFlowContext');
  });

  it('allow: unsigned runs pass, but a signature that is present must still verify', () => {
    const trust = resolveContextTrust({ contextKeys: [k1], unsignedContext: 'allow' }, {});
    expect(() => assertTrustedContext(trust, run, undefined, 1)).not.toThrow();
    const signature = signRunContext(contextKeyRing([k1]), run);
    const forged = { ...run, context: { auth: { uid: 'mallory' } } };
    expect(failureOf(() => assertTrustedContext(trust, forged, signature, 1)).nonRetryable).toBe(true);
    // Without any key (zero-config local use) nothing can be checked: everything runs as before.
    expect(() => assertTrustedContext(resolveContextTrust({}, {}), forged, signature, 1)).not.toThrow();
  });
});

describe('a bad context key fails at start-up, not on the first run', () => {
  const short = [{ id: 'short', key: b64(16) }];

  it('the worker plugin refuses to configure the worker', async () => {
    await expect(
      genkitWorkerPlugin({ contextTrust: { contextKeys: short } }).configureWorker({ taskQueue: 'q' } as never),
    ).rejects.toThrow(/at least 32/);
    await expect(
      genkitWorkerPlugin({ contextTrust: { unsignedContext: 'reject', contextKeys: [] } }).configureWorker({
        taskQueue: 'q',
      } as never),
    ).rejects.toThrow(/needs context keys/);
  });

  it('createFlowApi refuses to build the app', () => {
    expect(() => createFlowApi({ flows: ['f'], startOptions: { contextKeys: short } })).toThrow(/at least 32/);
    expect(() => createFlowApi({ flows: ['f'], startOptions: { contextKeys: [k1] } })).not.toThrow();
  });
});
