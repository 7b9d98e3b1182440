// Signature checks for webhook senders, always over the raw request bytes (never re-serialised JSON), with
// constant-time comparison. A verifier throws WebhookSignatureError (→ 401) for a forged or stale delivery.
import { createHmac, timingSafeEqual, type BinaryToTextEncoding } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A delivery whose signature is missing, forged or too old. */
export class WebhookSignatureError extends Error {
  override readonly name = 'WebhookSignatureError';
}

/**
 * What keys a delivery's run, so that a resent delivery joins the first one's run:
 * - `'signed-id'`: `deliveryId`, which the signature covers (Standard Webhooks' `webhook-id`);
 * - `'payload-id'`: the body's `id` (signed with the body, e.g. Stripe's event ID);
 * - `'content'`: the signed bytes themselves (GitHub, plain HMAC), for schemes that sign no ID: their delivery-ID
 *   header can be changed by anyone who captured a delivery, so it cannot tell a resend from a new event.
 */
export type DeliveryKey = 'signed-id' | 'payload-id' | 'content';

/** What a verifier learns from a genuine delivery. */
export interface VerifiedDelivery {
  /** The sender's delivery ID, when the scheme carries one in a header (signed or not: see `key`). */
  deliveryId?: string;
  /** What keys the delivery's run. @default `deliveryId` when present, else the body's `id` (custom verifiers) */
  key?: DeliveryKey;
  /**
   * The signed timestamp (Unix seconds), already checked against the scheme's tolerance: part of the signed
   * content that `'content'` keys a run by.
   */
  timestamp?: string;
}

/** Checks one delivery's signature. */
export interface WebhookVerifier {
  verify(rawBody: Buffer, headers: Headers): VerifiedDelivery | Promise<VerifiedDelivery>;
  /**
   * Who signs with this scheme (`github`, `stripe`, `standard-webhooks`, `hmac`): a run started by a delivery has
   * `context.auth.uid` `webhook:<sender>`. @default 'webhook'
   */
  readonly sender?: string;
}

/**
 * Throws, when a verifier is made, for a secret an unset or mistyped variable gives (`undefined`, `''`,
 * `'undefined'`): otherwise every delivery would fail with a 500 whose log says `The "key" argument … Received
 * undefined`, or, worse, be checked against a secret anyone can guess.
 */
