// The JSON shape of Temporal's remote codec protocol: {"payloads":[{"metadata":{"k":"<base64>"},"data":"<base64>"}]}.
import type { Payload } from '@temporalio/common';

/** The request body does not follow the protocol. */
export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
}

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

export function payloadsFromJson(body: unknown): Payload[] {
  const payloads = (body as { payloads?: unknown } | null)?.payloads;
  if (!Array.isArray(payloads)) throw new WireFormatError('body must be {"payloads": [...]}');
  return payloads.map((p: JsonPayload, i) => {
    if (typeof p !== 'object' || p === null) throw new WireFormatError(`payloads[${i}] must be an object`);
    const metadata: Record<string, Uint8Array> = {};
    for (const [key, value] of Object.entries(p.metadata ?? {})) {
      metadata[key] = base64(value, `payloads[${i}].metadata.${key}`);
    }
    return { metadata, data: base64(p.data ?? '', `payloads[${i}].data`) };
  });
}

export function payloadsToJson(payloads: Payload[]): { payloads: JsonPayload[] } {
  return {
    payloads: payloads.map((p) => ({
      metadata: Object.fromEntries(
        Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
      ),
      data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
    })),
  };
}

function base64(value: unknown, where: string): Uint8Array {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) {
    throw new WireFormatError(`${where} must be a base64 string`);
  }
  return Buffer.from(value, 'base64');
}
