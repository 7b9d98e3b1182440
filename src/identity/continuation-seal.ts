// The continuation seal: an HMAC-SHA256, under the context key, over everything a run carries into its next
// execution (the request with its continued state, and the journal) AND the execution it came from. Only the
// workflow's own continue-as-new gets one (the workers make it, in a local activity); the next execution accepts
// the carried state only with a seal that verifies for the execution it was continued from. A start by a client,
// a cron or retry re-run, a schedule, or a reset of a run that never had a sealed state cannot bring a journal in.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { ContinuationSeal, FlowRunRequest, JournalEntry } from '../common/types';
import type { ContextKeyRing } from './context-keys';
import { canonicalJson, type SignatureProblem } from './signature';

/** What a seal binds together. Namespace and workflow ID come from the activity's own info, never from arguments. */
export interface SealedContinuation {
  namespace: string;
  workflowId: string;
  /** The execution that continued as new: its run ID when sealing, `continuedFromExecutionRunId` when verifying. */
  fromRunId: string;
  /** The next execution's request, without `continuationSeal`. */
  request: FlowRunRequest;
  /** The journal pages carried as the next execution's further arguments. */
  journal: JournalEntry[][];
}

const DOMAIN = 'genkitx-temporal/continuation-seal/v1';

/**
 * Seals `carried` with the ring's current key.
 *
 * @example
 * ```ts
 * const seal = sealContinuation(ring, { namespace, workflowId, fromRunId: runId, request, journal: pages });
 * ```
 */
export function sealContinuation(ring: ContextKeyRing, carried: SealedContinuation): ContinuationSeal {
  const { id, key } = ring.current;
  return { v: 1, kid: id, mac: mac(key, id, carried).toString('base64url') };
}

/** `undefined` when `seal` is a valid seal of `carried` under a key of the ring (current or older), else why not. */
export function verifyContinuationSeal(
  ring: ContextKeyRing,
  carried: SealedContinuation,
  seal: unknown,
): SignatureProblem | undefined {
  if (seal === undefined || seal === null) return 'unsigned';
  const s = seal as Partial<ContinuationSeal>;
  if (typeof s !== 'object' || s.v !== 1 || typeof s.kid !== 'string' || typeof s.mac !== 'string') return 'malformed';
  const key = ring.byId.get(s.kid);
  if (!key) return 'unknown-key';
  const given = Buffer.from(s.mac, 'base64url');
  const expected = mac(key, s.kid, carried);
  return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : 'mismatch';
}

function mac(key: Buffer, keyId: string, carried: SealedContinuation): Buffer {
  const { continuationSeal: _seal, ...request } = carried.request;
  const digest = (value: unknown) => createHash('sha256').update(canonicalJson(value)).digest('hex');
  const message = JSON.stringify([
    DOMAIN,
    keyId,
    carried.namespace,
    carried.workflowId,
    carried.fromRunId,
    digest(request),
    // The same entries in other pages are the same journal.
    digest(carried.journal.flat()),
  ]);
  return createHmac('sha256', key).update(message).digest();
}
