/** @jsxRuntime automatic @jsxImportSource hono/jsx */
// The run console: server-rendered pages over the same runs, ownership rules and input route as the flow API.
// GET /console (the runs), GET /console/runs/:workflowId (one run), POST /console/runs/:id/inputs/:name (an
// answer from a plain HTML form: it is sent, then the browser is sent back to the run page).
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { getTemporalClient } from '../../connection';
import { flowNameOf, type FlowRef } from '../../flow-ref';
import { flowRunOf, provideFlowInput, type FlowRunOptions } from '../../flow-runs';
import type { FlowApiEnv, Principal } from '../auth';
import { toHttpError } from '../errors';
import { describeVisibleRun, seesEveryRun, type RunAccess } from '../run-access';
import { CONSOLE_CSS, CONSOLE_JS } from './assets';
import { formValue, FormValueError, inputForm, type Decision } from './form-model';
import { Layout } from './layout';
import { ListPage } from './list-page';
import { RunPage, type RunPageProps } from './run-page';
import { listRuns, loadRunDetails } from './runs-data';

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
}

/** @internal What `createFlowApi({ console: true })` passes: its own auth has already run. */
export interface MountedRunConsoleOptions extends Omit<RunConsoleOptions, 'auth'> {
  /** Runs are scoped to their principal. */
  scoped: boolean;
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
  const { auth, ...rest } = options;
  return mountRunConsole({ ...rest, scoped: !!auth }, auth);
}

/** @internal The console's routes under `basePath`, behind `auth` when given. */
export function mountRunConsole(options: MountedRunConsoleOptions, auth?: MiddlewareHandler<FlowApiEnv>) {
  const { flows, isAdmin, basePath, apiBasePath, pageSize, scoped, ...runOptions } = options;
  const base = (basePath ?? '/console').replace(/\/+$/, '');
  const apiBase = (apiBasePath ?? '').replace(/\/+$/, '');
  const flowNames = [...new Set(flows.map((f) => flowNameOf(f)))];
  const access: RunAccess = { flowNames: new Set(flowNames), scoped, isAdmin };
  const perPage = Math.min(Math.max(pageSize ?? 25, 1), 100);
  const clientOf = async (): Promise<Client> => runOptions.client ?? getTemporalClient(runOptions);
  const errorPage = (c: Context, status: number, message: string) => renderError(c, base, status, message);

  const pages = new Hono<FlowApiEnv>();
  pages.use(async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  });
  if (auth) pages.use(auth);

  pages.get('/assets/console.css', (c) => asset(c, CONSOLE_CSS, 'text/css; charset=utf-8'));
  pages.get('/assets/console.js', (c) => asset(c, CONSOLE_JS, 'text/javascript; charset=utf-8'));

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
    return c.html(<ListPage base={base} page={page} flowNames={flowNames} flow={flow} pageSize={size} />);
  });

  async function runPage(c: Context<FlowApiEnv>, status: 200 | 400 | 404 | 409 | 500, notice?: RunPageProps['notice']) {
    const workflowId = c.req.param('id') ?? '';
    const client = await clientOf();
    const visible = await describeVisibleRun(c, client, workflowId, access);
    if (!visible) return errorPage(c, 404, 'Run not found (or not yours to see).');
    const details = await loadRunDetails(client, visible.description);
    return c.html(<RunPage base={base} apiBase={apiBase} details={details} notice={notice} />, status);
  }

  pages.get('/runs/:id', (c) => {
    const answered = c.req.query('answered');
    return runPage(c, 200, answered ? { kind: 'ok', text: `Your answer to "${answered}" was accepted.` } : undefined);
  });

  const limitForm = bodyLimit({
    maxSize: FORM_BODY_LIMIT,
    onError: (c) => errorPage(c, 413, 'The form is too large.'),
  });
  // Same-origin form posts only (Origin checked), so another site cannot answer for a signed-in person.
  pages.post('/runs/:id/inputs/:name', csrf(), limitForm, async (c) => {
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
      return c.html(<RunPage base={base} apiBase={apiBase} details={details} notice={{ kind: 'error', text }} />, 503);
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

function renderError(c: Context, base: string, status: number, message: string) {
  return c.html(
    <Layout title="Error" base={base}>
      <main id="content">
        <h1>{status === 404 ? 'Not found' : 'Something went wrong'}</h1>
        <p role="alert">{message}</p>
        <p>
          <a href={base}>Back to all runs</a>
        </p>
      </main>
    </Layout>,
    status as 400,
  );
}
