// Who is calling: auth middleware turns a request into a principal (`c.var.principal`). Ready-made: bearer
// tokens (a static table or a verifier function) and Firebase ID tokens (firebase-admin, emulator or production).
import type { Context, MiddlewareHandler } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { createMiddleware } from 'hono/factory';
import { toHttpError, apiError } from '../errors';

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
  Variables: {
    principal?: Principal;
    /** The principal came from a console session cookie (see `signIn` of `createFlowApi`). */
    session?: boolean;
  };
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

/**
 * The shortest static bearer token `bearerTokenAuth({ tokens })` accepts. Tokens are compared as given, so their
 * strength is their length: 16 characters of base64 carry 96 random bits (`openssl rand -base64 24` makes 32), while
 * what an unset or mistyped variable produces (`''`, `'undefined'`, `'null'`, a placeholder such as `changeme`)
 * is shorter.
 */
export const MIN_BEARER_TOKEN_LENGTH = 16;

/** The characters a bearer token can have (RFC 6750 `b64token`, as Hono's bearer-auth middleware parses it). */
const BEARER_TOKEN_SYNTAX = /^[A-Za-z0-9._~+/-]+=*$/;

/**
 * Why `token` cannot be a static bearer token, or `undefined` when it can. A table built from environment variables
 * (`{ [process.env.OPS_TOKEN!]: 'ops' }`) gets the key `'undefined'` when the variable is unset: without this check,
 * `Authorization: Bearer undefined` would authenticate.
 */
export function bearerTokenProblem(token: string): string | undefined {
  if (token === '' || token === 'undefined' || token === 'null') {
    return `is ${JSON.stringify(token)}, which is what an unset environment variable gives (is the variable the token is read from set?)`;
  }
  if (!BEARER_TOKEN_SYNTAX.test(token)) {
    return 'has characters a bearer token cannot carry (allowed: letters, digits and . _ ~ + / - , then = padding)';
  }
  if (token.length < MIN_BEARER_TOKEN_LENGTH) {
    return `is ${token.length} characters; use at least ${MIN_BEARER_TOKEN_LENGTH} random ones (openssl rand -base64 24)`;
  }
  return undefined;
}

/** Options of `bearerTokenAuth`: a fixed table of tokens, or a function that verifies one. */
export type BearerTokenAuthOptions =
  { tokens: Record<string, string | Principal> } | { verify: PrincipalResolver<string> };

/**
 * `Authorization: Bearer <token>` (Hono's bearer-auth middleware), mapped to a principal. A `tokens` table is
 * checked when the middleware is made: an empty table, or a token that is empty, `'undefined'`, `'null'` (an unset
 * variable), shorter than `MIN_BEARER_TOKEN_LENGTH` or not a valid bearer token, throws a TypeError saying which.
 *
 * @example
 * ```ts
 * createFlowApi({ flows, auth: bearerTokenAuth({ tokens: { [process.env.OPS_TOKEN!]: { id: 'ops', admin: true } } }) });
 * ```
 */
export function bearerTokenAuth(options: BearerTokenAuthOptions): MiddlewareHandler<FlowApiEnv> {
  let verify: PrincipalResolver<string>;
  if ('tokens' in options) {
    assertTokenTable(options.tokens);
    // A copy: the table checked here is the table used.
    const table = new Map(Object.entries(options.tokens));
    verify = (token) => {
      const entry = table.get(token);
      return typeof entry === 'string' ? { id: entry } : entry;
    };
  } else verify = options.verify;
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

function assertTokenTable(tokens: Record<string, string | Principal>): void {
  if (!tokens || typeof tokens !== 'object') throw new TypeError('genkitx-temporal: bearerTokenAuth needs `tokens`');
  const entries = Object.entries(tokens);
  if (!entries.length) throw new TypeError('genkitx-temporal: bearerTokenAuth({ tokens }) has no token');
  for (const [token, principal] of entries) {
    const who = typeof principal === 'string' ? principal : principal?.id;
    const problem = bearerTokenProblem(token);
    if (problem) throw new TypeError(`genkitx-temporal: bearerTokenAuth: the token of "${who}" ${problem}`);
    if (typeof who !== 'string' || !who) {
      throw new TypeError('genkitx-temporal: bearerTokenAuth: every token maps to a principal id (or { id, … })');
    }
  }
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
