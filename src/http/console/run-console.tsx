/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The run console: server-rendered pages over the same runs, ownership rules and input route as the flow API.
// GET /console (the runs), GET /console/runs/:workflowId (one run), POST /console/runs/:id/inputs/:name (an
// answer from a plain HTML form: it is sent, then the browser is sent back to the run page).
import { noStore } from '../no-store';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { Child } from 'hono/jsx';
import { frontDoorTemporal, type FrontDoorTemporal } from '../../client/front-door';
import { flowNameOf, type FlowRef } from '../../client/flow-ref';
import { flowRunOf, provideFlowInput, type FlowRunOptions } from '../../client/flow-runs';
import type { FlowApiEnv, Principal } from '../auth/principal-auth';
import { browserAuth } from '../auth/browser-auth';
import { crossSiteGuard } from '../auth/cross-site';
import { toHttpError } from '../errors';
import { describeVisibleRun, seesEveryRun, type RunAccess } from '../auth/run-access';
import { createSessions, type Sessions } from '../auth/session';
import { CONSOLE_CSS, CONSOLE_JS, SIGN_IN_JS } from './assets';
import { formValue, FormValueError, inputForm, type Decision } from './form-model';
import { Layout, SessionAccount } from './layout';
import { ListPage } from './list-page';
import { RunPage, type RunPageProps } from './run-page';
import { listRuns, loadRunDetails } from './runs-data';
import { signInRoutes } from './sign-in';
import { resolveFirebaseSignIn, type ConsoleSignInOptions, type ResolvedFirebaseSignIn } from './sign-in-options';

/** Options of `createRunConsole`. */
export interface RunConsoleOptions extends FlowRunOptions {
  /** The flows whose runs the console shows (the same list as the API's). */
  flows: FlowRef[];
  /** Auth middleware that sets `c.var.principal`; with it a caller sees only its own runs (admins see all). */
  auth?: MiddlewareHandler<FlowApiEnv>;
  /** Besides `principal.admin`: callers that see every run. */
  isAdmin?: (principal: Principal) => boolean;
  /** Where the console is mounted. @default '/console' */
  basePath?: string;
  /** Where the flow API's routes are (the run page reads `${apiBasePath}/runs/:id/events`). @default '' */
  apiBasePath?: string;
  /** Runs per page of the list (at most 100). @default 25 */
  pageSize?: number;
  /**
   * Sign-in for people (needs `auth`): a sign-in page at `${basePath}/sign-in` where a bearer token — or, with
   * `firebase`, a Firebase sign-in — is exchanged once for a signed, expiring, HttpOnly, SameSite=Strict session
   * cookie. See docs/console.md, "Signing in".
   */
  signIn?: ConsoleSignInOptions;
  /**
   * Browser origins besides the console's own that may post with the credentials a browser attaches by itself
   * (cookies, Basic). Every other cross-origin post is refused (403). See docs/console.md, "Cross-site requests".
   */
  trustedOrigins?: string[];
}

/** @internal What `createFlowApi({ console: true })` passes: its own auth and cross-site check have already run. */
export interface MountedRunConsoleOptions extends Omit<RunConsoleOptions, 'auth' | 'signIn' | 'trustedOrigins'> {
  /** Runs are scoped to their principal. */
  scoped: boolean;
  /** The settings the front door it rides on resolved. @default resolved from the options, at mount */
  temporal?: FrontDoorTemporal;
}

/** @internal Sign-in, checked and ready: the session signer and the Firebase settings. */
export interface ResolvedSignIn {
  sessions: Sessions;
  firebase?: ResolvedFirebaseSignIn;
}

/** @internal Checks `signIn` when the API or console is made (a bad key or setting is a start-up error). */
export function resolveSignIn(
  signIn: ConsoleSignInOptions | undefined,
  auth: MiddlewareHandler<FlowApiEnv> | undefined,
): ResolvedSignIn | undefined {
  if (!signIn) return undefined;
  if (!auth) {
    throw new TypeError(
      'genkitx-temporal: signIn needs `auth`: the middleware that checks the token a person signs in with',
    );
  }
  return {
    sessions: createSessions(signIn),
    firebase: signIn.firebase ? resolveFirebaseSignIn(signIn.firebase) : undefined,
  };
}

// Pages load their script and stylesheet from the console only; nothing inline can run.
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const FORM_BODY_LIMIT = 256 * 1024;
const DECISIONS: Decision[] = ['approve', 'deny', 'respond'];

