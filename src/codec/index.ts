// genkitx-temporal/codec: payload encryption (AES-256-GCM), large-payload storage drivers and the codec server.
import { requirePeers } from '../peer-dependencies';

// Before anything else loads: a missing peer is named, with the command that installs it.
requirePeers('genkitx-temporal/codec', ['@temporalio/common']);

export { AesGcmPayloadCodec, type AesGcmCodecOptions, type PayloadCompression } from './aes-gcm-codec';
export { CIPHER_METADATA, COMPRESSION_METADATA, ENCRYPTED_ENCODING, KEY_ID_METADATA } from './aes-gcm-codec';
export {
  ENCRYPTION_KEYS_ENV,
  encryptionKeyRing,
  encryptionKeysFromEnv,
  parseEncryptionKeys,
  type EncryptionKey,
  type EncryptionKeyRing,
} from './encryption-keys';
export type { KeyRing, NamedKey } from '../common/key-ring';
export { EncryptionKeysMissingError, PayloadIntegrityError, UnknownEncryptionKeyError } from './errors';
export { EncryptedPayloadGuard, withEncryptedPayloadGuard } from './encrypted-payload-guard';
export { createDataConverter, encryptedFailureConverterPath, type DataConverterOptions } from './data-converter';
export { FileStorageDriver, type FileStorageDriverOptions } from './storage/file-driver';
export { GcsStorageDriver, type GcsBucketLike, type GcsStorageDriverOptions } from './storage/gcs-driver';
export { createCodecServer, type CodecServerOptions, type CodecTokenVerifier } from './server/codec-server';
