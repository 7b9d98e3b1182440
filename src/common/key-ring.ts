// Keys with IDs, so keys can rotate: `id:base64key` pairs, the first one is current (it encrypts or signs) and every
// one is accepted (it decrypts or verifies). Payload encryption (src/codec) and context signing (src/identity) both
// use it, each with its own length rule.
import { ValueError } from '@temporalio/common';

/** One key and the ID stored with everything it encrypts or signs. */
export interface NamedKey {
  /** Short stable name (letters, digits, `._-`). */
  id: string;
  /** Raw bytes, or their base64 encoding (standard or URL-safe). */
  key: Uint8Array | string;
}

/** Keys after validation: `current` encrypts or signs, every key in `byId` decrypts or verifies. */
export interface KeyRing {
  current: { id: string; key: Buffer };
  byId: ReadonlyMap<string, Buffer>;
}

/** What a ring is for: the words its errors use and its length rule. */
export interface KeyRules {
  /** E.g. "encryption key": errors say `encryption key "k1" …`. */
  what: string;
  /** A message when a key of this many bytes is refused, else `undefined`. */
  lengthProblem(bytes: number): string | undefined;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Validates keys and builds the ring; throws `ValueError` on no key, a malformed or repeated ID, or a bad key. */
export function buildKeyRing(keys: readonly NamedKey[], rules: KeyRules): KeyRing {
  if (!Array.isArray(keys) || keys.length === 0) throw new ValueError(`genkitx-temporal: no ${rules.what} given`);
  const byId = new Map<string, Buffer>();
  for (const { id, key } of keys) {
    if (typeof id !== 'string' || !KEY_ID.test(id)) {
      throw new ValueError(`genkitx-temporal: ${rules.what} ID ${JSON.stringify(id)} must match ${KEY_ID}`);
    }
    if (byId.has(id)) throw new ValueError(`genkitx-temporal: ${rules.what} ID "${id}" is given twice`);
    const bytes = typeof key === 'string' ? decodeBase64(key, `${rules.what} "${id}"`) : Buffer.from(key);
    const problem = rules.lengthProblem(bytes.length);
    if (problem) {
      throw new ValueError(
        `genkitx-temporal: ${rules.what} "${id}" is ${bytes.length} bytes; ${problem} (generate one with: openssl rand -base64 32)`,
      );
    }
    byId.set(id, bytes);
  }
  const first = keys[0]!;
  return { current: { id: first.id, key: byId.get(first.id)! }, byId };
}

/** Parses comma-separated `id:base64key` pairs (whitespace around entries ignored), as read from `envName`. */
export function parseKeyList(spec: string, envName: string): NamedKey[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const colon = entry.indexOf(':');
      if (colon <= 0) throw new ValueError(`genkitx-temporal: ${envName} entries must look like "keyId:base64key"`);
      return { id: entry.slice(0, colon).trim(), key: entry.slice(colon + 1).trim() };
    });
}

function decodeBase64(text: string, name: string): Buffer {
  const normalized = text.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(normalized)) {
    throw new ValueError(`genkitx-temporal: ${name} is not valid base64`);
  }
  return Buffer.from(normalized, 'base64');
}
