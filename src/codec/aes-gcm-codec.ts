// AES-256-GCM payload codec: each payload is serialized (metadata + data), optionally compressed, and encrypted
// with a fresh random 12-byte IV under the current key. Only the key ID and the codec markers stay readable.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { brotliCompressSync, brotliDecompressSync, deflateRawSync, inflateRawSync, constants } from 'node:zlib';
import type { Payload, PayloadCodec } from '@temporalio/common';
// The default import: @temporalio/proto is CommonJS, and ESM cannot name its exports.
import proto from '@temporalio/proto';
import { PayloadIntegrityError, UnknownEncryptionKeyError } from './errors';
import { encryptionKeyRing, type EncryptionKey, type EncryptionKeyRing } from './encryption-keys';

/** `encoding` metadata value of an encrypted payload. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata key naming the key that encrypted the payload. */
export const KEY_ID_METADATA = 'encryption-key-id';
/** Metadata key naming the cipher (always `AES-256-GCM` today; lets a future format coexist). */
export const CIPHER_METADATA = 'encryption-cipher';
/** Metadata key naming the compression applied before encryption, when any. */
export const COMPRESSION_METADATA = 'encryption-compression';

const CIPHER = 'AES-256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PayloadProto = proto.temporal.api.common.v1.Payload;

/** Compression applied before encryption; kept only when it makes the payload smaller. */
export type PayloadCompression = 'none' | 'deflate' | 'brotli';

/** Options of `AesGcmPayloadCodec`. */
export interface AesGcmCodecOptions {
  /** Keys, current first (see `encryptionKeyRing`). */
  keys: readonly EncryptionKey[];
  /**
   * Compress before encrypting. Off by default: compressing secrets next to attacker-chosen text can leak the
   * secrets through the ciphertext length (CRIME-style); turn it on for large, mostly non-secret payloads.
   * @default 'none'
   */
  compression?: PayloadCompression;
  /** Payloads smaller than this are never compressed. @default 1024 */
  compressionMinBytes?: number;
}

/**
 * Encrypts every payload with AES-256-GCM (Node's `crypto`). Decrypts payloads of any known key, so rotating is:
 * put the new key first, keep the old ones. Payloads without the encrypted encoding pass through on decode.
 *
 * @example
 * ```ts
 * const codec = new AesGcmPayloadCodec({ keys: [{ id: 'k2', key: newKeyB64 }, { id: 'k1', key: oldKeyB64 }] });
 * const client = new Client({ connection, dataConverter: { payloadCodecs: [codec] } });
 * ```
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly ring: EncryptionKeyRing;
  private readonly compression: PayloadCompression;
  private readonly compressionMinBytes: number;

  constructor(options: AesGcmCodecOptions) {
    this.ring = encryptionKeyRing(options.keys);
    this.compression = options.compression ?? 'none';
    if (!['none', 'deflate', 'brotli'].includes(this.compression)) {
      throw new TypeError(`genkitx-temporal: unknown compression ${JSON.stringify(options.compression)}`);
    }
    this.compressionMinBytes = options.compressionMinBytes ?? 1024;
  }

  /** The ID of the key new payloads are encrypted with. */
  get currentKeyId(): string {
    return this.ring.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encryptOne(p));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decryptOne(p));
  }

  private encryptOne(payload: Payload): Payload {
    const plain = PayloadProto.encode(payload).finish();
    const { bytes, compression } = this.maybeCompress(plain);
    const { id, key } = this.ring.current;
    const metadata: Record<string, Uint8Array> = {
      encoding: utf8(ENCRYPTED_ENCODING),
      [KEY_ID_METADATA]: utf8(id),
      [CIPHER_METADATA]: utf8(CIPHER),
    };
    if (compression !== 'none') metadata[COMPRESSION_METADATA] = utf8(compression);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(id, compression));
    const sealed = Buffer.concat([iv, cipher.update(bytes), cipher.final(), cipher.getAuthTag()]);
    return { metadata, data: sealed };
  }

  private decryptOne(payload: Payload): Payload {
    if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
    const keyId = text(payload.metadata?.[KEY_ID_METADATA]) ?? '';
    const cipherName = text(payload.metadata?.[CIPHER_METADATA]);
    if (cipherName !== undefined && cipherName !== CIPHER) {
      throw new PayloadIntegrityError(keyId, `unsupported cipher "${cipherName}"`);
    }
    const key = this.ring.byId.get(keyId);
    if (!key) throw new UnknownEncryptionKeyError(keyId, [...this.ring.byId.keys()]);
    const compression = (text(payload.metadata?.[COMPRESSION_METADATA]) ?? 'none') as PayloadCompression;
    if (!['none', 'deflate', 'brotli'].includes(compression)) {
      throw new PayloadIntegrityError(keyId, `unknown compression "${compression}"`);
    }
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadIntegrityError(keyId, 'payload is truncated');
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const iv = buf.subarray(0, IV_BYTES);
    const tag = buf.subarray(buf.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(keyId, compression));
    decipher.setAuthTag(tag);
    let bytes: Buffer;
    try {
      bytes = Buffer.concat([decipher.update(buf.subarray(IV_BYTES, buf.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadIntegrityError(keyId, 'authentication tag mismatch (tampered data or wrong key)');
    }
    return PayloadProto.decode(decompress(bytes, compression));
  }

  private maybeCompress(plain: Uint8Array): { bytes: Uint8Array; compression: PayloadCompression } {
    if (this.compression === 'none' || plain.length < this.compressionMinBytes)
      return { bytes: plain, compression: 'none' };
    const compressed =
      this.compression === 'brotli'
        ? brotliCompressSync(plain, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } })
        : deflateRawSync(plain);
    // Incompressible data (already compressed, random) stays as it is.
    return compressed.length < plain.length
      ? { bytes: compressed, compression: this.compression }
      : { bytes: plain, compression: 'none' };
  }
}

function decompress(bytes: Buffer, compression: PayloadCompression): Uint8Array {
  if (compression === 'brotli') return brotliDecompressSync(bytes);
  if (compression === 'deflate') return inflateRawSync(bytes);
  return bytes;
}

// The key ID and compression marker are authenticated too: changing them in history breaks decryption.
function associatedData(keyId: string, compression: PayloadCompression): Buffer {
  return Buffer.from(`genkitx-temporal/v1|${CIPHER}|${keyId}|${compression}`, 'utf8');
}

function utf8(s: string): Uint8Array {
  return Buffer.from(s, 'utf8');
}

function text(bytes: Uint8Array | null | undefined): string | undefined {
  return bytes ? Buffer.from(bytes).toString('utf8') : undefined;
}