function requireSecret(verifier: string, secret: unknown): void {
  const given =
    secret === undefined || secret === null
      ? String(secret)
      : typeof secret === 'string'
        ? secret.trim() === '' || secret === 'undefined' || secret === 'null'
          ? JSON.stringify(secret)
          : undefined
        : Buffer.isBuffer(secret)
          ? secret.length === 0
            ? 'an empty Buffer'
            : undefined
          : `a ${typeof secret}`;
  if (given !== undefined) {
    throw new TypeError(
      `genkitx-temporal: ${verifier}: the signing secret is ${given}; pass the secret the sender signs with ` +
        '(is the environment variable it is read from set?)',
    );
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function hmac(
  algorithm: string,
  secret: string | Buffer,
  parts: Array<string | Buffer>,
  encoding: BinaryToTextEncoding,
) {
  const mac = createHmac(algorithm, secret);
  for (const part of parts) mac.update(part);
  return mac.digest(encoding);
}

/**
 * Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`; 5-minute tolerance), with the
 * `standardwebhooks` package. `secret` is the `whsec_…` string.
 *
 * @example
 * ```ts
 * app.post('/hooks/orders', flowWebhook(orderFlow, { verify: standardWebhooks(process.env.WEBHOOK_SECRET!) }));
 * ```
 */
export function standardWebhooks(secret: string): WebhookVerifier {
  requireSecret('standardWebhooks', secret);
  let webhook: Webhook;
  try {
    webhook = new Webhook(secret);
  } catch (err) {
    throw new TypeError(
      `genkitx-temporal: standardWebhooks: the signing secret is not a Standard Webhooks secret ("whsec_" + base64): ${(err as Error).message}`,
    );
  }
  return {
    sender: 'standard-webhooks',
    verify(rawBody, headers) {
      try {
        const plain: Record<string, string> = {};
        headers.forEach((value, name) => (plain[name] = value));
        // Signature only: the body is parsed by the caller, so a signed body that is not JSON is a 400, not a 401.
        webhook.verify(rawBody, plain, { jsonParse: false });
      } catch (err) {
        throw new WebhookSignatureError((err as Error).message);
      }
      // The signature covers `webhook-id` and `webhook-timestamp` (5-minute tolerance).
      return { deliveryId: headers.get('webhook-id') ?? undefined, key: 'signed-id' };
    },
  };
}

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`. GitHub signs neither its delivery ID
 * (`X-GitHub-Delivery`) nor a time, so a delivery's run is keyed by its signed body: a resend with a new delivery
 * ID joins the first run (within `flowWebhook`'s `replayWindow`).
 *
 * @example
 * ```ts
 * app.post('/hooks/github', flowWebhook(triageFlow, { verify: githubWebhook(process.env.GITHUB_WEBHOOK_SECRET!) }));
 * ```
 */
export function githubWebhook(secret: string): WebhookVerifier {
  requireSecret('githubWebhook', secret);
  const verifier = hmacWebhook({
    secret,
    header: 'x-hub-signature-256',
    prefix: 'sha256=',
    deliveryIdHeader: 'x-github-delivery',
  });
  return { sender: 'github', verify: verifier.verify };
}

/**
 * Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 of `"<t>.<body>"`. Any `v1`
 * may match (secret rotation); a timestamp further than `toleranceSeconds` from now is rejected as a replay.
 * Stripe puts the event ID in the body (`id`), which `flowWebhook` uses as the delivery ID.
 *
 * @example
 * ```ts
 * app.post('/hooks/stripe', flowWebhook(paymentFlow, { verify: stripeWebhook(process.env.STRIPE_WEBHOOK_SECRET!) }));
 * ```
 */
export function stripeWebhook(
  secret: string,
  options: { toleranceSeconds?: number; now?: () => number } = {},
): WebhookVerifier {
  requireSecret('stripeWebhook', secret);
  const tolerance = options.toleranceSeconds ?? 300;
  const now = options.now ?? Date.now;
  return {
    sender: 'stripe',
    verify(rawBody, headers) {
      const header = headers.get('stripe-signature');
      if (!header) throw new WebhookSignatureError('missing Stripe-Signature header');
      const fields = header.split(',').map((f) => f.trim().split('='));
      const timestamp = fields.find(([k]) => k === 't')?.[1];
      const signatures = fields.filter(([k, v]) => k === 'v1' && v).map(([, v]) => v);
      if (!timestamp || !/^\d+$/.test(timestamp) || signatures.length === 0) {
        throw new WebhookSignatureError('malformed Stripe-Signature header');
      }
      const expected = hmac('sha256', secret, [`${timestamp}.`, rawBody], 'hex');
      if (!signatures.some((s) => safeEqual(s, expected))) throw new WebhookSignatureError('signature mismatch');
      if (Math.abs(now() / 1000 - Number(timestamp)) > tolerance) {
        throw new WebhookSignatureError('timestamp outside the tolerance');
      }
      // The event ID is in the signed body (`id`), and the signed timestamp bounds a replay.
      return { key: 'payload-id', timestamp };
    },
  };
}

/** Options of `hmacWebhook`. */
export interface HmacWebhookOptions {
  secret: string | Buffer;
  /** Header carrying the signature. */
  header: string;
  /** @default 'sha256' */
  algorithm?: string;
  /** @default 'hex' */
  encoding?: BinaryToTextEncoding;
  /** Text before the signature in the header, e.g. `sha256=`. @default '' */
  prefix?: string;
  /** Header carrying the sender's delivery ID (unsigned: it names the delivery, it does not key its run). */
  deliveryIdHeader?: string;
  /**
   * For senders that sign a timestamp with the body (Slack's `X-Slack-Request-Timestamp`, Svix-like and many
   * in-house schemes): the header carrying it, in Unix seconds. Then a delivery without it, or further than
   * `toleranceSeconds` from now, is refused (401), so a captured delivery can be replayed only within the tolerance.
   */
  timestampHeader?: string;
  /**
   * The signed bytes when `timestampHeader` is set. @default `` `${timestamp}.` `` then the body (Stripe's and Standard
   * Webhooks' layout); Slack's is `` (t, body) => [`v0:${t}:`, body] `` with `prefix: 'v0='`
   */
  signedContent?: (timestamp: string, rawBody: Buffer) => Array<string | Buffer>;
  /** How far the signed timestamp may be from now. @default 300 */
  toleranceSeconds?: number;
  /** Clock for the tolerance (tests). @default Date.now */
  now?: () => number;
}

/**
 * A custom HMAC scheme: `header` = `prefix` + HMAC(`algorithm`, secret, raw body) in `encoding`, or, with
 * `timestampHeader`, over the timestamp and the body (`signedContent`). Such a scheme signs no delivery ID, so a
 * delivery's run is keyed by the signed content (see `flowWebhook`'s `replayWindow`); set `timestampHeader`
 * whenever the sender signs a timestamp.
 *
 * @example
 * ```ts
 * const verify = hmacWebhook({ secret, header: 'x-signature', encoding: 'base64', deliveryIdHeader: 'x-delivery' });
 * // Slack: signs `v0:<timestamp>:<body>`
 * const slack = hmacWebhook({
 *   secret: process.env.SLACK_SIGNING_SECRET!,
 *   header: 'x-slack-signature',
 *   prefix: 'v0=',
 *   timestampHeader: 'x-slack-request-timestamp',
 *   signedContent: (t, body) => [`v0:${t}:`, body],
 * });
 * ```
 */
export function hmacWebhook(options: HmacWebhookOptions): WebhookVerifier {
  requireSecret('hmacWebhook', options?.secret);
  if (typeof options.header !== 'string' || !options.header) {
    throw new TypeError('genkitx-temporal: hmacWebhook needs `header`, the header that carries the signature');
  }
  try {
    hmac(options.algorithm ?? 'sha256', options.secret, [], options.encoding ?? 'hex');
  } catch (err) {
    throw new TypeError(`genkitx-temporal: hmacWebhook: ${(err as Error).message}`);
  }
  if (
    options.timestampHeader !== undefined &&
    (typeof options.timestampHeader !== 'string' || !options.timestampHeader)
  ) {
    throw new TypeError('genkitx-temporal: hmacWebhook: `timestampHeader` must name the header carrying the timestamp');
  }
  const prefix = options.prefix ?? '';
  const tolerance = options.toleranceSeconds ?? 300;
  const now = options.now ?? Date.now;
  const signedContent = options.signedContent ?? ((t, body) => [`${t}.`, body]);
  return {
    sender: 'hmac',
    verify(rawBody, headers) {
      const given = headers.get(options.header);
      if (!given || !given.startsWith(prefix))
        throw new WebhookSignatureError(`missing or malformed ${options.header}`);
      let timestamp: string | undefined;
      if (options.timestampHeader) {
        timestamp = headers.get(options.timestampHeader) ?? undefined;
        if (!timestamp || !/^\d{1,12}$/.test(timestamp)) {
          throw new WebhookSignatureError(`missing or malformed ${options.timestampHeader}`);
        }
      }
      const parts = timestamp === undefined ? [rawBody] : signedContent(timestamp, rawBody);
      const expected = hmac(options.algorithm ?? 'sha256', options.secret, parts, options.encoding ?? 'hex');
      if (!safeEqual(given.slice(prefix.length), expected)) throw new WebhookSignatureError('signature mismatch');
      // Checked after the signature, so a forged timestamp is a mismatch, and a genuine old one is stale.
      if (timestamp !== undefined && Math.abs(now() / 1000 - Number(timestamp)) > tolerance) {
        throw new WebhookSignatureError('timestamp outside the tolerance');
      }
      return {
        deliveryId: options.deliveryIdHeader ? (headers.get(options.deliveryIdHeader) ?? undefined) : undefined,
        key: 'content',
        timestamp,
      };
    },
  };
}
