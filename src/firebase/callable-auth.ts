// Who may call a flow callable, and what of the caller a run keeps: the uid as its principal and the decoded
// claims as Genkit `context.auth` — never the raw ID token, which would sit in the run's history.
import { HttpsError, type CallableRequest } from 'firebase-functions/v2/https';
import { callerContext } from '../identity/caller-context';

/** The verified caller firebase-functions gives a callable (`request.auth`). */
export type AuthData = NonNullable<CallableRequest['auth']>;

/**
 * An extra check after sign-in, with the signature of firebase-functions' `authPolicy` (so its `hasClaim(…)`
 * fits): `false` → `permission-denied`.
 */
export type CallableAuthPolicy = (auth: AuthData | null, data: any) => boolean | Promise<boolean>;

/** The signed-in caller a callable acts for. */
export interface CallableCaller {
  uid: string;
  /** The decoded ID token claims (`email`, custom claims, …). */
  token: Record<string, unknown>;
}

/** What decides access: sign-in (unless `allowSignedOut`) and the optional policy. */
export interface CallableAccess {
  /** Let signed-out callers in (their runs have no principal, so only admins can read them later). @default false */
  allowSignedOut?: boolean;
  authPolicy?: CallableAuthPolicy;
}

/** The caller of the request, if signed in (a garbage token in the emulator gives `auth` without a uid). */
export function callerOf(request: CallableRequest): CallableCaller | undefined {
  const uid = request.auth?.uid;
  if (typeof uid !== 'string' || !uid) return undefined;
  return { uid, token: { ...((request.auth?.token ?? {}) as object) } };
}

/** `unauthenticated` for a signed-out caller (unless allowed), `permission-denied` when the policy refuses. */
export async function authorize(request: CallableRequest, access: CallableAccess): Promise<CallableCaller | undefined> {
  const caller = callerOf(request);
  if (!caller && !access.allowSignedOut) throw new HttpsError('unauthenticated', 'sign in to call this function');
  if (access.authPolicy && !(await access.authPolicy(caller ? request.auth! : null, request.data))) {
    throw new HttpsError('permission-denied', 'Permission Denied');
  }
  return caller;
}

/** The Genkit action context a run gets for its caller (the same shape as from the HTTP API and webhooks). */
export function genkitContextOf(caller: CallableCaller | undefined): Record<string, unknown> | undefined {
  return caller ? callerContext(caller.uid, caller.token) : undefined;
}
