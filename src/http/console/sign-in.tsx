/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// Signing in to the console, before any auth runs: GET /console/sign-in (the page), POST /console/session (a token
// exchanged once for the session cookie), GET /console/session (who the cookie says), POST /console/sign-out. The
// token is checked by the API's own auth middleware, exactly as an `Authorization: Bearer` request would be. It
// arrives in a POST body — from a form, or from the page script, which takes it from the URL fragment of a sign-in
// link (`/console/sign-in#token=…`, never sent to any server) and removes it from the address bar and history
// first — so it appears in no URL, server log or browser history.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { FlowApiEnv, Principal } from '../auth/principal-auth';
import { apiError, toHttpError } from '../errors';
import type { Sessions } from '../auth/session';
import { Layout } from './layout';
import { signInContentSecurityPolicy, type ResolvedFirebaseSignIn } from './sign-in-options';

/** Longest token the exchange reads (Firebase ID tokens are about 1 KB; a bearer token far less). */
const MAX_TOKEN_LENGTH = 8192;
const TOKEN_SYNTAX = /^[A-Za-z0-9._~+/-]+=*$/;

/** @internal The sign-in routes under the console's `base`. */
export function signInRoutes(options: {
  base: string;
  auth: MiddlewareHandler<FlowApiEnv>;
  sessions: Sessions;
  firebase?: ResolvedFirebaseSignIn;
}): Hono<FlowApiEnv> {
  const { base, auth, sessions, firebase } = options;
  const csp = signInContentSecurityPolicy(firebase);
  // The API's auth, run on the token alone: what it accepts as `Authorization: Bearer`, the exchange accepts.
  const verifier = new Hono<FlowApiEnv>();
  verifier.use(auth);
  verifier.all('*', (c) => c.json({ principal: c.get('principal') ?? null }));
  async function principalOf(token: string): Promise<Principal | undefined> {
    const res = await verifier.request('/', { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    if (res.status !== 200) return undefined;
    const { principal } = (await res.json()) as { principal: Principal | null };
    return principal?.id ? principal : undefined;
  }

  const routes = new Hono<FlowApiEnv>();
  const page = (c: Context, status: 200 | 400 | 401 | 415 | 500, next: string, error?: string) => {
    c.header('Content-Security-Policy', csp);
    c.header('Cache-Control', 'no-store');
    return c.html(<SignInPage base={base} next={next} error={error} firebase={firebase} />, status);
  };

  routes.get('/sign-in', (c) => page(c, 200, safeNext(c.req.query('next'), base)));

  routes.get('/session', async (c) => {
    c.header('Cache-Control', 'no-store');
    const principal = await sessions.read(c);
    // Not signed in is an answer here, not an error (the sign-in page asks on every visit).
    if (!principal) return c.body(null, 204);
    return c.json({ id: principal.id, admin: principal.admin === true });
  });

  const limit = bodyLimit({
    maxSize: 16 * 1024,
    onError: (c) => c.json(toHttpError(apiError('INVALID_ARGUMENT', 'request body too large')).body, 413),
  });
  routes.post('/session', limit, async (c) => {
    const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
    const fromForm = type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data';
    if (!fromForm && type !== 'application/json') {
      const { body } = toHttpError(apiError('INVALID_ARGUMENT', 'send { "token": … } as application/json'));
      return c.json(body, 415);
    }
    let token: unknown;
    let next = base;
    if (fromForm) {
      const form = await c.req.parseBody();
      token = form.token;
      next = safeNext(typeof form.next === 'string' ? form.next : undefined, base);
    } else {
      token = await c.req.json<{ token?: unknown }>().then(
        (b) => b?.token,
        () => undefined,
      );
    }
    const refuse = (status: 400 | 401, message: string) =>
      fromForm
        ? page(c, status, next, message)
        : c.json(toHttpError(apiError(status === 400 ? 'INVALID_ARGUMENT' : 'UNAUTHENTICATED', message)).body, status);
    if (typeof token !== 'string' || !token || token.length > MAX_TOKEN_LENGTH || !TOKEN_SYNTAX.test(token)) {
      return refuse(400, 'Give the token you were sent (a bearer token or an ID token).');
    }
    const principal = await principalOf(token);
    if (!principal) return refuse(401, 'That token was not accepted.');
    try {
      await sessions.issue(c, principal);
    } catch (err) {
      if (err instanceof TypeError) return refuse(400, err.message);
      throw err;
    }
    c.header('Cache-Control', 'no-store');
    return fromForm ? c.redirect(next, 303) : c.json({ id: principal.id, next: next === base ? undefined : next });
  });

  routes.post('/sign-out', (c) => {
    sessions.end(c);
    return c.redirect(`${base}/sign-in`, 303);
  });
  return routes;
}

/**
 * Where to go after signing in: a path of the console (its list, a run), else the list. Anything else — another
 * host, `//host`, a backslash — would make the sign-in page an open redirect.
 */
export function safeNext(next: string | undefined, base: string): string {
  const dotSegment = /\/(\.|%2e){1,2}(\/|\?|$)/i; // `..` (also percent-encoded) would climb out of the console
  if (
    !next ||
    next.length > 2048 ||
    /[\\\s]|\/\//.test(next) ||
    dotSegment.test(next) ||
    !/^[\x21-\x7e]+$/.test(next)
  ) {
    return base;
  }
  return next === base || next.startsWith(`${base}/`) || next.startsWith(`${base}?`) ? next : base;
}

function SignInPage(props: { base: string; next: string; error?: string; firebase?: ResolvedFirebaseSignIn }) {
  const { base, next, error, firebase } = props;
  const scripts = [
    ...(firebase ? [`${firebase.sdkUrl}firebase-app-compat.js`, `${firebase.sdkUrl}firebase-auth-compat.js`] : []),
    `${base}/assets/sign-in.js`,
  ];
  const firebaseData = firebase
    ? JSON.stringify({ config: firebase.config, emulatorUrl: firebase.emulatorUrl ?? null })
    : undefined;
  return (
    <Layout title="Sign in" base={base} scripts={scripts}>
      <main id="content" data-sign-in={`${base}/session`} data-next={next} data-firebase={firebaseData}>
        <h1>Sign in to the run console</h1>
        {error ? (
          <p class="alert" role="alert">
            {error}
          </p>
        ) : null}
        <p id="sign-in-state" role="status" aria-live="polite"></p>
        {firebase ? (
          <section aria-labelledby="with-account">
            <h2 id="with-account">With your account</h2>
            <noscript>
              <p>Signing in with your account needs JavaScript.</p>
            </noscript>
            {firebase.providers.includes('password') ? (
              <form id="firebase-password" class="input" aria-label="Sign in with email and password">
                <label for="email">Email</label>
                <input id="email" name="email" type="email" autocomplete="username" required />
                <label for="password">Password</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required />
                <div class="actions">
                  <button type="submit">Sign in</button>
                </div>
              </form>
            ) : null}
            {firebase.providers.includes('google') ? (
              <p>
                <button id="firebase-google" type="button">
                  Sign in with Google
                </button>
              </p>
            ) : null}
          </section>
        ) : null}
        <section aria-labelledby="with-token">
          <h2 id="with-token">With an access token</h2>
          <form class="input" method="post" action={`${base}/session`} aria-label="Sign in with an access token">
            <input type="hidden" name="next" value={next} />
            <label for="token">
              Access token<span class="hint">The bearer token you call the API with; it is not kept by this page.</span>
            </label>
            <input id="token" name="token" type="password" autocomplete="off" required />
            <div class="actions">
              <button type="submit">Sign in</button>
            </div>
          </form>
        </section>
      </main>
    </Layout>
  );
}
