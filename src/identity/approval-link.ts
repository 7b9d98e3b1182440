// Approval links: a signed, expiring URL that gives one fixed answer to one input of one run, on behalf of the
// person it was minted for (mailed or posted to chat). The token is `<payload>.<mac>`: base64url JSON and an
// HMAC-SHA256 over it under an approval key (`id:base64key` pairs, rotated like the context keys). The token holds
// everything the answer needs, so no store is kept; single use is the run's own state (the answer's idempotency
// key is the link's ID), checked by the API route that applies it (src/http/api/approval-links.ts).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { buildKeyRing, parseKeyList, type KeyRing, type NamedKey } from '../common/key-ring';

/** Environment variable read when no keys are passed: `id1:base64key,id2:base64key`, the first one signs. */
export const APPROVAL_KEYS_ENV = 'GENKITX_APPROVAL_KEYS';

/** HMAC-SHA256 keys must have at least 32 bytes (the hash's output size). */
export const MIN_APPROVAL_KEY_BYTES = 32;

/** How long a link is valid when `expiresInSeconds` is not given: 3 days. */
export const DEFAULT_APPROVAL_LINK_TTL_SECONDS = 3 * 24 * 60 * 60;

/** Longest validity of a link: 30 days (remove the key to end every link it signed sooner). */
export const MAX_APPROVAL_LINK_TTL_SECONDS = 30 * 24 * 60 * 60;

/** Longest token: links must fit in mail and chat clients (and URLs in most servers' 8 KiB request line). */
export const MAX_APPROVAL_TOKEN_LENGTH = 4096;

/** Keys that sign approval links: a list, or a string in the `id:base64key,…` format. */
export type ApprovalKeys = string | readonly NamedKey[];

/** What a link binds together; every field is signed. */
export interface ApprovalLink {
  /** The link's own random ID: the answer's idempotency key, so the link answers once. */
  id: string;
  /** The run (workflow ID) whose input it answers. */
  workflowId: string;
  /** The input's name (`waitForInput('approval')`, `interrupt:<tool>`). */
  input: string;
  /** A label for the person (`approve`, `deny`, …), shown on the confirmation page. */
  decision: string;
  /** The value sent as the input's answer. */
  answer: unknown;
  /** Who the link was minted for (an e-mail address, a user ID): recorded as who answered. */
  approver: string;
  /** When the link stops working, in seconds since the epoch. */
  expiresAt: number;
  /** When given: the one wait it answers (the pending input's `requestedAt`), not a later wait for the same name. */
  requestedAt?: string;
}

/**
 * Why a link is refused before the run is looked at: the token itself (`malformed`, `unknown-key`, `mismatch`: the
 * words of the context signature's problems), or where and when it is used (`moved`, `expired`).
 */
export type ApprovalLinkProblem = 'malformed' | 'unknown-key' | 'mismatch' | 'expired' | 'moved';

/** Options of `mintApprovalLink`. */
export interface MintApprovalLinkOptions {
  /** Where the flow API is served, with its base path (e.g. `https://api.example.com/api`). */
  apiUrl: string;
  /** The run's workflow ID. */
  workflowId: string;
  /** The input the link answers. */
  input: string;
  /** A short label for the decision, shown to the person (`approve`, `deny`). */
  decision: string;
  /** The answer the link gives; it must match the input's schema when applied. */
  answer: unknown;
  /** Who the link is for: recorded in the journal as who answered (`answeredBy.by`). */
  approver: string;
  /**
   * Binds the link to one wait: the pending input's `requestedAt` (from `getFlowRun(…).pendingInputs`). Without it
   * the link answers the input of that name the run waits for when it is used (mint in the flow before the wait).
   */
  requestedAt?: string;
  /** Validity in seconds, at most 30 days. @default 259200 (3 days) */
  expiresInSeconds?: number;
  /** Signing keys (the first signs). @default the keys in GENKITX_APPROVAL_KEYS */
  keys?: ApprovalKeys;
  /** @internal The clock, for tests. */
  now?: () => number;
}

/** A minted link: the URL to send, and what it binds. */
export interface MintedApprovalLink extends ApprovalLink {
  url: string;
  token: string;
}

const DOMAIN = 'genkitx-temporal/approval-link/v1';

/** Short fields of the signed payload (the token travels in a URL). */
interface Payload {
  v: 1;
  kid: string;
  id: string;
  wf: string;
  in: string;
  d: string;
  a: unknown;
  to: string;
  exp: number;
  rq?: string;
}

/**
 * Mints a signed, expiring, single-use link that answers `input` of the run `workflowId` with `answer` on behalf
 * of `approver`. Opening it shows a confirmation page (mail scanners that prefetch links change nothing); the
 * page's button applies the answer once, through the API's `/runs/:id/inputs/:name/links/:token` route. Mint one
 * link per decision (approve, deny) and send them to the person; the first one used answers the input.
 *
 * @throws TypeError for a missing field, an expiry out of range or a token too long; ValueError for bad keys.
 * @example
 * ```ts
 * import { mintApprovalLink } from 'genkitx-temporal/http';
 * // GENKITX_APPROVAL_KEYS=2026-12:<base64 of 32 random bytes> on this process and on the API
 * const approve = mintApprovalLink({
 *   apiUrl: 'https://api.example.com',
 *   workflowId,
 *   input: 'approval',
 *   decision: 'approve',
 *   answer: { approved: true },
 *   approver: 'ana@example.com',
 *   expiresInSeconds: 24 * 60 * 60,
 * });
 * await mail.send({ to: 'ana@example.com', text: `Approve the refund: ${approve.url}` });
 * ```
 */
