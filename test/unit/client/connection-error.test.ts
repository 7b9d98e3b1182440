// What a front door answers when it cannot serve as configured: Temporal unreachable, or a run's data encrypted with
// keys it lacks, is a 503 UNAVAILABLE whose message says what to set (HTTP) and `unavailable` (callables), decided by
// error type and by the payload's encoding metadata, never by message text; other unknown errors stay a bare 500.
import { randomBytes } from 'node:crypto';
import { DefaultPayloadConverter, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  AesGcmPayloadCodec,
  EncryptionKeysMissingError,
  UnknownEncryptionKeyError,
  withEncryptedPayloadGuard,
} from '../../../src/codec';
import { TemporalConnectionError } from '../../../src/client/connection-error';
import { toHttpsError } from '../../../src/firebase';
import { toHttpError } from '../../../src/http';

const converter = new DefaultPayloadConverter();
const encrypter = new AesGcmPayloadCodec({ keys: [{ id: 'k1', key: randomBytes(32) }] });
/** Decodes as a client with `codecs` does: last codec first. */
async function decodeWith(codecs: readonly { decode(p: Payload[]): Promise<Payload[]> }[], payloads: Payload[]) {
  for (const codec of [...codecs].reverse()) payloads = await codec.decode(payloads);
  return payloads;
}

describe('the encrypted-payload guard of cached clients', () => {
  it('names GENKITX_ENCRYPTION_KEYS when a client without keys meets an encrypted payload', async () => {
    const sealed = await encrypter.encode([converter.toPayload({ secret: 'x' })]);
    const plainClient = withEncryptedPayloadGuard(undefined).payloadCodecs!;
    const err = await decodeWith(plainClient, sealed).catch((e) => e);
    expect(err).toBeInstanceOf(EncryptionKeysMissingError);
    expect(err).toMatchObject({ keyId: 'k1' });
    expect(err.message).toMatch(/set GENKITX_ENCRYPTION_KEYS here/);
  });

  it('lets plaintext through, and lets the AES codec decrypt first when the client has keys', async () => {
    const plain = [converter.toPayload({ a: 1 })];
    expect(await decodeWith(withEncryptedPayloadGuard(undefined).payloadCodecs!, plain)).toEqual(plain);
    const withKeys = withEncryptedPayloadGuard({ payloadCodecs: [encrypter] });
    const sealed = await encrypter.encode(plain);
    const [opened] = await decodeWith(withKeys.payloadCodecs!, sealed);
    expect(converter.fromPayload(opened!)).toEqual({ a: 1 });
  });

  it('is one object per converter, so client caches keyed by converter still share clients', () => {
    const dataConverter = { payloadCodecs: [encrypter] };
    expect(withEncryptedPayloadGuard(dataConverter)).toBe(withEncryptedPayloadGuard(dataConverter));
    expect(withEncryptedPayloadGuard(undefined)).toBe(withEncryptedPayloadGuard(undefined));
  });
});

describe('toHttpError / toHttpsError for an unavailable service', () => {
  const connectError = new TemporalConnectionError(
    { address: 'temporal.internal:7233', namespace: 'prod', connectTimeoutMs: 3000 },
    new Error('timeout'),
  );
  const cases: [string, unknown, RegExp][] = [
    [
      'Temporal unreachable',
      connectError,
      /could not connect to Temporal at temporal\.internal:7233.*TEMPORAL_ADDRESS/,
    ],
    ['no encryption keys', new EncryptionKeysMissingError('k1'), /GENKITX_ENCRYPTION_KEYS/],
    ['a key it lacks', new UnknownEncryptionKeyError('k9', ['k1']), /"k9".*GENKITX_ENCRYPTION_KEYS/],
    ['wrapped', new Error('outer', { cause: new EncryptionKeysMissingError(undefined) }), /GENKITX_ENCRYPTION_KEYS/],
    ['gRPC UNAVAILABLE', Object.assign(new Error('14 UNAVAILABLE: no connection'), { code: 14 }), /unavailable/],
  ];
  it.each(cases)('%s: 503 UNAVAILABLE with the reason, `unavailable` for callables', (_label, err, reason) => {
    const { code, body } = toHttpError(err);
    expect(code).toBe(503);
    expect(body.status).toBe('UNAVAILABLE');
    expect(body.message).toMatch(reason);
    const callable = toHttpsError(err);
    expect(callable.code).toBe('unavailable');
    expect(callable.message).toBe(body.message);
  });

  it('any other error is still a bare 500 that says nothing', () => {
    expect(toHttpError(new Error('db password is hunter2'))).toEqual({
      code: 500,
      body: { status: 'INTERNAL', message: 'Internal Error' },
    });
  });
});
