// Shared by the storage drivers: payloads are stored under the sha256 of their serialized bytes, so identical
// payloads are stored once and a retrieved object is checked against its own name.
import { createHash } from 'node:crypto';
import type { Payload } from '@temporalio/common';
// The default import: @temporalio/proto is CommonJS, and ESM cannot name its exports.
import proto from '@temporalio/proto';

const PayloadProto = proto.temporal.api.common.v1.Payload;

/** Claim field holding the object's sha256 (hex). */
export const SHA256_CLAIM = 'sha256';

/** The serialized payload and its sha256 (hex). */
export function serializePayload(payload: Payload): { bytes: Buffer; sha256: string } {
  const bytes = Buffer.from(PayloadProto.encode(payload).finish());
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Parses stored bytes back into a payload after checking they hash to `sha256`. */
export function deserializePayload(bytes: Uint8Array, sha256: string, where: string): Payload {
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256) {
    throw new Error(`genkitx-temporal: stored payload ${where} is corrupt (sha256 ${actual}, expected ${sha256})`);
  }
  return PayloadProto.decode(bytes);
}

/** The claim's sha256, checked to be 64 hex digits (it becomes part of a path or object name). */
export function claimedSha256(claimData: Record<string, string>): string {
  const sha256 = claimData[SHA256_CLAIM];
  if (!sha256 || !/^[0-9a-f]{64}$/.test(sha256)) {
    throw new Error(`genkitx-temporal: external payload reference has no valid sha256 (${JSON.stringify(claimData)})`);
  }
  return sha256;
}
