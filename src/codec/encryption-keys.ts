// Encryption keys: where they come from (env / Secret Manager / code) and the checks every key must pass.
import { buildKeyRing, parseKeyList, type KeyRing, type NamedKey } from '../common/key-ring';

/** Environment variable read by `encryptionKeysFromEnv()`: `id1:base64key,id2:base64key`, the first is current. */
export const ENCRYPTION_KEYS_ENV = 'GENKITX_ENCRYPTION_KEYS';

/** AES-256 needs exactly 32 bytes of key material. */
export const KEY_BYTES = 32;

/** One AES-256-GCM key (32 bytes) and the ID written into every payload it encrypts (`encryption-key-id`). */
export type EncryptionKey = NamedKey;

/** Keys after validation: `current` encrypts, every key in `byId` decrypts. */
export type EncryptionKeyRing = KeyRing;

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
  return buildKeyRing(keys, {
    what: 'encryption key',
    lengthProblem: (n) => (n !== KEY_BYTES ? `AES-256 needs ${KEY_BYTES}` : undefined),
  });
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
  return parseKeyList(spec, ENCRYPTION_KEYS_ENV);
}

/**
 * The keys in `GENKITX_ENCRYPTION_KEYS`, or `undefined` when it is unset or empty. With Secret Manager, mount the
 * secret as that variable (Cloud Run: `--set-secrets GENKITX_ENCRYPTION_KEYS=temporal-payload-keys:latest`).
 */
export function encryptionKeysFromEnv(env: NodeJS.ProcessEnv = process.env): EncryptionKey[] | undefined {
  const spec = env[ENCRYPTION_KEYS_ENV]?.trim();
  return spec ? parseEncryptionKeys(spec) : undefined;
}
