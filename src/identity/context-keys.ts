// Context signing keys: shared by the front door (signs) and the workers (verify). Same format and rotation as
// the encryption keys: `id:base64key` pairs, the first one signs, every one verifies.
import { buildKeyRing, parseKeyList, type KeyRing, type NamedKey } from '../common/key-ring';

/** Environment variable read by `contextKeysFromEnv()`: `id1:base64key,id2:base64key`, the first one signs. */
export const CONTEXT_KEYS_ENV = 'GENKITX_CONTEXT_KEYS';

/** HMAC-SHA256 keys must have at least 32 bytes (the hash's output size). */
export const MIN_CONTEXT_KEY_BYTES = 32;

/** One HMAC key (at least 32 bytes) and the ID written into every signature it makes. */
export type ContextKey = NamedKey;

/** Keys after validation: `current` signs, every key in `byId` verifies. */
export type ContextKeyRing = KeyRing;

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
  return buildKeyRing(keys, {
    what: 'context signing key',
    lengthProblem: (n) =>
      n < MIN_CONTEXT_KEY_BYTES ? `HMAC-SHA256 needs at least ${MIN_CONTEXT_KEY_BYTES}` : undefined,
  });
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
  return parseKeyList(spec, CONTEXT_KEYS_ENV);
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
  if (keys) return keys.length ? contextKeyRing(keys) : undefined;
  // Every start signs: parse the environment's keys once per value, not once per run.
  const spec = env[CONTEXT_KEYS_ENV]?.trim() ?? '';
  if (envRing?.spec !== spec) envRing = { spec, ring: spec ? contextKeyRing(parseContextKeys(spec)) : undefined };
  return envRing.ring;
}

let envRing: { spec: string; ring: ContextKeyRing | undefined } | undefined;
