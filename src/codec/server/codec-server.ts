// The codec server: lets the Temporal Web UI and CLI show decrypted payloads (POST /encode, POST /decode) without
// giving them the keys. The app factory is separate from any listener, so it runs under @hono/node-server locally
// and on Cloud Run alike.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import type { PayloadCodec } from '@temporalio/common';
import { AesGcmPayloadCodec } from '../aes-gcm-codec';
import { PayloadIntegrityError, UnknownEncryptionKeyError } from '../errors';
import { encryptionKeysFromEnv, type EncryptionKey } from '../encryption-keys';
import { payloadsFromJson, payloadsToJson, WireFormatError } from './wire-format';
import { DEFAULT_CODEC_BODY_LIMIT_BYTES } from '../../common/defaults';

/** Decides whether a bearer token may use the codec (e.g. verify a Temporal Cloud JWT and check its email). */
export type CodecTokenVerifier = (
  token: string,
  request: { namespace?: string; origin?: string },
) => boolean | Promise<boolean>;

/** Options of `createCodecServer`. */
export interface CodecServerOptions {
  /** Keys, current first. @default the keys in GENKITX_ENCRYPTION_KEYS */
  keys?: readonly EncryptionKey[];
  /** Any codec instead of the AES-GCM one built from `keys`. */
  codec?: PayloadCodec;
  /**
   * Required. `{ token }`: one shared bearer token (`Authorization: Bearer <token>`, compared in constant time);
   * `{ verifyToken }`: your check of the bearer token.
   */
  auth: { token: string } | { verifyToken: CodecTokenVerifier };
  /** Origin(s) of the Temporal Web UI allowed to call from a browser, e.g. `http://localhost:8233`. */
  uiOrigin?: string | readonly string[];
  /** Largest accepted request body in bytes (413 above). @default 8 MiB */
  bodyLimit?: number;
}

/**
 * A Hono app implementing Temporal's remote codec protocol. Serve it with any Hono adapter.
 *
 * @example
 * ```ts
 * import { serve } from '@hono/node-server';
 * const app = createCodecServer({ auth: { token: process.env.CODEC_TOKEN! }, uiOrigin: 'http://localhost:8233' });
 * serve({ fetch: app.fetch, port: 8888, hostname: '127.0.0.1' });
 * // temporal workflow show -w <id> --codec-endpoint http://127.0.0.1:8888 --codec-auth "Bearer $CODEC_TOKEN"
 * ```
 */
export function createCodecServer(options: CodecServerOptions): Hono {
  const codec = options.codec ?? new AesGcmPayloadCodec({ keys: options.keys ?? requiredEnvKeys() });
  const origins = typeof options.uiOrigin === 'string' ? [options.uiOrigin] : [...(options.uiOrigin ?? [])];
  const app = new Hono();

  app.use('*', corsForUiOnly(origins));
  app.use('*', authentication(options.auth));
  app.use(
    '*',
    bodyLimit({
      maxSize: options.bodyLimit ?? DEFAULT_CODEC_BODY_LIMIT_BYTES,
      onError: (c) => c.json({ error: 'request body too large' }, 413),
    }),
  );

  for (const direction of ['encode', 'decode'] as const) {
    app.post(`/${direction}`, async (c) => {
      const payloads = payloadsFromJson(await readJson(c));
      const result = direction === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
      return c.json(payloadsToJson(result));
    });
  }

  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse();
    if (err instanceof WireFormatError) return c.json({ error: err.message }, 400);
    if (err instanceof UnknownEncryptionKeyError || err instanceof PayloadIntegrityError) {
      return c.json({ error: err.message, keyId: err.keyId }, 422);
    }
    console.error('[codec-server]', err);
    return c.json({ error: 'internal error' }, 500);
  });
  app.notFound((c) => c.json({ error: 'not found: use POST /encode or POST /decode' }, 404));
  return app;
}

// Browsers get CORS headers only when they come from the configured UI; everyone else gets none at all.
function corsForUiOnly(origins: string[]): MiddlewareHandler {
  const forUi = cors({
    origin: origins,
    allowMethods: ['POST', 'GET', 'OPTIONS'],
    allowHeaders: ['X-Namespace', 'Content-Type', 'Authorization'],
    credentials: true,
    maxAge: 600,
  });
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (origin && origins.includes(origin)) return forUi(c, next);
    if (c.req.method === 'OPTIONS') return c.json({ error: 'origin not allowed' }, 403);
    return next();
  };
}

function authentication(auth: CodecServerOptions['auth']): MiddlewareHandler {
  if (
    !auth ||
    (!('token' in auth && auth.token) && !('verifyToken' in auth && typeof auth.verifyToken === 'function'))
  ) {
    throw new TypeError('genkitx-temporal: createCodecServer needs auth: { token } or { verifyToken }');
  }
  if ('token' in auth) return bearerAuth({ token: auth.token });
  return bearerAuth({
    verifyToken: (token, c) =>
      auth.verifyToken(token, { namespace: c.req.header('x-namespace'), origin: c.req.header('origin') }),
  });
}

async function readJson(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new WireFormatError('request body is not JSON');
  }
}

function requiredEnvKeys(): EncryptionKey[] {
  const keys = encryptionKeysFromEnv();
  if (!keys) throw new Error('genkitx-temporal: createCodecServer needs keys (or GENKITX_ENCRYPTION_KEYS)');
  return keys;
}
