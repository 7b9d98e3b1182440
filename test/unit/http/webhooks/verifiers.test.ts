// Each verifier accepts exactly the sender's genuine signature over the raw bytes, and rejects forged,
// tampered, re-serialised, stale and malformed deliveries; workflow IDs from delivery IDs stay bounded.
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  flowWebhook,
  githubWebhook,
  hmacWebhook,
  standardWebhooks,
  stripeWebhook,
  WebhookSignatureError,
  webhookWorkflowId,
} from '../../../../src/http';

const body = Buffer.from('{"id":"evt_1", "type":"ping"}'); // note the space: re-serialising would drop it
const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString())));
const hex = (secret: string, ...parts: Array<string | Buffer>) => {
  const mac = createHmac('sha256', secret);
  for (const p of parts) mac.update(p);
  return mac.digest('hex');
};
const rejects = (fn: () => unknown) => expect(fn).toThrow(WebhookSignatureError);

describe('standardWebhooks', () => {
  const secret = `whsec_${Buffer.from('standard-secret-key-1234').toString('base64')}`;
  const signed = (at: Date, payload = body) => {
    const wh = new Webhook(secret);
    return new Headers({
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': wh.sign('msg_1', at, payload.toString()),
    });
  };
  it('accepts a genuine delivery and reports its webhook-id, which the signature covers', () => {
    expect(standardWebhooks(secret).verify(body, signed(new Date()))).toEqual({
      deliveryId: 'msg_1',
      key: 'signed-id',
    });
  });
  it('accepts a genuinely signed body that is not JSON (parsing it is not the signature check)', () => {
    const text = Buffer.from('not json, but signed');
    expect(standardWebhooks(secret).verify(text, signed(new Date(), text))).toMatchObject({ deliveryId: 'msg_1' });
  });
  it('rejects tampered bytes, a stale timestamp and a missing signature', () => {
    rejects(() => standardWebhooks(secret).verify(reserialised, signed(new Date())));
    rejects(() => standardWebhooks(secret).verify(body, signed(new Date(Date.now() - 400_000))));
    rejects(() => standardWebhooks(secret).verify(body, new Headers({ 'webhook-id': 'msg_1' })));
  });
});

describe('githubWebhook', () => {
  const headers = (sig: string) => new Headers({ 'x-hub-signature-256': sig, 'x-github-delivery': 'd-1' });
  it('accepts sha256=<hex> over the raw body and reports X-GitHub-Delivery, which is unsigned: runs are keyed by content', () => {
    expect(githubWebhook('gh').verify(body, headers(`sha256=${hex('gh', body)}`))).toEqual({
      deliveryId: 'd-1',
      key: 'content',
    });
  });
  it('rejects another secret, re-serialised JSON, a missing prefix and no header', () => {
    rejects(() => githubWebhook('gh').verify(body, headers(`sha256=${hex('other', body)}`)));
    rejects(() => githubWebhook('gh').verify(reserialised, headers(`sha256=${hex('gh', body)}`)));
    rejects(() => githubWebhook('gh').verify(body, headers(hex('gh', body))));
    rejects(() => githubWebhook('gh').verify(body, new Headers()));
  });
});

describe('stripeWebhook', () => {
  const now = 1_800_000_000_000;
  const verifier = stripeWebhook('whsec_stripe', { now: () => now });
  const header = (t: number, ...sigs: string[]) =>
    new Headers({ 'stripe-signature': [`t=${t}`, ...sigs.map((s) => `v1=${s}`), 'v0=ignored'].join(',') });
  const t = now / 1000;
  it('accepts any matching v1 (secret rotation) within 300 s', () => {
    expect(verifier.verify(body, header(t - 299, 'deadbeef', hex('whsec_stripe', `${t - 299}.`, body)))).toEqual({
      key: 'payload-id',
      timestamp: String(t - 299),
    });
  });
  it('rejects stale and future timestamps, wrong signatures and malformed headers', () => {
    rejects(() => verifier.verify(body, header(t - 301, hex('whsec_stripe', `${t - 301}.`, body))));
    rejects(() => verifier.verify(body, header(t + 301, hex('whsec_stripe', `${t + 301}.`, body))));
    rejects(() => verifier.verify(body, header(t, hex('whsec_other', `${t}.`, body))));
    rejects(() => verifier.verify(reserialised, header(t, hex('whsec_stripe', `${t}.`, body))));
    rejects(() => verifier.verify(body, new Headers({ 'stripe-signature': `t=${t}` })));
    rejects(() => verifier.verify(body, new Headers({ 'stripe-signature': `t=abc,v1=00` })));
    rejects(() => verifier.verify(body, new Headers()));
  });
});

