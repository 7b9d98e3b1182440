// A client without encryption keys that meets an encrypted payload (a worker with GENKITX_ENCRYPTION_KEYS, a front
// door without) would fail with the payload converter's `Unknown encoding: binary/encrypted`, a 500 with no hint.
// This codec sits innermost in every cached client and turns that case into a typed error naming the variable,
// decided by the payload's `encoding` metadata.
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { ENCRYPTED_ENCODING, KEY_ID_METADATA } from './aes-gcm-codec';
import { EncryptionKeysMissingError } from './errors';

const GUARD_MARK = Symbol.for('genkitx-temporal.encrypted-payload-guard');

/**
 * Whether a client's payloads go through a codec that changes them (encryption, yours or the kit's), rather than
 * only the guard, which every cached client has: then names that would sit in plaintext beside the ciphertext (the
 * Update IDs of journal writes and answers) are left out.
 */
export function encodesPayloads(converter: { payloadCodecs: readonly PayloadCodec[] }): boolean {
  return converter.payloadCodecs.some((codec) => !(codec as { [GUARD_MARK]?: boolean })[GUARD_MARK]);
}

/**
 * Passes payloads through, except that decoding a payload still encrypted after every other codec ran throws
 * `EncryptionKeysMissingError`: this process has no key for it.
 */
export class EncryptedPayloadGuard implements PayloadCodec {
  /** Marks the guard across the package's CommonJS and ESM builds (it encodes nothing: see `encodesPayloads`). */
  readonly [GUARD_MARK] = true;

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads;
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    for (const payload of payloads) {
      if (text(payload.metadata?.encoding) === ENCRYPTED_ENCODING) {
        throw new EncryptionKeysMissingError(text(payload.metadata?.[KEY_ID_METADATA]));
      }
    }
    return payloads;
  }
}

const guard = new EncryptedPayloadGuard();
const guarded = new WeakMap<DataConverter, DataConverter>();
let plainGuarded: DataConverter | undefined;

/**
 * `converter` with the guard added as its first codec (Temporal decodes codecs last to first, so the guard sees a
 * payload after every other codec, e.g. the AES-GCM one, had its turn). The same object for the same converter, so
 * client caches keyed by converter keep working.
 */
export function withEncryptedPayloadGuard(converter: DataConverter | undefined): DataConverter {
  if (!converter) return (plainGuarded ??= { payloadCodecs: [guard] });
  let result = guarded.get(converter);
  if (!result) {
    result = { ...converter, payloadCodecs: [guard, ...(converter.payloadCodecs ?? [])] };
    guarded.set(converter, result);
  }
  return result;
}

function text(bytes: Uint8Array | null | undefined): string | undefined {
  return bytes ? Buffer.from(bytes).toString('utf8') : undefined;
}

/**
 * For `.catch()` on reads whose failure is otherwise tolerated (a query no worker answers yet): `undefined`,
 * except that a payload this process has no key for is rethrown, since waiting will not fix it.
 */
export function unlessKeysMissing(err: unknown): undefined {
  if (err instanceof EncryptionKeysMissingError) throw err;
  return undefined;
}
