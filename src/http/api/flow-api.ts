// createFlowApi: a Hono app that starts flows as durable runs and lets their callers poll, stream, answer,
// cancel and re-attach — compatible with Genkit's own `runFlow` / `streamFlow` client.
import { createHash } from 'node:crypto';
import { type Client, type WorkflowHandle } from '@temporalio/client';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { logger } from 'hono/logger';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { startFlowWorkflowWith, type FlowWorkflowOptions } from '../../client/start-flow';
import { callerBudgetWindowMs } from '../../client/caller-budget';
import { resolveTemporalConfig } from '../../client/config';
import { frontDoorTemporal } from '../../client/front-door';
import { requestedPriority, type FairnessOptions } from '../../client/fairness';
import { flowNameOf, validateFlowInput, type FlowRef } from '../../client/flow-ref';
import { toFlowRunError } from '../../client/flow-run-error';
import {
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_SSE_HEARTBEAT_MS,
  DEFAULT_WAIT_TIMEOUT_MS,
  STREAM_LIMIT_RETRY_AFTER_S,
} from '../../common/defaults';
import { flowRunOf, provideFlowInput, type FlowRunOptions } from '../../client/flow-runs';
import { checkAnswerTarget } from '../../client/input-gate';
import { checkInputLimits } from '../../client/input-limits';
import { callerContext } from '../../identity/caller-context';
import { resolveContextKeyRing } from '../../identity/context-keys';
import { APPROVAL_KEYS_ENV, resolveApprovalKeyRing, type ApprovalKeys } from '../../identity/approval-link';
import { approvalLinkRoutes } from './approval-links';
import { requestSpans } from '../../telemetry/http-middleware';
import { requestBodyLimit } from '../body-limit';
import { noStore } from '../no-store';
import { apiError, toHttpError } from '../errors';
import { genkitStreamResponse } from './genkit-stream';
import { runEventsResponse } from './sse';
import { TemporalStreamManager } from './stream-manager';
import { StreamLimits, type StreamLimitOptions } from './stream-limits';
import type { FlowApiEnv, Principal } from '../auth/principal-auth';
import { browserAuth } from '../auth/browser-auth';
import {
  consoleBase,
  consolePublicRoutes,
  mountRunConsole,
  resolveSignIn,
  type RunConsoleOptions,
} from '../console/run-console';
import type { ConsoleSignInOptions } from '../console/sign-in-options';
import { crossSiteGuard, requireJsonContentType } from '../auth/cross-site';
import { describeVisibleRun, type RunAccess } from '../auth/run-access';

/** Start options the API applies to every run it starts (the request decides input, key and principal). */
export type FlowApiStartOptions = Omit<
  FlowWorkflowOptions,
  'workflowId' | 'idempotencyKey' | 'principal' | 'context' | 'client'
>;

