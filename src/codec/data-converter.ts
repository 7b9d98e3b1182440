// One object that turns on payload protection everywhere it is passed: the cached client, the worker and the
// workflow bundle (`dataConverter` in the connection options, `bundleFlowWorkflows({ dataConverter })`).
import { ExternalStorage, StorageDriverClaim, type DataConverter, type StorageDriver } from '@temporalio/common';
// eslint-disable-next-line @typescript-eslint/no-restricted-imports -- a start-up probe: the helper that external storage itself uses is not exported from the root
import { encodeReferencePayload } from '@temporalio/common/lib/internal-non-workflow/extstore-helpers.js';
import { AesGcmPayloadCodec, type PayloadCompression } from './aes-gcm-codec';
import { encryptionKeysFromEnv, ENCRYPTION_KEYS_ENV, type EncryptionKey } from './encryption-keys';
import { packageModulePath } from '../package-files';

/** Options of `createDataConverter`. */
export interface DataConverterOptions {
  /**
   * Encrypt every payload (inputs, results, journal entries, memo, heartbeats) with AES-256-GCM. `true` reads
   * the keys from `GENKITX_ENCRYPTION_KEYS`.
   */
  encryption?: true | { keys?: readonly EncryptionKey[]; compression?: PayloadCompression };
  /**
   * Also encrypt failure messages and stack traces (moved into an encoded payload). Workflow bundles built
   * ahead of time need the same setting: `bundleFlowWorkflows({ dataConverter })`.
   * @default true when encryption is on
   */
  encryptFailures?: boolean;
  /** Store payloads above a size outside history (Temporal's external storage, after encryption). */
  externalStorage?: {
    driver: StorageDriver;
    /** Payloads of at least this many bytes (after encryption) go to the driver. @default 256 KiB */
    thresholdBytes?: number;
  };
}

/**
 * Builds the Temporal `DataConverter` for encryption and/or large-payload offload. Give it as `dataConverter`
 * in the connection options (plugin, `startTemporalWorker`, `startFlowWorkflow`, …) and to `bundleFlowWorkflows`.
 *
 * @throws when encryption is asked for and no valid key is found
 * @example
 * ```ts
 * const dataConverter = createDataConverter({
 *   encryption: true, // GENKITX_ENCRYPTION_KEYS=2026-11:<base64 32 bytes>
 *   externalStorage: { driver: new GcsStorageDriver({ bucket: new Storage().bucket('payloads') }) },
 * });
 * const ai = genkit({ plugins: [temporal({ dataConverter })] });
 * ```
 */
export function createDataConverter(
  options: DataConverterOptions,
  env: NodeJS.ProcessEnv = process.env,
): DataConverter {
  const converter: DataConverter = {};
  if (options.encryption) {
    const given = options.encryption === true ? {} : options.encryption;
    const keys = given.keys ?? encryptionKeysFromEnv(env);
    if (!keys)
      throw new Error(`genkitx-temporal: encryption is on but no keys were given and ${ENCRYPTION_KEYS_ENV} is unset`);
    converter.payloadCodecs = [new AesGcmPayloadCodec({ keys, compression: given.compression })];
  }
  if (options.encryptFailures ?? Boolean(options.encryption))
    converter.failureConverterPath = encryptedFailureConverterPath();
  if (options.externalStorage) {
    assertExternalStorageWorks();
    converter.externalStorage = new ExternalStorage({
      drivers: [options.externalStorage.driver],
      payloadSizeThreshold: options.externalStorage.thresholdBytes,
    });
  }
  return converter;
}

const fromEnvCache = new Map<string, DataConverter>();

/**
 * @internal The converter implied by the environment: encryption when `GENKITX_ENCRYPTION_KEYS` is set. Memoized
 * per key string, so every caller in a process shares one converter (and one cached client).
 */
export function dataConverterFromEnv(env: NodeJS.ProcessEnv = process.env): DataConverter | undefined {
  const spec = env[ENCRYPTION_KEYS_ENV]?.trim();
  if (!spec) return undefined;
  let converter = fromEnvCache.get(spec);
  if (!converter) {
    converter = createDataConverter({ encryption: true }, env);
    fromEnvCache.set(spec, converter);
  }
  return converter;
}

/**
 * Path of the module exporting the failure converter that encodes messages and stack traces (a CommonJS file of
 * this package, whichever build asks: the worker, the bundler and the client load it by path).
 */
export function encryptedFailureConverterPath(): string {
  return packageModulePath('codec/failure-converter');
}

/**
 * Temporal's external storage writes its references with `@temporalio/common`'s protobufjs while the message
 * types come from `@temporalio/proto`'s: with two copies of protobufjs 8 installed, every offload fails at run
 * time ("type must be a Type"). Fail at start-up instead, with the fix.
 */
function assertExternalStorageWorks(): void {
  try {
    encodeReferencePayload({ driverName: 'probe', claim: new StorageDriverClaim({}), sizeBytes: 0 });
  } catch (err) {
    throw new Error(
      'genkitx-temporal: Temporal external storage cannot work in this install: @temporalio/common and ' +
        '@temporalio/proto load different copies of protobufjs (see `npm ls protobufjs`). Add protobufjs@8 to ' +
        `your package.json dependencies so npm installs a single copy. (${(err as Error).message})`,
    );
  }
}
