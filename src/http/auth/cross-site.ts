// Cross-site request forgery: a browser attaches cookies (the console's session, a cookie your own `principalAuth`
// reads, the session of IAP or of an authenticating proxy — which may turn it into an Authorization header) and
// cached Basic credentials to requests that other sites' pages make it send. So a state-changing request that a
// browser says came from another origin is refused, whatever credentials it carries, unless that origin is listed
// as trusted. Callers that are not browsers send neither `Origin` nor `Sec-Fetch-Site` and pass. Hono's `csrf`
// middleware checks only form-like content types, refuses non-browser callers that send no `Origin`, and compares
// with the URL the server sees (http:// behind Cloud Run's TLS), so the rule is written out here.
import type { Context, MiddlewareHandler } from 'hono';
import { apiError, toHttpError } from '../errors';

/** Options of the cross-site check. */
export interface CrossSiteOptions {
  /**
   * Browser origins besides the API's own whose pages may change state (e.g. `https://app.example.com`, a web app
   * that calls the API through CORS). List only origins you trust with the signed-in person.
   */
  trustedOrigins?: readonly string[];
  /** The response to a refused request. @default 403 with the API's JSON error body */
  onRefused?: (c: Context, reason: string) => Response | Promise<Response>;
}

const SAFE_METHODS = /^(GET|HEAD|OPTIONS)$/;
const ORIGIN = /^https?:\/\/[^/\s]+$/;

/**
 * Why a browser request from `headers` must not change state on a server at `ownOrigin`, or `undefined` when it
 * may: the browser's own `Sec-Fetch-Site: same-origin`, else an `Origin` that is `ownOrigin` or trusted; a request
 * with neither header is not from a browser.
 */
export function crossSiteRefusal(
  headers: Headers,
  ownOrigin: string,
  trustedOrigins: ReadonlySet<string> = new Set(),
): string | undefined {
  const site = headers.get('sec-fetch-site')?.toLowerCase();
  if (site === 'same-origin') return undefined;
  const origin = headers.get('origin');
  if (origin !== null) {
    if (origin === ownOrigin || trustedOrigins.has(origin)) return undefined;
    return `a browser request from another origin (${origin === 'null' ? 'an opaque origin' : origin}) may not change anything here; list the origin in trustedOrigins if it is yours`;
  }
  if (site !== undefined) return `a ${site} browser request without Origin may not change anything here`;
  return undefined;
}

/**
 * The origin the browser sees for this request: the scheme from `X-Forwarded-Proto` (a TLS-terminating proxy such
 * as Cloud Run's front end), else the request URL's; the host from the URL (the `Host` header).
 */
export function requestOrigin(c: Context): string {
  const url = new URL(c.req.url);
  const forwarded = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  const scheme = forwarded === 'https' || forwarded === 'http' ? forwarded : url.protocol.slice(0, -1);
  return `${scheme}://${url.host}`;
}

/** Whether the request reached this server over HTTPS (directly or through a TLS-terminating proxy). */
export function isHttps(c: Context): boolean {
  return requestOrigin(c).startsWith('https://');
}

/**
 * Middleware refusing (403) state-changing requests a browser sent from an origin other than the server's own and
 * the trusted ones. A page on another origin that calls the API with a bearer token on purpose (through CORS you
 * added) needs its origin listed too: an authenticating proxy can make even an Authorization header something the
 * browser sends by itself.
 *
 * @example
 * ```ts
 * app.use(crossSiteGuard({ trustedOrigins: ['https://app.example.com'] }));
 * ```
 */
export function crossSiteGuard(options: CrossSiteOptions = {}): MiddlewareHandler {
  for (const origin of options.trustedOrigins ?? []) {
    if (!ORIGIN.test(origin)) {
      throw new TypeError(
        `genkitx-temporal: trustedOrigins lists origins like https://app.example.com, got "${origin}"`,
      );
    }
  }
  const trusted = new Set(options.trustedOrigins ?? []);
  return async (c, next) => {
    if (SAFE_METHODS.test(c.req.method)) return next();
    const reason = crossSiteRefusal(c.req.raw.headers, requestOrigin(c), trusted);
    if (reason === undefined) return next();
    if (options.onRefused) return options.onRefused(c, reason);
    return c.json(toHttpError(apiError('PERMISSION_DENIED', reason)).body, 403);
  };
}

/**
 * Middleware for JSON routes: a body must be sent as `Content-Type: application/json` (415 otherwise), so a form
 * or a `text/plain` post — what a page on another site can send without asking — never reaches the route. With
 * `bodyOptional`, a request with no `Content-Type` (and so no body) passes too.
 *
 * @example
 * ```ts
 * app.post('/orders', requireJsonContentType(), async (c) => c.json(await c.req.json()));
 * ```
 */
export function requireJsonContentType(options: { bodyOptional?: boolean } = {}): MiddlewareHandler {
  return async (c, next) => {
    const type = c.req.header('content-type');
    if (type === undefined && options.bodyOptional) return next();
    if (type?.split(';')[0]?.trim().toLowerCase() === 'application/json') return next();
    const message = `Content-Type must be application/json${type ? `, got "${type.slice(0, 100)}"` : ''}`;
    return c.json(toHttpError(apiError('INVALID_ARGUMENT', message)).body, 415);
  };
}
