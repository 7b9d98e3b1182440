// One delivery signed the way a Standard Webhooks sender signs it (the `standardwebhooks` package), sent to the
// API's `POST /hooks/:flow`, and the curl command that sends the same delivery again.
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export interface SignedDelivery {
  url: string;
  body: string;
  headers: Record<string, string>;
  /** The same request as a shell command (valid while the timestamp is within the receiver's 5-minute tolerance). */
  curl: string;
}

export function signDelivery(url: string, secret: string, payload: unknown): SignedDelivery {
  const body = JSON.stringify(payload);
  const id = `msg_${randomUUID()}`;
  const timestamp = new Date();
  const headers = {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, timestamp, body),
  };
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const curl = [
    `curl -sS -X POST ${url}`,
    ...Object.entries(headers).map(([name, value]) => `-H ${quote(`${name}: ${value}`)}`),
    `--data ${quote(body)}`,
  ].join(' \\\n    ');
  return { url, body, headers, curl };
}

/** Sends the delivery with its body changed after signing: the receiver must refuse it (401) and start nothing. */
export async function deliverForged(delivery: SignedDelivery): Promise<number> {
  const body = delivery.body.replace(/}$/, ',"injected":true}');
  const response = await fetch(delivery.url, { method: 'POST', headers: delivery.headers, body });
  await response.arrayBuffer();
  return response.status;
}

/** Sends the delivery; the API answers 202 `{ workflowId, deliveryId }` (the same run for a redelivery). */
export async function deliver(delivery: SignedDelivery): Promise<{ status: number; workflowId: string }> {
  const response = await fetch(delivery.url, { method: 'POST', headers: delivery.headers, body: delivery.body });
  const json = (await response.json()) as { workflowId?: string; message?: string };
  if (response.status !== 202 || !json.workflowId) {
    throw new Error(`webhook delivery: HTTP ${response.status} ${JSON.stringify(json)}`);
  }
  return { status: response.status, workflowId: json.workflowId };
}
