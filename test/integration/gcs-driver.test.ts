// The GCS storage driver through the real @google-cloud/storage client, against a local fake of the GCS JSON API.
import { randomBytes } from 'node:crypto';
import { Storage } from '@google-cloud/storage';
import { defaultPayloadConverter, StorageDriverClaim } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GcsStorageDriver } from '../../src/codec';
import { startFakeGcs, type FakeGcs } from '../helpers/fake-gcs';

let gcs: FakeGcs;
let driver: GcsStorageDriver;

beforeAll(async () => {
  gcs = await startFakeGcs();
  const storage = new Storage({ apiEndpoint: gcs.endpoint, projectId: 'test-project' });
  driver = new GcsStorageDriver({ bucket: storage.bucket('payloads') });
});
afterAll(() => gcs?.close());

describe('GcsStorageDriver', () => {
  it('stores payloads under their sha256 and reads them back', async () => {
    const payloads = [
      defaultPayloadConverter.toPayload({ big: randomBytes(300_000).toString('hex') }),
      defaultPayloadConverter.toPayload('small'),
    ];
    const claims = await driver.store({}, payloads);
    expect(claims.map((c) => c.claimData.sha256)).toEqual([
      expect.stringMatching(/^[0-9a-f]{64}$/),
      expect.stringMatching(/^[0-9a-f]{64}$/),
    ]);
    expect([...gcs.objects.keys()].sort()).toEqual(
      claims.map((c) => `payloads/temporal-payloads/sha256/${c.claimData.sha256}`).sort(),
    );
    const back = await driver.retrieve({}, claims);
    expect(back.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(
      payloads.map((p) => defaultPayloadConverter.fromPayload(p)),
    );
  });

  it('storing the same content twice is fine (the create-only precondition fails with 412, which means "already there")', async () => {
    const payload = defaultPayloadConverter.toPayload('same content');
    const [first] = await driver.store({}, [payload]);
    const uploadsBefore = gcs.requests.filter((r) => r.startsWith('POST')).length;
    const [second] = await driver.store({}, [payload]);
    expect(second!.claimData).toEqual(first!.claimData);
    expect(gcs.requests.filter((r) => r.startsWith('POST')).length).toBe(uploadsBefore + 1);
  });

  it('detects an object whose bytes do not match its name, and a malformed claim', async () => {
    const [claim] = await driver.store({}, [defaultPayloadConverter.toPayload('original')]);
    const key = `payloads/temporal-payloads/sha256/${claim!.claimData.sha256}`;
    gcs.objects.set(key, Buffer.from(gcs.objects.get(key)!).fill(0x41, 5, 6));
    await expect(driver.retrieve({}, [claim!])).rejects.toThrow(/corrupt/);
    await expect(driver.retrieve({}, [new StorageDriverClaim({ sha256: '../../etc/passwd' })])).rejects.toThrow(
      /no valid sha256/,
    );
  });

  it('a missing object fails retrieval with the storage error', async () => {
    await expect(driver.retrieve({}, [new StorageDriverClaim({ sha256: 'a'.repeat(64) })])).rejects.toThrow();
  });
});
