// Browser sessions for the run console: a person proves who they are once (a bearer token, a Firebase ID token),
// and gets a signed, expiring session cookie that the console's pages, its live updates (EventSource) and the
// API's routes accept instead of an Authorization header. The cookie is HttpOnly (no script reads it),
// SameSite=Strict (no other site's page makes the browser send it) and, over HTTPS, `__Host-` prefixed and Secure.
// Its value is a JWT (HS256, `hono/jwt`) naming the key that signed it, so keys rotate like the context keys.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { decodeHeader, sign, verify } from 'hono/utils/jwt/jwt';
import { buildKeyRing, parseKeyList, type KeyRing, type NamedKey } from '../../common/key-ring';
import type { Principal } from './principal-auth';
import { isHttps } from './cross-site';

/** HMAC-SHA256 keys must have at least 32 bytes (the hash's output size). */
export const MIN_SESSION_KEY_BYTES = 32;

/** How long a session lasts by default: a working day. */
export const DEFAULT_SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

/** Longest session: a week. Removing a key ends its sessions sooner. */
const MAX_SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

/** Browsers keep cookies up to about 4 KB; the rest of the header line needs a little room. */
const MAX_COOKIE_VALUE_LENGTH = 3800;

const COOKIE_NAME = 'genkitx-session';

/** Claims of the token signed in with that the session does not carry (they describe that token, not the person). */
const TOKEN_LIFETIME_CLAIMS = new Set(['iat', 'exp', 'nbf', 'jti']);

/** What the session cookie holds. */
interface SessionPayload {
  [claim: string]: unknown;
  sub: string;
  adm?: true;
  cl?: Record<string, unknown>;
  iat: number;
  exp: number;
}

/** Options of console sign-in sessions (`signIn.sessionKeys`, `signIn.sessionMaxAgeSeconds`). */
export interface SessionSettings {
  /**
   * Keys that sign session cookies: `id:base64key` pairs (`openssl rand -base64 32` each), as a string in the
   * format of `GENKITX_CONTEXT_KEYS` or as a list. The first signs new sessions; every one is accepted, so a key
   * rotates by putting a new one first and removing the old one once its sessions have expired (removing a key at
   * once signs out everyone it signed).
   */
  sessionKeys: string | readonly NamedKey[];
  /** How long a session lasts after sign-in, in seconds (at most a week). @default 28800 (8 hours) */
  sessionMaxAgeSeconds?: number;
}

/** @internal Signs and reads session cookies. */
export interface Sessions {
  maxAgeSeconds: number;
  /** Sets the session cookie for `principal`; throws a TypeError when its claims do not fit a cookie. */
  issue(c: Context, principal: Principal): Promise<void>;
  /** The principal of a valid, unexpired session cookie on the request, else `undefined`. */
  read(c: Context): Promise<Principal | undefined>;
  /** Clears the session cookie. */
  end(c: Context): void;
}

/** @internal Validates the settings (at start-up, with errors naming what to fix) and returns the signer. */
export function createSessions(settings: SessionSettings): Sessions {
  const ring = sessionKeyRing(settings.sessionKeys);
  const maxAgeSeconds = settings.sessionMaxAgeSeconds ?? DEFAULT_SESSION_MAX_AGE_SECONDS;
  if (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds < 60 || maxAgeSeconds > MAX_SESSION_MAX_AGE_SECONDS) {
    throw new TypeError(
      `genkitx-temporal: signIn.sessionMaxAgeSeconds must be a whole number of seconds from 60 to ${MAX_SESSION_MAX_AGE_SECONDS} (a week), got ${maxAgeSeconds}`,
    );
  }
  const jwk = (id: string, key: Buffer) => ({ kty: 'oct', k: key.toString('base64url'), alg: 'HS256', kid: id });
  const current = jwk(ring.current.id, ring.current.key);

  return {
    maxAgeSeconds,
    async issue(c, principal) {
      const now = Math.floor(Date.now() / 1000);
      const claims = principal.claims
        ? Object.fromEntries(Object.entries(principal.claims).filter(([k]) => !TOKEN_LIFETIME_CLAIMS.has(k)))
        : undefined;
      const payload: SessionPayload = {
        sub: principal.id,
        ...(principal.admin === true ? { adm: true as const } : {}),
        ...(claims && Object.keys(claims).length ? { cl: claims } : {}),
        iat: now,
        exp: now + maxAgeSeconds,
      };
      const value = await sign(payload, current);
      if (value.length > MAX_COOKIE_VALUE_LENGTH) {
        throw new TypeError(
          `the claims of "${principal.id}" are too large for a session cookie (${value.length} characters signed)`,
        );
      }
      const secure = isHttps(c);
      setCookie(c, COOKIE_NAME, value, {
        httpOnly: true,
        sameSite: 'Strict',
        path: '/',
        maxAge: maxAgeSeconds,
        ...(secure ? { secure: true, prefix: 'host' as const } : {}),
      });
    },
    async read(c) {
      const value = getCookie(c, COOKIE_NAME, isHttps(c) ? 'host' : undefined);
      if (!value) return undefined;
      try {
        const kid = decodeHeader(value).kid;
        const key = kid === undefined ? undefined : ring.byId.get(kid);
        if (!key) return undefined; // signed with a key that was removed: that session has ended
        const payload = (await verify(value, jwk(kid!, key), { alg: 'HS256' })) as Partial<SessionPayload>;
        // `verify` checks `exp` only when it is there; a session always has one.
        if (typeof payload.exp !== 'number' || typeof payload.sub !== 'string' || !payload.sub) return undefined;
        return {
          id: payload.sub,
          ...(payload.adm === true ? { admin: true } : {}),
          ...(payload.cl && typeof payload.cl === 'object' ? { claims: payload.cl } : {}),
        };
      } catch {
        return undefined; // malformed, forged or expired
      }
    },
    end(c) {
      const secure = isHttps(c);
      deleteCookie(c, COOKIE_NAME, { path: '/', ...(secure ? { secure: true, prefix: 'host' as const } : {}) });
    },
  };
}

/**
 * Parses and checks session keys in the `GENKITX_CONTEXT_KEYS` format (`id:base64key` pairs, the first signs): at
 * least one, IDs well-formed and distinct, each at least 32 bytes. Throws naming `envName` and what is wrong.
 *
 * @example
 * ```ts
 * const sessionKeys = parseSessionKeys(process.env.API_SESSION_KEYS!, 'API_SESSION_KEYS');
 * ```
 */
export function parseSessionKeys(spec: string, envName = 'signIn.sessionKeys'): NamedKey[] {
  const keys = parseKeyList(spec, envName);
  sessionKeyRing(keys);
  return keys;
}

/** The session keys, checked: at least one, IDs well-formed and distinct, each at least 32 bytes. */
export function sessionKeyRing(keys: string | readonly NamedKey[]): KeyRing {
  const list = typeof keys === 'string' ? parseKeyList(keys, 'signIn.sessionKeys') : keys;
  return buildKeyRing(list, {
    what: 'session key',
    lengthProblem: (n) =>
      n < MIN_SESSION_KEY_BYTES ? `HMAC-SHA256 needs at least ${MIN_SESSION_KEY_BYTES}` : undefined,
  });
}
