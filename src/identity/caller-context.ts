// The caller as a flow sees it: one `context.auth` shape from every front door — the HTTP API, webhooks and the
// callables — so a flow that checks `auth.uid` works whichever started it. It is the shape Firebase callables give
// (`{ uid, token }`, which Genkit's own Firebase context provider uses): `uid` always present, `token` the decoded
// claims (never a raw token; credentials are stripped at start anyway).

/** Genkit `context.auth` of a run: who called (`uid`) and what their credential said about them (`token`). */
export interface CallerAuth {
  /** The caller's stable identity: the principal id, the Firebase uid, `webhook:<scheme>` for a webhook sender. */
  uid: string;
  /** Decoded claims (`email`, custom claims, …); `{}` when the credential carries none (a static bearer token). */
  token: Record<string, unknown>;
}

/**
 * The Genkit action context for a run started on behalf of `uid`.
 *
 * @example
 * ```ts
 * callerContext('alice', { email: 'alice@example.com' }); // { auth: { uid: 'alice', token: { email: … } } }
 * ```
 */
export function callerContext(uid: string, claims?: Record<string, unknown>): { auth: CallerAuth } {
  return { auth: { uid, token: { ...claims } } };
}
