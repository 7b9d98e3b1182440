// Approval links as pure logic: what a minted link binds, and every way a changed, moved, expired or foreign link is
// refused before any run is looked at.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  APPROVAL_KEYS_ENV,
  mintApprovalLink,
  resolveApprovalKeyRing,
  verifyApprovalLink,
  type MintApprovalLinkOptions,
} from '../../../src/identity/approval-link';

const key = (id: string) => ({ id, key: randomBytes(32).toString('base64') });
const k1 = key('k1');
const k2 = key('k2');
const ring = resolveApprovalKeyRing([k1])!;
const NOW = Date.UTC(2026, 11, 7, 12);
const options: MintApprovalLinkOptions = {
  apiUrl: 'https://api.example.com/api/',
  workflowId: 'refund-42',
  input: 'approval',
  decision: 'approve',
  answer: { approved: true },
  approver: 'ana@example.com',
  expiresInSeconds: 3600,
  keys: [k1],
  now: () => NOW,
};
const at = { workflowId: 'refund-42', input: 'approval' };

/** The token with its payload re-encoded after `change` (the signature kept). */
function edited(token: string, change: (payload: Record<string, unknown>) => void): string {
  const [body, mac] = token.split('.');
  const payload = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8'));
  change(payload);
  return `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${mac}`;
}

