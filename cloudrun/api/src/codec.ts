// The codec server inside the API service, at /codec, when CODEC_SERVER_TOKEN is set: the Temporal CLI (and a
// Web UI at CODEC_UI_ORIGIN) decrypt payloads through it with the encryption keys the API already has
// (GENKITX_ENCRYPTION_KEYS). Its own bearer token, CORS and body limit; the flow API's auth does not apply to it.
import type { Hono } from 'hono';
import { createCodecServer } from 'genkitx-temporal/codec';
import type { ApiSettings } from './settings.js';

/** The path the codec server is mounted at: `--codec-endpoint https://<api>/codec`. */
export const CODEC_PATH = '/codec';

/** Mounts the codec server on `app` when configured. Call it before the flow API's routes (their auth is global). */
export function mountCodecServer(app: Hono, settings: ApiSettings): boolean {
  if (!settings.codec) return false;
  app.route(
    CODEC_PATH,
    createCodecServer({ auth: { token: settings.codec.token }, uiOrigin: settings.codec.uiOrigins }),
  );
  return true;
}
