// The API's auth as a person's browser meets it: a request without an Authorization header and with a valid
// console session cookie is that session's person; everything else goes to the configured auth middleware. A
// console page the auth refuses sends the browser to the sign-in page instead of a bare 401.
import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { FlowApiEnv } from './principal-auth';
import type { Sessions } from './session';

/** @internal Where the console is, for the sign-in redirect; `undefined` when there is no sign-in page. */
export interface SignInPage {
  /** The console's base path, e.g. `/console`. */
  base: string;
}

/** @internal `auth`, accepting session cookies first (when `sessions` is set). */
export function browserAuth(
  auth: MiddlewareHandler<FlowApiEnv>,
  sessions: Sessions | undefined,
  signInPage: SignInPage | undefined,
): MiddlewareHandler<FlowApiEnv> {
  return async (c, next) => {
    // An Authorization header always decides by itself: a bad token is a 401, never a fall-back to the cookie.
    if (sessions && c.req.header('authorization') === undefined) {
      const principal = await sessions.read(c);
      if (principal) {
        c.set('principal', principal);
        c.set('session', true);
        return next();
      }
    }
    const page = signInPage && isConsolePage(c.req.method, c.req.path, c.req.header('accept'), signInPage.base);
    if (!page) return auth(c, next);
    const toSignIn = () => {
      const url = new URL(c.req.url);
      return c.redirect(`${signInPage.base}/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
    };
    try {
      const res = await auth(c, next);
      if (res instanceof Response && res.status === 401 && !c.get('principal')) return toSignIn();
      return res;
    } catch (err) {
      if (err instanceof HTTPException && err.status === 401) return toSignIn();
      throw err;
    }
  };
}

/** A page a person's browser navigates to (not an asset, not a script's JSON or event stream). */
function isConsolePage(method: string, path: string, accept: string | undefined, base: string): boolean {
  if (method !== 'GET' || !(path === base || path.startsWith(`${base}/`))) return false;
  if (path.startsWith(`${base}/assets/`)) return false;
  return /text\/html/i.test(accept ?? '');
}
