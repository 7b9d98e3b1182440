// Errors of the payload codec: typed, so callers decide on the class and fields, not on message text.

/** A payload names an encryption key this process does not have. */
export class UnknownEncryptionKeyError extends Error {
  override readonly name = 'UnknownEncryptionKeyError';
  constructor(
    /** The `encryption-key-id` of the payload. */
    readonly keyId: string,
    known: readonly string[],
  ) {
    super(
      `genkitx-temporal: payload was encrypted with key "${keyId}", which this process does not have ` +
        `(known keys: ${known.map((k) => `"${k}"`).join(', ') || 'none'}); add it to ${'GENKITX_ENCRYPTION_KEYS'} ` +
        `(after the current key) to decrypt it`,
    );
  }
}

/** A payload's ciphertext, tag or metadata did not verify (tampered, truncated, or a different key with that ID). */
export class PayloadIntegrityError extends Error {
  override readonly name = 'PayloadIntegrityError';
  constructor(
    readonly keyId: string,
    reason: string,
  ) {
    super(`genkitx-temporal: encrypted payload (key "${keyId}") failed verification: ${reason}`);
  }
}

/**
 * A payload is encrypted and this process has no encryption keys at all: a worker has `GENKITX_ENCRYPTION_KEYS` and
 * this client (typically a front door) does not. The flow API answers 503 with this message.
 */
export class EncryptionKeysMissingError extends Error {
  override readonly name = 'EncryptionKeysMissingError';
  constructor(
    /** The `encryption-key-id` of the payload, when it names one. */
    readonly keyId: string | undefined,
  ) {
    super(
      `genkitx-temporal: the run's data is encrypted${keyId ? ` (key "${keyId}")` : ''} and this process has no ` +
        `encryption keys: set ${'GENKITX_ENCRYPTION_KEYS'} here to the keys the workers have (or pass the same ` +
        'dataConverter), then restart it',
    );
  }
}
