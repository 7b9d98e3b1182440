// A StorageDriver on Google Cloud Storage, over the `@google-cloud/storage` client the application provides
// (`new Storage().bucket(name)`), so this package does not depend on it.
import { StorageDriverClaim, type Payload, type StorageDriver } from '@temporalio/common';
import { claimedSha256, deserializePayload, serializePayload, SHA256_CLAIM } from './content-address';

/** The part of `@google-cloud/storage`'s `Bucket` the driver uses. */
export interface GcsBucketLike {
  readonly name: string;
  file(name: string): {
    save(data: Buffer, options?: Record<string, unknown>): Promise<unknown>;
    download(): Promise<[Buffer]>;
  };
}

/** Options of `GcsStorageDriver`. */
export interface GcsStorageDriverOptions {
  /** The bucket, e.g. `new Storage().bucket('my-temporal-payloads')`. */
  bucket: GcsBucketLike;
  /** Object name prefix. @default 'temporal-payloads/' */
  prefix?: string;
  /** Driver name written into references; keep it stable. @default 'genkitx-gcs' */
  name?: string;
}

/**
 * Stores large payloads in a GCS bucket under their sha256. Needs `storage.objects.create` and
 * `storage.objects.get` on the bucket; set a lifecycle rule (delete after the namespace retention) to clean up.
 *
 * @example
 * ```ts
 * import { Storage } from '@google-cloud/storage';
 * const driver = new GcsStorageDriver({ bucket: new Storage().bucket(process.env.PAYLOAD_BUCKET!) });
 * ```
 */
export class GcsStorageDriver implements StorageDriver {
  readonly name: string;
  readonly type = 'genkitx.gcs';
  private readonly bucket: GcsBucketLike;
  private readonly prefix: string;

  constructor(options: GcsStorageDriverOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? 'temporal-payloads/';
    this.name = options.name ?? 'genkitx-gcs';
  }

  async store(_context: unknown, payloads: Payload[]): Promise<StorageDriverClaim[]> {
    return Promise.all(
      payloads.map(async (payload) => {
        const { bytes, sha256 } = serializePayload(payload);
        try {
          // ifGenerationMatch 0: create only; an existing object already has these exact bytes.
          await this.bucket.file(this.objectName(sha256)).save(bytes, {
            resumable: false,
            contentType: 'application/octet-stream',
            preconditionOpts: { ifGenerationMatch: 0 },
          });
        } catch (err) {
          if ((err as { code?: unknown }).code !== 412) throw err;
        }
        return new StorageDriverClaim({ [SHA256_CLAIM]: sha256 });
      }),
    );
  }

  async retrieve(_context: unknown, claims: StorageDriverClaim[]): Promise<Payload[]> {
    return Promise.all(
      claims.map(async (claim) => {
        const sha256 = claimedSha256(claim.claimData);
        const name = this.objectName(sha256);
        const [bytes] = await this.bucket.file(name).download();
        return deserializePayload(bytes, sha256, `gs://${this.bucket.name}/${name}`);
      }),
    );
  }

  private objectName(sha256: string): string {
    return `${this.prefix}sha256/${sha256}`;
  }
}
