// A StorageDriver on the local filesystem, for tests, the demo and single-machine setups.
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { StorageDriverClaim, type Payload, type StorageDriver } from '@temporalio/common';
import { claimedSha256, deserializePayload, serializePayload, SHA256_CLAIM } from './content-address';

/** Options of `FileStorageDriver`. */
export interface FileStorageDriverOptions {
  /** Directory holding the payload objects (created when missing). Every worker and client must see it. */
  directory: string;
  /** Driver name written into references; keep it stable. @default 'genkitx-file' */
  name?: string;
}

/**
 * Stores large payloads as files named by their sha256 (`<dir>/sha256/ab/abcdef…`). Files are never deleted by
 * the driver: clean up with your retention (older than the namespace retention is safe).
 *
 * @example
 * ```ts
 * const dataConverter = createDataConverter({ externalStorage: { driver: new FileStorageDriver({ directory: '.payloads' }) } });
 * ```
 */
export class FileStorageDriver implements StorageDriver {
  readonly name: string;
  readonly type = 'genkitx.file';
  private readonly directory: string;

  constructor(options: FileStorageDriverOptions) {
    this.directory = options.directory;
    this.name = options.name ?? 'genkitx-file';
  }

  async store(_context: unknown, payloads: Payload[]): Promise<StorageDriverClaim[]> {
    return Promise.all(
      payloads.map(async (payload) => {
        const { bytes, sha256 } = serializePayload(payload);
        const path = this.pathOf(sha256);
        if (!(await exists(path))) {
          await mkdir(join(path, '..'), { recursive: true });
          // Write then rename: a reader never sees half a file, and concurrent writers of the same content agree.
          const tmp = `${path}.${randomUUID()}.tmp`;
          await writeFile(tmp, bytes);
          await rename(tmp, path);
        }
        return new StorageDriverClaim({ [SHA256_CLAIM]: sha256 });
      }),
    );
  }

  async retrieve(_context: unknown, claims: StorageDriverClaim[]): Promise<Payload[]> {
    return Promise.all(
      claims.map(async (claim) => {
        const sha256 = claimedSha256(claim.claimData);
        const path = this.pathOf(sha256);
        return deserializePayload(await readFile(path), sha256, path);
      }),
    );
  }

  private pathOf(sha256: string): string {
    return join(this.directory, 'sha256', sha256.slice(0, 2), sha256);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
