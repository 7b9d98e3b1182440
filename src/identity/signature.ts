// The context signature: an HMAC-SHA256 over the run's caller context AND what it was given for — the namespace,
// workflow ID, flow name and input — so a signed context cannot be moved into another run or another request.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { ContextSignature } from '../common/types';
import type { ContextKeyRing } from './context-keys';

/** What a signature binds together. The worker rebuilds it from the activity's own info and the run's request. */
export interface SignedRun {
  namespace: string;
  workflowId: string;
  flowName: string;
  input: unknown;
  context: Record<string, unknown> | undefined;
}

/** Why a signature does not verify. */
export type SignatureProblem = 'unsigned' | 'malformed' | 'unknown-key' | 'mismatch';

const DOMAIN = 'genkitx-temporal/context-signature/v1';

/**
 * Signs `run` with the ring's current key.
 *
 * @example
 * ```ts
 * const signature = signRunContext(ring, { namespace, workflowId, flowName, input, context });
 * ```
 */
export function signRunContext(ring: ContextKeyRing, run: SignedRun): ContextSignature {
  const { id, key } = ring.current;
  return { v: 1, kid: id, mac: mac(key, id, run).toString('base64url') };
}

/** `undefined` when `signature` is a valid signature of `run` under a key of the ring, else what is wrong. */
export function verifyRunContext(
  ring: ContextKeyRing,
  run: SignedRun,
  signature: unknown,
): SignatureProblem | undefined {
  if (signature === undefined || signature === null) return 'unsigned';
  const s = signature as Partial<ContextSignature>;
  if (typeof s !== 'object' || s.v !== 1 || typeof s.kid !== 'string' || typeof s.mac !== 'string') return 'malformed';
  const key = ring.byId.get(s.kid);
  if (!key) return 'unknown-key';
  const given = Buffer.from(s.mac, 'base64url');
  const expected = mac(key, s.kid, run);
  return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : 'mismatch';
}

function mac(key: Buffer, keyId: string, run: SignedRun): Buffer {
  const message = JSON.stringify([
    DOMAIN,
    keyId,
    run.namespace,
    run.workflowId,
    run.flowName,
    createHash('sha256').update(canonicalJson(run.input)).digest('hex'),
    canonicalJson(run.context),
  ]);
  return createHmac('sha256', key).update(message).digest();
}

/**
 * The value as the worker will see it after Temporal's JSON payload converter (JSON, UTF-8 and back), written with
 * sorted object keys: equal on both sides of the run whatever the key order, `undefined` fields or `Date`s.
 */
export function canonicalJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) return 'null';
  const seen = JSON.parse(Buffer.from(json, 'utf8').toString('utf8'));
  return JSON.stringify(seen, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