/** Options of `createFlowApi`. */
export interface FlowApiOptions extends FlowRunOptions, StreamLimitOptions {
  /** The flows the API exposes, by their registered names (flow objects or `flowRef`s). Nothing else is reachable. */
  flows: FlowRef[];
  /** Auth middleware that sets `c.var.principal` (`bearerTokenAuth`, `firebaseAuth`, `principalAuth`). */
  auth?: MiddlewareHandler<FlowApiEnv>;
  /** Besides `principal.admin`: callers that may see every run. */
  isAdmin?: (principal: Principal) => boolean;
  /** Mount path, e.g. `/api`. @default '' */
  basePath?: string;
  /** Largest accepted request body in bytes (413 above it). @default 1 MiB */
  bodyLimit?: number;
  /** Cancel the run when a waiting or streaming caller disconnects: all flows, or these flow names. @default false */
  cancelOnDisconnect?: boolean | string[];
  /** Applied to every start (task queue, retry, timeouts, …). */
  startOptions?: FlowApiStartOptions;
  /**
   * How long `POST /flows/:name?wait=true` waits for the result when the request gives no `timeout`; when it
   * passes, the answer is 202 with the run's links (as without `wait`) and the run goes on. Keep it under your
   * platform's request timeout. @default 240000 (under the 300 s of Cloud Run's default and of Node's fetch)
   */
  waitTimeoutMs?: number;
  /**
   * Streams (`/runs/:id/events` and Genkit streams) one caller may hold open at once; the next one is a 429 with
   * `Retry-After` naming this limit. Callers are principals, so without `auth` only `maxStreams` applies.
   * @default 20
   */
  maxStreamsPerCaller?: number;
  /** Streams this API serves at once in all (readers of one run share one poller). Above it: 429. @default 500 */
  maxStreams?: number;
  /** SSE heartbeat period of `/runs/:id/events`. @default 15000 (`DEFAULT_SSE_HEARTBEAT_MS`) */
  heartbeatMs?: number;
  /**
   * Aborted when this process is about to stop (Cloud Run sends SIGTERM, then kills it 10 s later). Open streams
   * and waiting requests then end at once, each the way its client recovers, and the runs go on (this is not a
   * disconnect: `cancelOnDisconnect` does not apply): a Genkit stream ends with an `UNAVAILABLE` error frame that
   * names the stream ID to re-attach with (without a last frame Genkit's `streamFlow` would wait forever); a
   * `/runs/:id/events` stream closes, and the browser's EventSource reconnects from its Last-Event-ID; a
   * `?wait=true` request gets the 202 with the run's links it gets at its timeout.
   */
  shutdownSignal?: AbortSignal;
  /** Log requests with Hono's logger. @default false */
  logRequests?: boolean;
  /** Serve the run console at `${basePath}/console`, behind the same auth (see `createRunConsole`). @default false */
  console?: boolean | Pick<RunConsoleOptions, 'pageSize'>;
  /**
   * Sign-in for people (needs `auth`): with the console, a sign-in page at `${basePath}/console/sign-in` where a
   * bearer token — or, with `firebase`, a Firebase sign-in — is exchanged once for a signed, expiring, HttpOnly,
   * SameSite=Strict session cookie, which the console and every route of the API then accept from that browser.
   * See docs/console.md, "Signing in".
   */
  signIn?: ConsoleSignInOptions;
  /**
   * Browser origins besides the API's own whose pages may change state (start, answer, cancel), e.g. a web app of
   * yours that calls the API through CORS. Every other cross-origin browser request that would change state is
   * refused (403), whatever credentials it carries; requests from no browser at all are not affected. See
   * docs/console.md, "Cross-site requests".
   */
  trustedOrigins?: string[];
  /**
   * Approval links (`mintApprovalLink`): `GET`/`POST ${basePath}/runs/:id/inputs/:name/links/:token`, reachable
   * without `auth` (the signed link is the credential), answering the input once on behalf of the link's addressee.
   * `true` verifies with the keys in GENKITX_APPROVAL_KEYS, `{ keys }` with these; `false` turns the route off.
   * See docs/human-in-the-loop.md, "Approval links". @default on when GENKITX_APPROVAL_KEYS is set
   */
  approvalLinks?: boolean | { keys: ApprovalKeys };
  /**
   * Each run's fairness key is its caller (the principal's id, or `fairness.key` of the principal): one caller's
   * burst of runs shares the workers with every other caller's instead of holding them behind it. Weights per key
   * and priority per flow come from here or the environment (GENKITX_FAIRNESS_WEIGHTS, GENKITX_FAIRNESS_BY_CLAIM);
   * a request may ask for a later priority with `?priority=N` (1 first … 5 last). No request can choose its
   * fairness key. `false`: no fairness key. See docs/fairness.md.
   */
  fairness?: FairnessOptions | false;
}

const MAX_KEY_LENGTH = 200;