/**
 * The run console, a Hono app serving `/console`: the runs of the flows (flow, status, start, flow attempt), and
 * each run's page with its pending inputs as forms (approve / deny / respond), its step timeline from the
 * journal, its activities (runs of the flow body), its live stream and its result. Server-rendered with `hono/jsx`; a small script adds
 * live updates, and everything works without it. Or mount it with `createFlowApi({ console: true })`.
 *
 * @example
 * ```ts
 * import { serve } from '@hono/node-server';
 * import { Hono } from 'hono';
 * import { bearerTokenAuth, createFlowApi, createRunConsole } from 'genkitx-temporal/http';
 * const auth = bearerTokenAuth({ tokens: { [process.env.OPS_TOKEN!]: { id: 'ops', admin: true } } });
 * const app = new Hono();
 * app.route('/', createFlowApi({ flows, auth }));
 * app.route('/', createRunConsole({ flows, auth })); // http://localhost:8080/console
 * serve({ fetch: app.fetch, port: 8080 });
 * ```
 */
export function createRunConsole(options: RunConsoleOptions): Hono<FlowApiEnv> {
  const { auth, signIn, trustedOrigins, ...rest } = options;
  const base = consoleBase(rest.basePath);
  const resolved = resolveSignIn(signIn, auth);
  const app = new Hono<FlowApiEnv>();
  app.use(noStore());
  app.use(
    crossSiteGuard({ trustedOrigins, onRefused: (c, reason) => renderError(c, base, 403, `Refused: ${reason}.`) }),
  );
  app.route(base, consolePublicRoutes(base, auth, resolved));
  if (auth) app.use(browserAuth(auth, resolved?.sessions, resolved ? { base } : undefined));
  app.route('/', mountRunConsole({ ...rest, scoped: !!auth }));
  return app;
}

/** @internal The console's base path without a trailing slash. */
export function consoleBase(basePath: string | undefined): string {
  return (basePath ?? '/console').replace(/\/+$/, '');
}

/**
 * @internal What the console serves before any auth: its stylesheet and scripts (no data in them), and with
 * sign-in the sign-in page and the session routes.
 */
export function consolePublicRoutes(
  base: string,
  auth: MiddlewareHandler<FlowApiEnv> | undefined,
  signIn: ResolvedSignIn | undefined,
): Hono<FlowApiEnv> {
  const routes = new Hono<FlowApiEnv>();
  routes.get('/assets/console.css', (c) => asset(c, CONSOLE_CSS, 'text/css; charset=utf-8'));
  routes.get('/assets/console.js', (c) => asset(c, CONSOLE_JS, 'text/javascript; charset=utf-8'));
  routes.get('/assets/sign-in.js', (c) => asset(c, SIGN_IN_JS, 'text/javascript; charset=utf-8'));
  if (signIn && auth) routes.route('/', signInRoutes({ base, auth, ...signIn }));
  return routes;
}

