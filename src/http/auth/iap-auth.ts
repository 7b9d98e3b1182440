// Identity-Aware Proxy in front of the API (Cloud Run with IAP, or a load balancer with IAP): IAP signs in the
// person and sends each request on with `x-goog-iap-jwt-assertion`, an ES256 JWT signed by Google. The assertion
// is verified against IAP's public keys, issuer and the audience of this service, so a request that reached the
// service around IAP (a misconfigured ingress, another service in the project) cannot claim an identity.
import { createMiddleware } from 'hono/factory';
import { decodeHeader, verify } from 'hono/utils/jwt/jwt';
import type { FlowApiEnv } from './principal-auth';
import { apiError, toHttpError } from '../errors';
import { KeySetUnavailableError, RemoteKeySet } from './key-set';

/** Where Google publishes IAP's signing keys (JWK). */
export const IAP_KEY_SET_URL = 'https://www.gstatic.com/iap/verify/public_key-jwk';
/** The `iss` of every IAP assertion. */
export const IAP_ISSUER = 'https://cloud.google.com/iap';
/** The header IAP adds to every request it lets through. */
export const IAP_ASSERTION_HEADER = 'x-goog-iap-jwt-assertion';

/** Clock difference allowed between Google and this server (IAP's own guidance: 30 s). */
const CLOCK_SKEW_SECONDS = 30;

/**
 * The audiences IAP signs for: a backend service (load balancer), an App Engine app, or a Cloud Run service with
 * IAP turned on directly.
 */
const AUDIENCE = [
  /^\/projects\/\d+\/global\/backendServices\/\d+$/,
  /^\/projects\/\d+\/apps\/[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
  /^\/projects\/\d+\/locations\/[a-z0-9-]+\/services\/[a-z0-9-]+$/,
];

/** Options of `iapAuth`. */
export interface IapAuthOptions {
  /**
   * This service's audience (or several): `/projects/PROJECT_NUMBER/global/backendServices/SERVICE_ID` behind a load
   * balancer, `/projects/PROJECT_NUMBER/apps/PROJECT_ID` on App Engine, or
   * `/projects/PROJECT_NUMBER/locations/REGION/services/SERVICE_NAME` for Cloud Run with IAP turned on directly.
   */
  audience: string | readonly string[];
  /** Where IAP's public keys are read from. @default IAP_KEY_SET_URL */
  keySetUrl?: string;
  /** Which verified people are admins (see every run), from the assertion's claims (`email`, `sub`, `hd`, …). */
  isAdmin?: (claims: Record<string, unknown>) => boolean;
}

/**
 * Auth middleware for an API behind IAP: the principal is the person IAP signed in (`id`: the assertion's `sub`,
 * e.g. `accounts.google.com:1234…`; `claims`: `email`, `sub` and `hd`). A missing, expired, forged or
 * other-audience assertion is a 401; IAP's keys unreachable is a 503. IAP sessions live in a cookie IAP sets, so
 * the API's cross-site check applies to these requests as to any cookie.
 *
 * @example
 * ```ts
 * createFlowApi({ flows, console: true, auth: iapAuth({ audience: '/projects/123456789/locations/us-central1/services/genkit-api' }) });
 * ```
 */
export function iapAuth(options: IapAuthOptions) {
  const audiences = typeof options.audience === 'string' ? [options.audience] : [...(options.audience ?? [])];
  if (!audiences.length)
    throw new TypeError('genkitx-temporal: iapAuth needs `audience` (see the IAP docs, "signed headers")');
  for (const audience of audiences) {
    if (!AUDIENCE.some((pattern) => pattern.test(audience))) {
      throw new TypeError(
        `genkitx-temporal: iapAuth audience "${audience}" is not an IAP audience: use /projects/PROJECT_NUMBER/locations/REGION/services/SERVICE_NAME (Cloud Run), /projects/PROJECT_NUMBER/global/backendServices/SERVICE_ID (load balancer) or /projects/PROJECT_NUMBER/apps/PROJECT_ID (App Engine), with the project's number, not its ID`,
      );
    }
  }
  const keySetUrl = options.keySetUrl ?? IAP_KEY_SET_URL;
  if (!/^https?:\/\/\S+$/.test(keySetUrl))
    throw new TypeError(`genkitx-temporal: iapAuth keySetUrl must be a URL, got "${keySetUrl}"`);
  const keys = new RemoteKeySet({ url: keySetUrl });
  const refuse = (message: string) => toHttpError(apiError('UNAUTHENTICATED', message)).body;

  return createMiddleware<FlowApiEnv>(async (c, next) => {
    const assertion = c.req.header(IAP_ASSERTION_HEADER);
    if (!assertion) return c.json(refuse(`missing ${IAP_ASSERTION_HEADER}: is the service reached through IAP?`), 401);
    let claims: Record<string, unknown>;
    try {
      claims = await verifyAssertion(assertion, keys, audiences);
    } catch (err) {
      if (err instanceof KeySetUnavailableError) {
        console.error('[genkitx-temporal/http iapAuth]', err.message);
        return c.json(toHttpError(apiError('UNAVAILABLE', 'IAP keys unavailable; try again')).body, 503);
      }
      return c.json(refuse('invalid IAP assertion'), 401);
    }
    const identity = {
      sub: claims.sub,
      ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
      ...(typeof claims.hd === 'string' ? { hd: claims.hd } : {}),
    };
    c.set('principal', { id: String(claims.sub), admin: options.isAdmin?.(claims) === true, claims: identity });
    await next();
  });
}

/** The verified claims of an IAP assertion; throws on anything IAP would not have signed for this service. */
async function verifyAssertion(token: string, keys: RemoteKeySet, audiences: string[]) {
  const header = decodeHeader(token);
  if (header.alg !== 'ES256' || typeof header.kid !== 'string') throw new Error('not an IAP assertion');
  const key = await keys.key(header.kid);
  if (!key) throw new Error('unknown key');
  // The signature, issuer and audience by hono/jwt; the times here, with IAP's allowance for clock skew.
  const claims = await verify(token, key, { alg: 'ES256', iss: IAP_ISSUER, aud: audiences, exp: false, iat: false });
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp + CLOCK_SKEW_SECONDS <= now) throw new Error('expired');
  if (typeof claims.iat !== 'number' || claims.iat - CLOCK_SKEW_SECONDS > now) throw new Error('issued in the future');
  if (typeof claims.sub !== 'string' || !claims.sub) throw new Error('no subject');
  return claims as Record<string, unknown>;
}