describe('mintApprovalLink', () => {
  it('binds run, input, decision, answer, approver and expiry, and verifies at its own run and input', () => {
    const link = mintApprovalLink(options);
    expect(link.url).toBe(`https://api.example.com/api/runs/refund-42/inputs/approval/links/${link.token}`);
    expect(link).toMatchObject({ ...at, decision: 'approve', answer: { approved: true }, approver: 'ana@example.com' });
    expect(link.expiresAt).toBe(NOW / 1000 + 3600);
    expect(link.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const verified = verifyApprovalLink(ring, link.token, at, NOW);
    expect(verified).toEqual({ link: { ...link, url: undefined, token: undefined } });
  });

  it('gives each link its own ID, so two links for the same decision are two answers', () => {
    expect(mintApprovalLink(options).id).not.toBe(mintApprovalLink(options).id);
  });

  it('binds one wait when given its requestedAt', () => {
    const link = mintApprovalLink({ ...options, requestedAt: '2026-12-07T11:59:00.000Z' });
    const verified = verifyApprovalLink(ring, link.token, at, NOW);
    expect('link' in verified && verified.link.requestedAt).toBe('2026-12-07T11:59:00.000Z');
  });

  it('escapes the run and input in the URL', () => {
    const link = mintApprovalLink({ ...options, workflowId: 'a/b c', input: 'interrupt:refund' });
    expect(link.url).toContain('/runs/a%2Fb%20c/inputs/interrupt%3Arefund/links/');
  });

  it('reads its keys from the environment when none are given, and refuses without any', () => {
    const { keys: _keys, ...fromEnv } = options;
    const saved = process.env[APPROVAL_KEYS_ENV];
    try {
      delete process.env[APPROVAL_KEYS_ENV];
      expect(() => mintApprovalLink(fromEnv)).toThrow(/GENKITX_APPROVAL_KEYS/);
      process.env[APPROVAL_KEYS_ENV] = `${k2.id}:${k2.key},${k1.id}:${k1.key}`;
      const link = mintApprovalLink(fromEnv);
      expect('link' in verifyApprovalLink(resolveApprovalKeyRing([k2])!, link.token, at, NOW)).toBe(true);
    } finally {
      if (saved === undefined) delete process.env[APPROVAL_KEYS_ENV];
      else process.env[APPROVAL_KEYS_ENV] = saved;
    }
  });

  it('refuses missing fields, an expiry out of range, short keys and answers too long for a URL', () => {
    expect(() => mintApprovalLink({ ...options, approver: '' })).toThrow(TypeError);
    expect(() => mintApprovalLink({ ...options, answer: undefined })).toThrow(TypeError);
    expect(() => mintApprovalLink({ ...options, expiresInSeconds: 0 })).toThrow(TypeError);
    expect(() => mintApprovalLink({ ...options, expiresInSeconds: 31 * 24 * 3600 })).toThrow(TypeError);
    expect(() => mintApprovalLink({ ...options, keys: 'k:' + randomBytes(16).toString('base64') })).toThrow(
      /at least 32/,
    );
    expect(() => mintApprovalLink({ ...options, answer: { text: 'x'.repeat(5000) } })).toThrow(/at most 4096/);
  });
});

describe('verifyApprovalLink refuses', () => {
  const { token } = mintApprovalLink(options);

  it('an expired link (at its expiry and after), not a second before', () => {
    expect('link' in verifyApprovalLink(ring, token, at, NOW + 3599_000)).toBe(true);
    expect(verifyApprovalLink(ring, token, at, NOW + 3600_000)).toEqual({ problem: 'expired' });
    expect(verifyApprovalLink(ring, token, at, NOW + 86_400_000)).toEqual({ problem: 'expired' });
  });

  it.each([
    ['the run', (p: Record<string, unknown>) => (p.wf = 'refund-43')],
    ['the input', (p: Record<string, unknown>) => (p.in = 'other')],
    ['the decision', (p: Record<string, unknown>) => (p.d = 'deny')],
    ['the answer', (p: Record<string, unknown>) => (p.a = { approved: false })],
    ['the approver', (p: Record<string, unknown>) => (p.to = 'mallory@example.com')],
    ['the expiry', (p: Record<string, unknown>) => (p.exp = (p.exp as number) + 86_400)],
    ['the link ID', (p: Record<string, unknown>) => (p.id = 'another-id')],
    ['the wait it is bound to', (p: Record<string, unknown>) => (p.rq = '2026-12-07T12:00:00.000Z')],
  ])('a link whose %s was edited (signature mismatch)', (_what, change) => {
    expect(verifyApprovalLink(ring, edited(token, change), at, NOW)).toEqual({ problem: 'mismatch' });
  });

  it('a link whose signature was edited', () => {
    const [body, mac] = token.split('.');
    const flipped = Buffer.from(mac!, 'base64url');
    flipped[0] ^= 1;
    expect(verifyApprovalLink(ring, `${body}.${flipped.toString('base64url')}`, at, NOW)).toEqual({
      problem: 'mismatch',
    });
    expect(verifyApprovalLink(ring, `${body}.${mac!.slice(0, 10)}`, at, NOW)).toEqual({ problem: 'mismatch' });
  });

  it('a link signed by a key of the same ID but other bytes (a forged key)', () => {
    const forged = mintApprovalLink({ ...options, keys: [key('k1')] });
    expect(verifyApprovalLink(ring, forged.token, at, NOW)).toEqual({ problem: 'mismatch' });
  });

  it('a link moved to another run or another input (opened at a URL it was not minted for)', () => {
    expect(verifyApprovalLink(ring, token, { ...at, workflowId: 'refund-43' }, NOW)).toEqual({ problem: 'moved' });
    expect(verifyApprovalLink(ring, token, { ...at, input: 'interrupt:pay' }, NOW)).toEqual({ problem: 'moved' });
  });

  it('a link signed with a key the ring does not hold, and one whose key ID was edited', () => {
    const other = mintApprovalLink({ ...options, keys: [k2] });
    expect(verifyApprovalLink(ring, other.token, at, NOW)).toEqual({ problem: 'unknown-key' });
    expect(
      verifyApprovalLink(
        ring,
        edited(token, (p) => (p.kid = 'k9')),
        at,
        NOW,
      ),
    ).toEqual({
      problem: 'unknown-key',
    });
  });

  it('malformed tokens', () => {
    for (const bad of ['', 'abc', 'a.b.c', `${token}!`, 'e30.AAAA', `${'a'.repeat(5000)}.b`]) {
      expect(verifyApprovalLink(ring, bad, at, NOW)).toEqual({ problem: 'malformed' });
    }
    expect(
      verifyApprovalLink(
        ring,
        edited(token, (p) => delete p.a),
        at,
        NOW,
      ),
    ).toEqual({ problem: 'malformed' });
  });
});

describe('rotation', () => {
  it('the first key signs and every key verifies; a link of a removed key is refused', () => {
    const old = mintApprovalLink({ ...options, keys: [k1] });
    const rotated = resolveApprovalKeyRing([k2, k1])!;
    const fresh = mintApprovalLink({ ...options, keys: [k2, k1] });
    expect('link' in verifyApprovalLink(resolveApprovalKeyRing([k2])!, fresh.token, at, NOW)).toBe(true);
    expect('link' in verifyApprovalLink(rotated, old.token, at, NOW)).toBe(true);
    expect('link' in verifyApprovalLink(rotated, fresh.token, at, NOW)).toBe(true);
    expect(verifyApprovalLink(ring, fresh.token, at, NOW)).toEqual({ problem: 'unknown-key' });
    expect(verifyApprovalLink(resolveApprovalKeyRing([k2])!, old.token, at, NOW)).toEqual({ problem: 'unknown-key' });
  });
});