export function mintApprovalLink(options: MintApprovalLinkOptions): MintedApprovalLink {
  const { apiUrl, workflowId, input, decision, answer, approver, requestedAt } = options;
  if (requestedAt !== undefined && (typeof requestedAt !== 'string' || !requestedAt)) {
    throw new TypeError("mintApprovalLink: requestedAt must be the pending input's requestedAt");
  }
  for (const [name, value] of Object.entries({ apiUrl, workflowId, input, decision, approver })) {
    if (typeof value !== 'string' || !value)
      throw new TypeError(`mintApprovalLink: ${name} must be a non-empty string`);
  }
  if (answer === undefined) throw new TypeError('mintApprovalLink: answer must be given (any JSON value)');
  const ttl = options.expiresInSeconds ?? DEFAULT_APPROVAL_LINK_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_APPROVAL_LINK_TTL_SECONDS) {
    throw new TypeError(
      `mintApprovalLink: expiresInSeconds must be a whole number from 1 to ${MAX_APPROVAL_LINK_TTL_SECONDS} (30 days), got ${ttl}`,
    );
  }
  const ring = resolveApprovalKeyRing(options.keys);
  if (!ring) {
    throw new TypeError(`mintApprovalLink: no keys to sign with; set ${APPROVAL_KEYS_ENV} or pass keys`);
  }
  const nowS = Math.floor((options.now ?? Date.now)() / 1000);
  const payload: Payload = {
    v: 1,
    kid: ring.current.id,
    id: randomBytes(16).toString('base64url'),
    wf: workflowId,
    in: input,
    d: decision,
    a: answer,
    to: approver,
    exp: nowS + ttl,
    ...(options.requestedAt !== undefined ? { rq: options.requestedAt } : {}),
  };
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  const token = `${body}.${mac(ring.current.key, body).toString('base64url')}`;
  if (token.length > MAX_APPROVAL_TOKEN_LENGTH) {
    throw new TypeError(
      `mintApprovalLink: the link would be ${token.length} characters (at most ${MAX_APPROVAL_TOKEN_LENGTH}); give a smaller answer`,
    );
  }
  const url = `${apiUrl.replace(/\/+$/, '')}${approvalLinkPath(workflowId, input, token)}`;
  return { url, token, ...linkOf(payload) };
}

/** The route path of a link, below the API's base path. */
export function approvalLinkPath(workflowId: string, input: string, token: string): string {
  return `/runs/${encodeURIComponent(workflowId)}/inputs/${encodeURIComponent(input)}/links/${token}`;
}

/**
 * The link in `token` when it was signed by a key of the ring, is unexpired at `nowMs`, and was opened at the run
 * and input it names (`at`); else why not. The signature is checked first: a problem other than the token's own
 * says nothing to someone without a key.
 */
export function verifyApprovalLink(
  ring: KeyRing,
  token: string,
  at: { workflowId: string; input: string },
  nowMs: number = Date.now(),
): { link: ApprovalLink } | { problem: ApprovalLinkProblem } {
  if (typeof token !== 'string' || token.length > MAX_APPROVAL_TOKEN_LENGTH) return { problem: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]!) || !/^[A-Za-z0-9_-]+$/.test(parts[1]!)) {
    return { problem: 'malformed' };
  }
  const [body, given] = parts as [string, string];
  let payload: Partial<Payload>;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { problem: 'malformed' };
  }
  if (!isPayload(payload)) return { problem: 'malformed' };
  const key = ring.byId.get(payload.kid);
  if (!key) return { problem: 'unknown-key' };
  const expected = mac(key, body);
  const signature = Buffer.from(given, 'base64url');
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return { problem: 'mismatch' };
  if (payload.wf !== at.workflowId || payload.in !== at.input) return { problem: 'moved' };
  if (nowMs >= payload.exp * 1000) return { problem: 'expired' };
  return { link: linkOf(payload) };
}

/** The key ring of approval links from explicit keys, else from `GENKITX_APPROVAL_KEYS`; `undefined` without any. */
export function resolveApprovalKeyRing(
  keys: ApprovalKeys | undefined,
  env: NodeJS.ProcessEnv = process.env,
): KeyRing | undefined {
  const spec = keys ?? env[APPROVAL_KEYS_ENV]?.trim();
  if (!spec || !spec.length) return undefined;
  const list = typeof spec === 'string' ? parseKeyList(spec, APPROVAL_KEYS_ENV) : spec;
  return buildKeyRing(list, {
    what: 'approval link key',
    lengthProblem: (n) =>
      n < MIN_APPROVAL_KEY_BYTES ? `HMAC-SHA256 needs at least ${MIN_APPROVAL_KEY_BYTES}` : undefined,
  });
}

function mac(key: Buffer, body: string): Buffer {
  return createHmac('sha256', key).update(`${DOMAIN}.${body}`).digest();
}

function isPayload(p: Partial<Payload>): p is Payload {
  const text = (v: unknown) => typeof v === 'string' && v.length > 0;
  return (
    !!p &&
    typeof p === 'object' &&
    p.v === 1 &&
    [p.kid, p.id, p.wf, p.in, p.d, p.to].every(text) &&
    'a' in p &&
    Number.isInteger(p.exp) &&
    (p.rq === undefined || text(p.rq))
  );
}

function linkOf(p: Payload): ApprovalLink {
  return {
    id: p.id,
    workflowId: p.wf,
    input: p.in,
    decision: p.d,
    answer: p.a,
    approver: p.to,
    expiresAt: p.exp,
    ...(p.rq !== undefined ? { requestedAt: p.rq } : {}),
  };
}