/** @internal The console's pages under `basePath`; auth and the cross-site check are the caller's. */
export function mountRunConsole(options: MountedRunConsoleOptions) {
  const { flows, isAdmin, basePath, apiBasePath, pageSize, scoped, temporal, ...runOptions } = options;
  const base = consoleBase(basePath);
  const apiBase = (apiBasePath ?? '').replace(/\/+$/, '');
  const flowNames = [...new Set(flows.map((f) => flowNameOf(f)))];
  const access: RunAccess = { flowNames: new Set(flowNames), scoped, isAdmin };
  const perPage = Math.min(Math.max(pageSize ?? 25, 1), 100);
  // Resolved once, at mount, not on every page (src/client/front-door.ts).
  const clientOf = (temporal ?? frontDoorTemporal(runOptions)).client;
  const errorPage = (c: Context, status: number, message: string) => renderError(c, base, status, message);

  const pages = new Hono<FlowApiEnv>();
  pages.use(async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  });

  pages.get('/', async (c) => {
    const flow = c.req.query('flow') || undefined;
    const pageToken = c.req.query('page') || undefined;
    const limit = c.req.query('limit');
    if (limit !== undefined && !/^\d{1,3}$/.test(limit)) return errorPage(c, 400, '`limit` must be a number of runs');
    if (pageToken !== undefined && !/^[A-Za-z0-9_-]{1,8192}$/.test(pageToken)) {
      return errorPage(c, 400, '`page` must be a page token from the "Older runs" link');
    }
    const size = limit !== undefined ? Math.min(Math.max(Number(limit), 1), 100) : perPage;
    const principalId = seesEveryRun(c, access) ? undefined : (c.get('principal')?.id ?? '');
    const page = await listRuns(
      await clientOf(),
      { flowNames, principalId },
      { pageSize: size, pageToken, flowName: flow },
    );
    return renderPage(c, <ListPage base={base} page={page} flowNames={flowNames} flow={flow} pageSize={size} />);
  });

  async function runPage(c: Context<FlowApiEnv>, status: 200 | 400 | 404 | 409 | 500, notice?: RunPageProps['notice']) {
    const workflowId = c.req.param('id') ?? '';
    const client = await clientOf();
    const visible = await describeVisibleRun(c, client, workflowId, access);
    if (!visible) return errorPage(c, 404, 'Run not found (or not yours to see).');
    const details = await loadRunDetails(client, visible.description);
    return renderPage(c, <RunPage base={base} apiBase={apiBase} details={details} notice={notice} />, status);
  }

  pages.get('/runs/:id', (c) => {
    const answered = c.req.query('answered');
    return runPage(c, 200, answered ? { kind: 'ok', text: `Your answer to "${answered}" was accepted.` } : undefined);
  });

  const limitForm = bodyLimit({
    maxSize: FORM_BODY_LIMIT,
    onError: (c) => errorPage(c, 413, 'The form is too large.'),
  });
  // Posts from other origins never get here (the cross-site check), so another site cannot answer for a person.
  pages.post('/runs/:id/inputs/:name', limitForm, async (c) => {
    const workflowId = c.req.param('id');
    const name = c.req.param('name');
    const client = await clientOf();
    const visible = await describeVisibleRun(c, client, workflowId, access);
    if (!visible) return errorPage(c, 404, 'Run not found (or not yours to see).');
    const body = await c.req.parseBody();
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries(body)) if (typeof value === 'string') fields[key] = value;
    const decision = DECISIONS.find((d) => d === fields._decision) ?? 'respond';
    const key = fields._key && fields._key.length <= 200 ? fields._key : randomUUID();

    const run = await flowRunOf(client.workflow.getHandle(workflowId), visible.description);
    if (run.progressUnavailable) {
      // Without a worker the inputs the run waits for (and their schemas) are unknown: nothing can be checked.
      const details = await loadRunDetails(client, visible.description, run);
      const text = `No worker answered, so your answer to "${name}" was not sent. Send it again once a worker is up.`;
      return renderPage(
        c,
        <RunPage base={base} apiBase={apiBase} details={details} notice={{ kind: 'error', text }} />,
        503,
      );
    }
    const pending = run.pendingInputs.find((p) => p.name === name);
    if (!pending) {
      return runPage(c, 409, {
        kind: 'error',
        text: `The run does not wait for "${name}" (any more): nothing was sent.`,
      });
    }
    let value: unknown;
    try {
      value = formValue(inputForm(pending.schema, pending.name, pending.interrupt !== undefined), fields, decision);
    } catch (err) {
      if (!(err instanceof FormValueError)) throw err;
      return runPage(c, 400, { kind: 'error', text: `Not sent: ${err.message}.` });
    }
    try {
      await provideFlowInput(workflowId, name, value, { ...runOptions, client, idempotencyKey: key });
    } catch (err) {
      const { code, body: error } = toHttpError(err);
      if (code >= 500) throw err;
      return runPage(c, code === 404 ? 404 : code === 409 ? 409 : 400, {
        kind: 'error',
        text: `Not accepted (${error.status}): ${error.message}`,
      });
    }
    return c.redirect(`${base}/runs/${encodeURIComponent(workflowId)}?answered=${encodeURIComponent(name)}`, 303);
  });

  pages.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse(); // auth and csrf middleware answer for themselves
    const { code, body } = toHttpError(err);
    if (code >= 500) console.error('[genkitx-temporal/http console]', err);
    return errorPage(c, code, body.message);
  });

  const app = new Hono<FlowApiEnv>();
  app.route(base, pages);
  return app;
}

function asset(c: Context, text: string, type: string) {
  c.header('Content-Type', type);
  c.header('Cache-Control', 'public, max-age=300');
  return c.body(text);
}

/** A console page, with the signed-in person (a session's) in its header. */
function renderPage(c: Context<FlowApiEnv>, body: Child, status = 200) {
  const principal = c.get('principal');
  const account = c.get('session') && principal ? { id: principal.id } : undefined;
  return c.html(<SessionAccount.Provider value={account}>{body}</SessionAccount.Provider>, status as 200);
}

function renderError(c: Context, base: string, status: number, message: string) {
  return renderPage(
    c,
    <Layout title="Error" base={base}>
      <main id="content">
        <h1>{status === 404 ? 'Not found' : 'Something went wrong'}</h1>
        <p role="alert">{message}</p>
        <p>
          <a href={base}>Back to all runs</a>
        </p>
      </main>
    </Layout>,
    status,
  );
}
