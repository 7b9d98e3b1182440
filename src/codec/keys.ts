// Encryption keys: where they come from (env / Secret Manager / code) and the checks every key must pass.
import { ValueError } from '@temporalio/common';

/** Environment variable read by `encryptionKeysFromEnv()`: `id1:base64key,id2:base64key`, the first is current. */
export const ENCRYPTION_KEYS_ENV = 'GENKITX_ENCRYPTION_KEYS';

/** AES-256 needs exactly 32 bytes of key material. */
export const KEY_BYTES = 32;

/** One AES-256-GCM key and the ID written into every payload it encrypts. */
export interface EncryptionKey {
  /** Short stable name (letters, digits, `._-`), stored in payload metadata as `encryption-key-id`. */
  id: string;
  /** 32 raw bytes, or their base64 encoding. */
  key: Uint8Array | string;
}

/** Keys after validation: `current` encrypts, every key in `byId` decrypts. */
export interface EncryptionKeyRing {
  current: { id: string; key: Buffer };
  byId: ReadonlyMap<string, Buffer>;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Validates keys and builds the ring. The first key is the current one (used to encrypt); all of them decrypt,
 * which is how rotation works: put the new key first and keep the old ones until no history needs them.
 *
 * @throws ValueError when there is no key, an ID is malformed or repeated, or a key is not 32 bytes.
 * @example
 * ```ts
 * const ring = encryptionKeyRing([{ id: '2026-11', key: process.env.KEY_B64! }]);
 * ```
 */
export function encryptionKeyRing(keys: readonly EncryptionKey[]): EncryptionKeyRing {
  if (!Array.isArray(keys) || keys.length === 0) throw new ValueError('genkitx-temporal: no encryption key given');
  const byId = new Map<string, Buffer>();
  for (const { id, key } of keys) {
    if (typeof id !== 'string' || !KEY_ID.test(id)) {
      throw new ValueError(`genkitx-temporal: encryption key ID ${JSON.stringify(id)} must match ${KEY_ID}`);
    }
    if (byId.has(id)) throw new ValueError(`genkitx-temporal: encryption key ID "${id}" is given twice`);
    const bytes = typeof key === 'string' ? decodeBase64Strict(key, id) : Buffer.from(key);
    if (bytes.length !== KEY_BYTES) {
      throw new ValueError(
        `genkitx-temporal: encryption key "${id}" is ${bytes.length} bytes; AES-256 needs ${KEY_BYTES} ` +
          `(generate one with: openssl rand -base64 32)`,
      );
    }
    byId.set(id, bytes);
  }
  const first = keys[0]!;
  return { current: { id: first.id, key: byId.get(first.id)! }, byId };
}

/**
 * Parses the `GENKITX_ENCRYPTION_KEYS` format: comma-separated `id:base64key` pairs, the first one current.
 * Whitespace around entries is ignored. Standard or URL-safe base64.
 *
 * @example
 * ```ts
 * parseEncryptionKeys('2026-11:q6V…=,2026-05:Zm9…=');
 * ```
 */
export function parseEncryptionKeys(spec: string): EncryptionKey[] {
  const entries = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return entries.map((entry) => {
    const colon = entry.indexOf(':');
    if (colon <= 0) {
      throw new ValueError(
        `genkitx-temporal: ${ENCRYPTION_KEYS_ENV} entries must look like "keyId:base64key" (got an entry without an ID)`,
      );
    }
    return { id: entry.slice(0, colon).trim(), key: entry.slice(colon + 1).trim() };
  });
}

/**
 * The keys in `GENKITX_ENCRYPTION_KEYS`, or `undefined` when it is unset or empty. With Secret Manager, mount the
 * secret as that variable (Cloud Run: `--set-secrets GENKITX_ENCRYPTION_KEYS=temporal-payload-keys:latest`).
 */
export function encryptionKeysFromEnv(env: NodeJS.ProcessEnv = process.env): EncryptionKey[] | undefined {
  const spec = env[ENCRYPTION_KEYS_ENV]?.trim();
  return spec ? parseEncryptionKeys(spec) : undefined;
}

function decodeBase64Strict(text: string, id: string): Buffer {
  const normalized = text.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(normalized)) {
    throw new ValueError(`genkitx-temporal: encryption key "${id}" is not valid base64`);
  }
  return Buffer.from(normalized, 'base64');
}