/**
 * A Hono app serving the flows as durable runs:
 * `POST /flows/:name` (202 `{ workflowId, runId, links }`; `?wait=true` → 200 `{ result }`, or the 202 once
 * `timeout` (e.g. `?wait=true&timeout=30s`, default `waitTimeoutMs`) passes; `Accept: text/event-stream` →
 * Genkit stream, re-attach with `x-genkit-stream-id`), `GET /runs/:id` (answers without a worker too, with
 * `progressUnavailable`), `POST /runs/:id/cancel`, `POST /runs/:id/inputs/:name` (to an input the run waits for;
 * `?early=true` for one it will ask for later), `GET /runs/:id/events?from=N` (SSE).
 * With `console: true`, also the run console for people at `/console` (see `createRunConsole`), and with `signIn`
 * its sign-in page. Browser requests from other origins change nothing; the JSON routes take only
 * `Content-Type: application/json`.
 *
 * @example
 * ```ts
 * import { serve } from '@hono/node-server';
 * import { createFlowApi, bearerTokenAuth } from 'genkitx-temporal/http';
 * const app = createFlowApi({ flows: [flowRef('jokeFlow')], auth: bearerTokenAuth({ tokens: { [process.env.OPS_TOKEN!]: 'ops' } }) });
 * serve({ fetch: app.fetch, port: 8080 });
 * // runFlow({ url: 'http://localhost:8080/flows/jokeFlow?wait=true', input }) from genkit/beta/client works as is
 * ```
 */
