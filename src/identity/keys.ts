// Context signing keys: shared by the front door (signs) and the workers (verify). Same format and rotation as
// the encryption keys: `id:base64key` pairs, the first one signs, every one verifies.
import { ValueError } from '@temporalio/common';

/** Environment variable read by `contextKeysFromEnv()`: `id1:base64key,id2:base64key`, the first one signs. */
export const CONTEXT_KEYS_ENV = 'GENKITX_CONTEXT_KEYS';

/** HMAC-SHA256 keys must have at least 32 bytes (the hash's output size). */
export const MIN_CONTEXT_KEY_BYTES = 32;

/** One HMAC key and the ID written into every signature it makes. */
export interface ContextKey {
  /** Short stable name (letters, digits, `._-`), stored with each signature. */
  id: string;
  /** At least 32 raw bytes, or their base64 encoding (standard or URL-safe). */
  key: Uint8Array | string;
}

/** Keys after validation: `current` signs, every key in `byId` verifies. */
export interface ContextKeyRing {
  current: { id: string; key: Buffer };
  byId: ReadonlyMap<string, Buffer>;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Validates keys and builds the ring. The first key signs; all of them verify, which is how rotation works.
 *
 * @throws ValueError when there is no key, an ID is malformed or repeated, or a key is shorter than 32 bytes.
 * @example
 * ```ts
 * const ring = contextKeyRing([{ id: '2026-11', key: process.env.CONTEXT_KEY_B64! }]);
 * ```
 */
export function contextKeyRing(keys: readonly ContextKey[]): ContextKeyRing {
  if (!Array.isArray(keys) || keys.length === 0) throw new ValueError('genkitx-temporal: no context signing key given');
  const byId = new Map<string, Buffer>();
  for (const { id, key } of keys) {
    if (typeof id !== 'string' || !KEY_ID.test(id)) {
      throw new ValueError(`genkitx-temporal: context key ID ${JSON.stringify(id)} must match ${KEY_ID}`);
    }
    if (byId.has(id)) throw new ValueError(`genkitx-temporal: context key ID "${id}" is given twice`);
    const bytes = typeof key === 'string' ? decodeBase64(key, id) : Buffer.from(key);
    if (bytes.length < MIN_CONTEXT_KEY_BYTES) {
      throw new ValueError(
        `genkitx-temporal: context key "${id}" is ${bytes.length} bytes; HMAC-SHA256 needs at least ` +
          `${MIN_CONTEXT_KEY_BYTES} (generate one with: openssl rand -base64 32)`,
      );
    }
    byId.set(id, bytes);
  }
  return { current: { id: keys[0]!.id, key: byId.get(keys[0]!.id)! }, byId };
}

/**
 * Parses the `GENKITX_CONTEXT_KEYS` format: comma-separated `id:base64key` pairs, the first one signs.
 *
 * @example
 * ```ts
 * parseContextKeys('2026-11:q6V…=,2026-05:Zm9…=');
 * ```
 */
export function parseContextKeys(spec: string): ContextKey[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.indexOf(':');
      if (colon <= 0) {
        throw new ValueError(`genkitx-temporal: ${CONTEXT_KEYS_ENV} entries must look like "keyId:base64key"`);
      }
      return { id: entry.slice(0, colon).trim(), key: entry.slice(colon + 1).trim() };
    });
}

/**
 * The keys in `GENKITX_CONTEXT_KEYS`, or `undefined` when it is unset or empty. With Secret Manager, mount the
 * secret as that variable (Cloud Run: `--set-secrets GENKITX_CONTEXT_KEYS=genkit-context-keys:latest`).
 */
export function contextKeysFromEnv(env: NodeJS.ProcessEnv = process.env): ContextKey[] | undefined {
  const spec = env[CONTEXT_KEYS_ENV]?.trim();
  return spec ? parseContextKeys(spec) : undefined;
}

/** The ring from explicit keys, else from the environment; `undefined` when there are none. */
export function resolveContextKeyRing(
  keys: readonly ContextKey[] | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ContextKeyRing | undefined {
  const given = keys ?? contextKeysFromEnv(env);
  return given && given.length ? contextKeyRing(given) : undefined;
}

function decodeBase64(text: string, id: string): Buffer {
  const normalized = text.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(normalized)) {
    throw new ValueError(`genkitx-temporal: context key "${id}" is not valid base64`);
  }
  return Buffer.from(normalized, 'base64');
}