describe('hmacWebhook', () => {
  it('checks a custom header, algorithm and encoding', () => {
    const sig = createHmac('sha512', 'k').update(body).digest('base64');
    const verifier = hmacWebhook({
      secret: 'k',
      header: 'x-sig',
      algorithm: 'sha512',
      encoding: 'base64',
      deliveryIdHeader: 'x-id',
    });
    expect(verifier.verify(body, new Headers({ 'x-sig': sig, 'x-id': 'abc' }))).toEqual({
      deliveryId: 'abc',
      key: 'content',
    });
    rejects(() => verifier.verify(body, new Headers({ 'x-sig': sig.slice(1) })));
    rejects(() => verifier.verify(reserialised, new Headers({ 'x-sig': sig })));
  });

  it('with timestampHeader: requires the signed timestamp, within the tolerance, in the layout signedContent gives', () => {
    const now = 1_800_000_000_000;
    const t = now / 1000;
    const slack = hmacWebhook({
      secret: 'k',
      header: 'x-slack-signature',
      prefix: 'v0=',
      timestampHeader: 'x-slack-request-timestamp',
      signedContent: (ts, raw) => [`v0:${ts}:`, raw],
      now: () => now,
    });
    const signed = (ts: number | string, sig = hex('k', `v0:${ts}:`, body)) =>
      new Headers({ 'x-slack-signature': `v0=${sig}`, 'x-slack-request-timestamp': String(ts) });
    expect(slack.verify(body, signed(t - 299))).toEqual({ key: 'content', timestamp: String(t - 299) });
    rejects(() => slack.verify(body, signed(t - 301)));
    rejects(() => slack.verify(body, signed(t + 301)));
    rejects(() => slack.verify(body, signed(t, hex('k', `v0:${t - 1000}:`, body)))); // timestamp moved
    rejects(() => slack.verify(body, signed('soon')));
    rejects(() => slack.verify(body, new Headers({ 'x-slack-signature': `v0=${hex('k', body)}` }))); // none
    // The default layout: `<t>.<body>`.
    const plain = hmacWebhook({ secret: 'k', header: 'x-sig', timestampHeader: 'x-t', now: () => now });
    expect(plain.verify(body, new Headers({ 'x-sig': hex('k', `${t}.`, body), 'x-t': String(t) }))).toMatchObject({
      timestamp: String(t),
    });
    expect(() => hmacWebhook({ secret: 'k', header: 'x-sig', timestampHeader: '' })).toThrow(/timestampHeader/);
  });
});

describe('flowWebhook replayWindowMs', () => {
  it('is refused when it is made unless it is a number of milliseconds above 0', () => {
    const verify = githubWebhook('gh');
    for (const bad of [0, -1, Number.NaN, Infinity, '3d' as unknown as number]) {
      expect(() => flowWebhook('f', { verify, replayWindowMs: bad }), String(bad)).toThrow(/replayWindowMs/);
    }
    expect(() => flowWebhook('f', { verify, replayWindowMs: 1000 })).not.toThrow();
  });
});

describe('webhookWorkflowId', () => {
  it('keeps short safe IDs, hashes long or unusual ones, and stays bounded', () => {
    expect(webhookWorkflowId('f-webhook-', 'evt_123')).toBe('f-webhook-evt_123');
    const long = webhookWorkflowId('f-webhook-', 'x'.repeat(5000));
    const odd = webhookWorkflowId('f-webhook-', 'a/b c');
    for (const id of [long, odd, webhookWorkflowId('p'.repeat(400), 'e')]) {
      expect(id.length).toBeLessThanOrEqual(255);
      expect(id).toMatch(/^[A-Za-z0-9._:@-]+$/);
    }
    expect(webhookWorkflowId('f-', 'a/b')).not.toBe(webhookWorkflowId('f-', 'a_b'));
    expect(webhookWorkflowId('f-', 'x'.repeat(5000))).toBe(long.replace('f-webhook-', 'f-'));
  });
});

describe('a verifier without its secret', () => {
  const UNSET = 'GENKITX_TEST_WEBHOOK_SECRET_NEVER_SET';
  const makers: [string, (secret: string) => unknown][] = [
    ['standardWebhooks', (s) => standardWebhooks(s)],
    ['githubWebhook', (s) => githubWebhook(s)],
    ['stripeWebhook', (s) => stripeWebhook(s)],
    ['hmacWebhook', (s) => hmacWebhook({ secret: s, header: 'x-sig' })],
  ];
  it('is refused when it is made, naming the verifier (every delivery used to be a 500)', () => {
    expect(process.env[UNSET]).toBeUndefined();
    for (const [name, make] of makers) {
      for (const secret of [process.env[UNSET]!, '', '  ', `${process.env[UNSET]}`]) {
        expect(() => make(secret), `${name}(${JSON.stringify(secret)})`).toThrow(
          new RegExp(`${name}: the signing secret is .*is the environment variable it is read from set`),
        );
      }
    }
  });
  it('refuses a secret that is not a Standard Webhooks secret, and an unknown HMAC algorithm', () => {
    expect(() => standardWebhooks('whsec_')).toThrow(/standardWebhooks/);
    expect(() => hmacWebhook({ secret: 'k', header: 'x-sig', algorithm: 'sha-nope' })).toThrow(/hmacWebhook/);
    expect(() => hmacWebhook({ secret: 'k', header: '' })).toThrow(/header/);
  });
});