export function createFlowApi(options: FlowApiOptions): Hono<FlowApiEnv> {
  const flows = new Map(options.flows.map((f) => [flowNameOf(f), f]));
  const {
    flows: _f,
    auth,
    isAdmin,
    basePath,
    cancelOnDisconnect,
    startOptions,
    waitTimeoutMs,
    heartbeatMs,
    shutdownSignal,
    logRequests,
    console: runConsole,
    signIn,
    trustedOrigins,
    maxStreamsPerCaller,
    maxStreams,
    approvalLinks,
    fairness,
    ...rest
  } = options;
  const runOptions: FlowRunOptions = rest;
  // A malformed context key or caller budget fails here, at start-up, rather than on every start.
  resolveContextKeyRing(startOptions?.contextKeys);
  if (startOptions?.callerBudget) callerBudgetWindowMs(startOptions.callerBudget);
  const approvalRing = approvalLinkRing(approvalLinks);
  if (waitTimeoutMs !== undefined && !(waitTimeoutMs > 0 && waitTimeoutMs <= MAX_WAIT_TIMEOUT_MS)) {
    throw new TypeError(`createFlowApi: waitTimeoutMs must be above 0 and at most 3600000 (1 h), got ${waitTimeoutMs}`);
  }
  // Resolved once per API, here, and passed down (src/client/front-door.ts): a running front door keeps the settings
  // it was created with. Starts resolve with the start options over the run options, as `startFlowWorkflow` does.
  const temporal = frontDoorTemporal(runOptions, { fairness });
  const clientOf = temporal.client;
  const startConfig = startOptions ? resolveTemporalConfig({ ...runOptions, ...startOptions }) : temporal.config;
  // One poller per run for all its readers (SSE and Genkit streams), and a cap on open streams per caller and in all.
  const streams = new TemporalStreamManager(runOptions, () => temporal);
  const streamLimits = new StreamLimits({ maxStreamsPerCaller, maxStreams });
  /** A slot for one more stream of this caller, or the 429 (with Retry-After) naming the limit it would pass. */
  const streamSlot = (c: Context<FlowApiEnv>) => {
    const slot = streamLimits.take(c.get('principal')?.id);
    if ('release' in slot) return slot;
    c.header('Retry-After', String(STREAM_LIMIT_RETRY_AFTER_S));
    return c.json(toHttpError(apiError('RESOURCE_EXHAUSTED', slot.refused)).body, 429);
  };
  const limit = requestBodyLimit({
    maxSize: options.bodyLimit ?? DEFAULT_BODY_LIMIT_BYTES,
    onError: (c) => c.json(toHttpError(apiError('INVALID_ARGUMENT', 'request body too large')).body, 413),
  });
  const cancelsOnDisconnect = (flowName: string) =>
    Array.isArray(cancelOnDisconnect) ? cancelOnDisconnect.includes(flowName) : !!cancelOnDisconnect;

  // Sign-in settings are checked here, at start-up (a short session key is an error now, not a 500 at sign-in).
  const signedIn = resolveSignIn(signIn, auth);
  const consolePath = consoleBase(`${basePath ?? ''}/console`);

  const app = new Hono<FlowApiEnv>();
  const api = basePath ? app.basePath(basePath) : app;
  if (temporal.config.telemetry) app.use(requestSpans());
  if (logRequests) app.use(logger());
  app.use(requestId(), secureHeaders(), noStore());
  // Before auth: a browser's cross-origin post is refused whoever it claims to be.
  app.use(crossSiteGuard({ trustedOrigins }));
  // The console's assets and sign-in answer without auth; everything after them is behind it.
  if (runConsole) app.route(consolePath, consolePublicRoutes(consolePath, auth, signedIn));
  const access: RunAccess = { flowNames: new Set(flows.keys()), scoped: !!auth, isAdmin };
  // Before auth as well: an approval link is its own credential (the person who got it has no API token).
  if (approvalRing) {
    api.route(
      '/',
      approvalLinkRoutes({ ring: approvalRing, flowNames: access.flowNames, client: clientOf, runOptions }),
    );
  }
  if (auth) app.use(browserAuth(auth, signedIn?.sessions, runConsole && signedIn ? { base: consolePath } : undefined));

  /** The run, if it exists, belongs to an exposed flow and (with auth) to this caller or an admin. */
  async function ownedRun(c: Context<FlowApiEnv>, workflowId: string) {
    const client = await clientOf();
    const visible = await describeVisibleRun(c, client, workflowId, access);
    return visible && { ...visible, handle: client.workflow.getHandle(workflowId) };
  }
  const runNotFound = () => apiError('NOT_FOUND', 'run not found');

  // JSON only: a form or text/plain post (what another site's page can send without asking) starts nothing.
  const json = requireJsonContentType();
  api.post('/flows/:name', json, limit, async (c) => {
    const flowName = c.req.param('name');
    const flow = flows.get(flowName);
    if (!flow) throw apiError('NOT_FOUND', `flow "${flowName}" not found`);
    const streaming = /text\/event-stream/i.test(c.req.header('accept') ?? '') || c.req.query('stream') === 'true';
    const disconnected = c.req.raw.signal;

    const resumeId = c.req.header('x-genkit-stream-id');
    if (streaming && resumeId) {
      const run = await ownedRun(c, resumeId);
      if (!run || run.flowName !== flowName) return c.body(null, 204); // Genkit's client: "Stream not found."
      const slot = streamSlot(c);
      if (slot instanceof Response) return slot;
      return genkitStreamResponse(c, resumeId, streams, {
        onDisconnect: () => onDisconnect(run.handle, flowName),
        onEnd: slot.release,
        shutdownSignal,
      });
    }

    const wait = c.req.query('wait') === 'true';
    // A bad timeout is a 400 before anything starts, like bad input.
    const waitMs = wait ? waitTimeoutOf(c.req.query('timeout'), waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS) : 0;
    // A bad priority is a 400 naming it before anything starts, like bad input.
    const priority = requestedPriority(c.req.query('priority'));
    const data = await readData(c);
    await validateFlowInput(flow, data, startConfig); // ValidationError → 400, before anything starts
    const principal = c.get('principal');
    const key = c.req.header('idempotency-key');
    if (key !== undefined && (key.length === 0 || key.length > MAX_KEY_LENGTH)) {
      throw apiError('INVALID_ARGUMENT', `Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} characters`);
    }
    // A stream that could not be served starts nothing: the slot is taken before the run.
    const slot = streaming ? streamSlot(c) : undefined;
    if (slot instanceof Response) return slot;
    let handle: WorkflowHandle;
    try {
      handle = await startFlowWorkflowWith(startConfig, flow, data as never, {
        ...runOptions,
        ...startOptions,
        // Keys are scoped by caller: the same key from two principals names two runs.
        ...(key !== undefined ? { idempotencyKey: key, workflowId: `${flowName}-${scopedKey(key, principal)}` } : {}),
        principal: principal?.id,
        context: principal ? callerContext(principal.id, principal.claims) : undefined,
        // Keyed by the authenticated caller only: nothing in the request names the key.
        priority: temporal.fairness.priorityFor(principal, flowName, startOptions?.priority, priority),
      });
    } catch (err) {
      slot?.release();
      throw err;
    }
    if (slot) {
      return genkitStreamResponse(c, handle.workflowId, streams, {
        onDisconnect: () => onDisconnect(handle, flowName),
        onEnd: slot.release,
        shutdownSignal,
      });
    }

    if (wait) {
      // Waits for the result until the caller goes away, `timeout` passes or this process stops; then the run goes
      // on and a caller that is still there gets the same 202 as without `wait`.
      const timedOut = shutdownSignal
        ? AbortSignal.any([AbortSignal.timeout(waitMs), shutdownSignal])
        : AbortSignal.timeout(waitMs);
      try {
        const result = await (
          await clientOf()
        ).withAbortSignal(AbortSignal.any([disconnected, timedOut]), () => handle.result());
        return c.json({ result: result ?? null });
      } catch (err) {
        if (disconnected.aborted) {
          await onDisconnect(handle, flowName);
          return new Response(null, { status: 499 }); // the caller is gone; nobody reads this
        }
        if (!timedOut.aborted) throw toFlowRunError(err, handle.workflowId);
      }
    }
    return accepted(c, handle);
  });

  /** 202 with the run's links: where to poll, stream, answer and cancel it. */
  function accepted(c: Context<FlowApiEnv>, handle: WorkflowHandle) {
    const self = `${basePath ?? ''}/runs/${encodeURIComponent(handle.workflowId)}`;
    c.header('Location', self);
    return c.json(
      {
        workflowId: handle.workflowId,
        runId: (handle as { firstExecutionRunId?: string }).firstExecutionRunId,
        links: { self, events: `${self}/events`, cancel: `${self}/cancel`, inputs: `${self}/inputs` },
      },
      202,
    );
  }

  /** A waiting or streaming caller went away: the run goes on, unless the route cancels on disconnect. */
  async function onDisconnect(handle: WorkflowHandle, flowName: string) {
    if (cancelsOnDisconnect(flowName)) await handle.cancel().catch(() => undefined);
  }

  api.get('/runs/:id', async (c) => {
    const run = await ownedRun(c, c.req.param('id'));
    if (!run) throw runNotFound();
    const view = await flowRunOf(run.handle, run.description);
    return c.json({
      workflowId: view.workflowId,
      runId: view.runId,
      flowName: view.flowName,
      status: view.status,
      ...(view.status === 'COMPLETED' ? { result: view.result ?? null } : {}),
      ...(view.error ? { error: toHttpError(view.error).body } : {}),
      progress: view.progress,
      ...(view.progressUnavailable ? { progressUnavailable: view.progressUnavailable } : {}),
      pendingInputs: view.pendingInputs,
      ...(view.usage ? { usage: view.usage } : {}),
    });
  });

  api.post('/runs/:id/cancel', requireJsonContentType({ bodyOptional: true }), async (c) => {
    const run = await ownedRun(c, c.req.param('id'));
    if (!run) throw runNotFound();
    if (run.description.status.name !== 'RUNNING') throw apiError('FAILED_PRECONDITION', 'run has already ended');
    await run.handle.cancel();
    return c.json({ workflowId: run.handle.workflowId, status: 'CANCEL_REQUESTED' }, 202);
  });

  api.post('/runs/:id/inputs/:name', json, limit, async (c) => {
    const run = await ownedRun(c, c.req.param('id'));
    if (!run) throw runNotFound();
    const name = c.req.param('name');
    const key = c.req.header('idempotency-key');
    const value = await readData(c);
    checkInputLimits(value, `answer "${name}"`); // a 400 before the run is asked anything
    // Only to an input the run waits for, unless the caller asks for an early answer (a typo is a 400 naming them).
    const applied =
      run.description.status.name !== 'RUNNING' ||
      (await checkAnswerTarget(run.handle, { name, early: c.req.query('early') === 'true', idempotencyKey: key }));
    const principal = c.get('principal');
    await provideFlowInput(run.handle.workflowId, name, value, {
      ...runOptions,
      client: await clientOf(),
      ...(key ? { idempotencyKey: key } : {}),
      ...(principal ? { answeredBy: { by: principal.id, via: 'api' } } : {}),
    });
    return c.json({ workflowId: run.handle.workflowId, input: name, status: 'ACCEPTED', applied });
  });

  api.get('/runs/:id/events', async (c) => {
    const run = await ownedRun(c, c.req.param('id'));
    if (!run) throw runNotFound();
    const from = c.req.header('last-event-id') ?? c.req.query('from') ?? '0';
    if (!/^\d{1,9}$/.test(from)) throw apiError('INVALID_ARGUMENT', '`from` / Last-Event-ID must be a chunk offset');
    const slot = streamSlot(c);
    if (slot instanceof Response) return slot;
    return runEventsResponse(c, run.handle.workflowId, Number(from), {
      runs: streams.runs,
      heartbeatMs: heartbeatMs ?? DEFAULT_SSE_HEARTBEAT_MS,
      onEnd: slot.release,
      shutdownSignal,
    });
  });

  if (runConsole) {
    const { pageSize } = typeof runConsole === 'object' ? runConsole : {};
    const base = basePath ?? '';
    const consoleOptions = { ...runOptions, flows: options.flows, isAdmin, pageSize, apiBasePath: base };
    app.route('/', mountRunConsole({ ...consoleOptions, basePath: consolePath, scoped: !!auth, temporal }));
  }

  app.notFound((c) => c.json(toHttpError(apiError('NOT_FOUND', 'no such route')).body, 404));
  app.onError((err, c) => {
    if (err instanceof HTTPException) return err.getResponse(); // Hono middleware's own 401/413 responses
    const { code, body } = toHttpError(err);
    if (code >= 500) console.error('[genkitx-temporal/http]', err);
    return c.json(body, code as 500);
  });
  return app;
}

