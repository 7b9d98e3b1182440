// The AES-256-GCM codec: round trip, tampering, unknown keys, rotation, compression and key validation.
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, ValueError, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  AesGcmPayloadCodec,
  COMPRESSION_METADATA,
  createDataConverter,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  parseEncryptionKeys,
  PayloadIntegrityError,
  UnknownEncryptionKeyError,
} from '../../../src/codec';
import { resolveTemporalConfig } from '../../../src/client/config';

const key1 = { id: 'k1', key: randomBytes(32).toString('base64') };
const key2 = { id: 'k2', key: randomBytes(32) };
const SECRET = 'the launch code is 0000-SECRET';
const text = (b?: Uint8Array | null) => Buffer.from(b ?? []).toString('utf8');
const payloadOf = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const valueOf = (p: Payload) => defaultPayloadConverter.fromPayload(p);

describe('AesGcmPayloadCodec', () => {
  it('round-trips a payload and leaves no plaintext, only the key ID and markers', async () => {
    const codec = new AesGcmPayloadCodec({ keys: [key1] });
    const [encoded] = await codec.encode([payloadOf({ prompt: SECRET })]);
    expect(text(encoded!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encoded!.metadata![KEY_ID_METADATA])).toBe('k1');
    expect(Buffer.from(encoded!.data!).includes(SECRET)).toBe(false);
    expect(JSON.stringify(Object.values(encoded!.metadata!).map(text))).not.toContain('json/plain');
    const [decoded] = await codec.decode([encoded!]);
    expect(valueOf(decoded!)).toEqual({ prompt: SECRET });
  });

  it('uses a fresh IV per payload (same input, different ciphertext)', async () => {
    const codec = new AesGcmPayloadCodec({ keys: [key1] });
    const [a, b] = await codec.encode([payloadOf(SECRET), payloadOf(SECRET)]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
    expect(Buffer.from(a!.data!).subarray(0, 12).equals(Buffer.from(b!.data!).subarray(0, 12))).toBe(false);
  });

  it('detects a flipped byte anywhere: IV, ciphertext or tag', async () => {
    const codec = new AesGcmPayloadCodec({ keys: [key1] });
    const [encoded] = await codec.encode([payloadOf(SECRET)]);
    const length = encoded!.data!.length;
    for (const index of [0, 11, 12, Math.floor(length / 2), length - 1]) {
      const data = Buffer.from(encoded!.data!);
      data[index]! ^= 0x01;
      await expect(codec.decode([{ ...encoded!, data }])).rejects.toBeInstanceOf(PayloadIntegrityError);
    }
    await expect(codec.decode([{ ...encoded!, data: Buffer.alloc(10) }])).rejects.toBeInstanceOf(PayloadIntegrityError);
  });

  it('authenticates the metadata: relabelling the compression marker fails', async () => {
    const codec = new AesGcmPayloadCodec({ keys: [key1] });
    const [encoded] = await codec.encode([payloadOf(SECRET)]);
    const relabelled = {
      ...encoded!,
      metadata: { ...encoded!.metadata, [COMPRESSION_METADATA]: Buffer.from('deflate') },
    };
    await expect(codec.decode([relabelled])).rejects.toBeInstanceOf(PayloadIntegrityError);
  });

  it('a payload under an unknown key fails with an error naming the key ID', async () => {
    const [encoded] = await new AesGcmPayloadCodec({ keys: [key2] }).encode([payloadOf(SECRET)]);
    const error = await new AesGcmPayloadCodec({ keys: [key1] }).decode([encoded!]).catch((e) => e);
    expect(error).toBeInstanceOf(UnknownEncryptionKeyError);
    expect(error.keyId).toBe('k2');
    expect(error.message).toContain('"k2"');
  });

  it('a different key under a known ID is detected, not mis-decrypted', async () => {
    const [encoded] = await new AesGcmPayloadCodec({ keys: [{ id: 'k1', key: randomBytes(32) }] }).encode([
      payloadOf(1),
    ]);
    await expect(new AesGcmPayloadCodec({ keys: [key1] }).decode([encoded!])).rejects.toBeInstanceOf(
      PayloadIntegrityError,
    );
  });

  it('rotation: encrypts with the first key and still decrypts the older ones', async () => {
    const [old] = await new AesGcmPayloadCodec({ keys: [key1] }).encode([payloadOf('old')]);
    const rotated = new AesGcmPayloadCodec({ keys: [key2, key1] });
    const [fresh] = await rotated.encode([payloadOf('new')]);
    expect(text(fresh!.metadata![KEY_ID_METADATA])).toBe('k2');
    expect((await rotated.decode([old!, fresh!])).map(valueOf)).toEqual(['old', 'new']);
  });

  it('passes payloads that are not encrypted through on decode (history written before encryption)', async () => {
    const plain = payloadOf({ a: 1 });
    const [decoded] = await new AesGcmPayloadCodec({ keys: [key1] }).decode([plain]);
    expect(decoded).toBe(plain);
  });

  it.each(['deflate', 'brotli'] as const)('compresses (%s) only when it helps, and marks it', async (compression) => {
    const codec = new AesGcmPayloadCodec({ keys: [key1], compression });
    const repetitive = 'all work and no play '.repeat(5000);
    const random = new Uint8Array(randomBytes(50_000)); // binary/plain payload, incompressible
    const [small, big, noisy] = await codec.encode([payloadOf('tiny'), payloadOf(repetitive), payloadOf(random)]);
    expect(small!.metadata![COMPRESSION_METADATA]).toBeUndefined();
    expect(text(big!.metadata![COMPRESSION_METADATA])).toBe(compression);
    expect(big!.data!.length).toBeLessThan(repetitive.length / 10);
    expect(noisy!.metadata![COMPRESSION_METADATA]).toBeUndefined();
    expect((await codec.decode([small!, big!, noisy!])).map(valueOf)).toEqual(['tiny', repetitive, random]);
  });

  it('rejects keys that are not 32 bytes, malformed IDs, duplicates and no keys', () => {
    const bad = (keys: any) => () => new AesGcmPayloadCodec({ keys });
    expect(bad([{ id: 'short', key: randomBytes(16).toString('base64') }])).toThrow(/16 bytes; AES-256 needs 32/);
    expect(bad([{ id: 'long', key: randomBytes(33) }])).toThrow(ValueError);
    expect(bad([{ id: 'x', key: 'not base64!!' }])).toThrow(/not valid base64/);
    expect(bad([{ id: 'has space', key: randomBytes(32) }])).toThrow(/must match/);
    expect(bad([key1, { ...key1 }])).toThrow(/given twice/);
    expect(bad([])).toThrow(/no encryption key/);
  });
});

describe('GENKITX_ENCRYPTION_KEYS', () => {
  it('parses id:base64 pairs, the first one current', () => {
    const b64 = randomBytes(32).toString('base64');
    expect(parseEncryptionKeys(` new:${b64} , old:${b64}`)).toEqual([
      { id: 'new', key: b64 },
      { id: 'old', key: b64 },
    ]);
    expect(() => parseEncryptionKeys(b64)).toThrow(/keyId:base64key/);
  });

  it('createDataConverter({ encryption: true }) reads the env and fails clearly without it', () => {
    const spec = `k1:${key1.key}`;
    const converter = createDataConverter({ encryption: true }, { GENKITX_ENCRYPTION_KEYS: spec });
    expect((converter.payloadCodecs![0] as AesGcmPayloadCodec).currentKeyId).toBe('k1');
    expect(converter.failureConverterPath).toMatch(/failure-converter\.(ts|js)$/);
    expect(() => createDataConverter({ encryption: true }, {})).toThrow(/GENKITX_ENCRYPTION_KEYS is unset/);
    expect(() => createDataConverter({ encryption: true }, { GENKITX_ENCRYPTION_KEYS: 'k:AAAA' })).toThrow(/3 bytes/);
  });

  it('GENKITX_ENCRYPTION_KEYS alone turns encryption on for every client and worker (one converter per key string)', () => {
    const env = { GENKITX_ENCRYPTION_KEYS: `k1:${key1.key}` };
    const first = resolveTemporalConfig({}, env).dataConverter;
    expect((first?.payloadCodecs?.[0] as AesGcmPayloadCodec).currentKeyId).toBe('k1');
    expect(resolveTemporalConfig({ address: 'elsewhere:7233' }, env).dataConverter).toBe(first);
    expect(resolveTemporalConfig({}, {}).dataConverter).toBeUndefined();
    const explicit = createDataConverter({ encryption: { keys: [key2] } });
    expect(resolveTemporalConfig({ dataConverter: explicit }, env).dataConverter).toBe(explicit);
    expect(() => resolveTemporalConfig({}, { GENKITX_ENCRYPTION_KEYS: 'k:AAAA' })).toThrow(/3 bytes/);
  });
});
