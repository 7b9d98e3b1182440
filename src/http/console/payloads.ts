// Decodes payloads read from a run's history with the client's own data converter (its codecs, e.g. encryption,
// then its payload converter), so the console reads history the same way the client reads results.
import type { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';

/** The values of `payloads`, or `undefined` when they cannot be decoded (an unknown codec, offloaded data). */
export async function decodePayloads(
  client: Client,
  payloads: Payload[] | null | undefined,
): Promise<unknown[] | undefined> {
  if (!payloads?.length) return [];
  const { payloadCodecs, payloadConverter } = client.options.loadedDataConverter;
  try {
    let decoded = payloads;
    for (const codec of [...payloadCodecs].reverse()) decoded = await codec.decode(decoded);
    return decoded.map((p) => payloadConverter.fromPayload(p));
  } catch {
    return undefined;
  }
}

/** A keyword search attribute's value (search attributes are plain JSON payloads, never codec-encoded). */
export function keywordOf(payload: Payload | null | undefined): string | undefined {
  if (!payload?.data) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(payload.data).toString('utf8'));
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === 'string' ? first : undefined;
  } catch {
    return undefined;
  }
}

/** Milliseconds since the epoch of a protobuf timestamp. */
export function timestampMs(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): number | undefined {
  if (!ts) return undefined;
  return Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}
