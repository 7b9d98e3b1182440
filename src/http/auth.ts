// Who is calling: auth middleware turns a request into a principal (`c.var.principal`). Ready-made: bearer
// tokens (a static table or a verifier function) and Firebase ID tokens (firebase-admin, emulator or production).
import type { Context, MiddlewareHandler } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { createMiddleware } from 'hono/factory';
import { toHttpError, apiError } from './errors';

/** The caller of a request, recorded on the runs it starts. */
export interface Principal {
  /** Stable identity (user ID, service name); runs are owned by it. */
  id: string;
  /** May read, stream, answer and cancel every run. */
  admin?: boolean;
  /** Token claims, passed to the flow as Genkit `context.auth`. */
  claims?: Record<string, unknown>;
}

/** Hono environment of the flow API: the principal set by the auth middleware. */
export interface FlowApiEnv {
  Variables: { principal?: Principal };
}

/** Turns a request (or a token) into a principal; `undefined`/`null` means "not authenticated" (401). */
export type PrincipalResolver<T> = (
  value: T,
  c: Context,
) => Principal | null | undefined | Promise<Principal | null | undefined>;

const unauthenticated = (message: string) => {
  const { body } = toHttpError(apiError('UNAUTHENTICATED', message));
  return { message: body };
};

/**
 * Auth from any request property: `resolve` returns the principal, or nothing for a 401.
 *
 * @example
 * ```ts
 * createFlowApi({ flows, auth: principalAuth((c) => (c.req.header('x-api-key') === key ? { id: 'ops' } : null)) });
 * ```
 */
export function principalAuth(
  resolve: (c: Context) => ReturnType<PrincipalResolver<unknown>>,
): MiddlewareHandler<FlowApiEnv> {
  return createMiddleware<FlowApiEnv>(async (c, next) => {
    const principal = await resolve(c);
    if (!principal?.id) return c.json(unauthenticated('authentication required').message, 401);
    c.set('principal', principal);
    await next();
  });
}

/** Options of `bearerTokenAuth`: a fixed table of tokens, or a function that verifies one. */
export type BearerTokenAuthOptions =
  { tokens: Record<string, string | Principal> } | { verify: PrincipalResolver<string> };

/**
 * `Authorization: Bearer <token>` (Hono's bearer-auth middleware), mapped to a principal.
 *
 * @example
 * ```ts
 * createFlowApi({ flows, auth: bearerTokenAuth({ tokens: { [process.env.OPS_TOKEN!]: { id: 'ops', admin: true } } }) });
 * ```
 */
export function bearerTokenAuth(options: BearerTokenAuthOptions): MiddlewareHandler<FlowApiEnv> {
  const verify: PrincipalResolver<string> =
    'tokens' in options
      ? (token) => {
          const entry = Object.prototype.hasOwnProperty.call(options.tokens, token) ? options.tokens[token] : undefined;
          return typeof entry === 'string' ? { id: entry } : entry;
        }
      : options.verify;
  return bearerAuth<FlowApiEnv>({
    verifyToken: async (token, c) => {
      const principal = await Promise.resolve(verify(token, c)).catch(() => undefined);
      if (!principal?.id) return false;
      c.set('principal', principal);
      return true;
    },
    noAuthenticationHeader: unauthenticated('missing bearer token'),
    invalidAuthenticationHeader: unauthenticated('malformed Authorization header'),
    invalidToken: unauthenticated('invalid token'),
  });
}

/** The part of firebase-admin's `Auth` this needs. */
export interface IdTokenVerifier {
  verifyIdToken(idToken: string, checkRevoked?: boolean): Promise<{ uid: string; [claim: string]: unknown }>;
}

/**
 * Firebase ID tokens (`Authorization: Bearer <idToken>`) verified with firebase-admin's `Auth` — in production,
 * and with the Auth emulator (whose tokens are unsigned) when `FIREBASE_AUTH_EMULATOR_HOST` is set.
 *
 * @example
 * ```ts
 * import { getAuth } from 'firebase-admin/auth';
 * createFlowApi({ flows, auth: firebaseAuth({ auth: getAuth(), isAdmin: (t) => t.admin === true }) });
 * ```
 */
export function firebaseAuth(options: {
  auth: IdTokenVerifier;
  checkRevoked?: boolean;
  isAdmin?: (claims: Record<string, unknown>) => boolean;
}): MiddlewareHandler<FlowApiEnv> {
  return bearerTokenAuth({
    verify: async (token) => {
      const decoded = await options.auth.verifyIdToken(token, options.checkRevoked ?? false);
      return { id: decoded.uid, admin: options.isAdmin?.(decoded) ?? false, claims: decoded };
    },
  });
}