/** The request's `data` (Genkit flow-server body `{ data, init? }`); anything else is a 400. */
async function readData(c: Context): Promise<unknown> {
  let body: unknown;
  try {
    const text = await c.req.text();
    body = text.length ? JSON.parse(text) : {};
  } catch {
    throw apiError('INVALID_ARGUMENT', 'request body must be JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw apiError('INVALID_ARGUMENT', 'request body must be an object { "data": … }');
  }
  const extra = Object.keys(body).filter((k) => k !== 'data' && k !== 'init');
  if (extra.length)
    throw apiError('INVALID_ARGUMENT', `unexpected body field(s): ${extra.join(', ')}; send { "data": … }`);
  return (body as { data?: unknown }).data;
}

/** Largest `timeout` of `?wait=true`: Cloud Run's own longest request. */
const MAX_WAIT_TIMEOUT_MS = 3_600_000;

/**
 * The `timeout` of `?wait=true` in ms: seconds (`30`, `2.5`) or with a unit (`500ms`, `30s`, `5m`), up to one
 * hour; the API's default when absent. Anything else is a 400.
 */
function waitTimeoutOf(value: string | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const match = /^(\d{1,7}(?:\.\d{1,3})?)(ms|s|m)?$/.exec(value);
  const ms = match ? Number(match[1]) * (match[2] === 'ms' ? 1 : match[2] === 'm' ? 60_000 : 1000) : NaN;
  if (!(ms > 0 && ms <= MAX_WAIT_TIMEOUT_MS)) {
    throw apiError(
      'INVALID_ARGUMENT',
      '`timeout` must be a duration above 0 and up to 1 hour: seconds (`30`) or with a unit (`500ms`, `30s`, `5m`)',
    );
  }
  return Math.round(ms);
}

/** The ring that verifies approval links, or `undefined` when the route is off (a malformed key throws here). */
function approvalLinkRing(option: FlowApiOptions['approvalLinks']) {
  if (option === false) return undefined;
  const ring = resolveApprovalKeyRing(typeof option === 'object' ? option.keys : undefined);
  if (!ring && option !== undefined) {
    throw new TypeError(`createFlowApi: approvalLinks needs keys (approvalLinks.keys, or ${APPROVAL_KEYS_ENV})`);
  }
  return ring;
}

function scopedKey(key: string, principal: Principal | undefined): string {
  const scope = principal ? principal.id : '';
  return createHash('sha256').update(`${scope}\0${key}`).digest('base64url').slice(0, 32);
}
