// The route behind approval links (`mintApprovalLink`): `GET` shows a confirmation page and changes nothing (mail
// scanners and chat previews fetch links on their own), `POST` from that page applies the link's answer once, through
// `provideFlowInput` like any answer, with the addressee as who answered. Single use holds across API instances and
// restarts because it is read from the run itself: the answer's idempotency key is the link's ID.
import type { Client, WorkflowHandle } from '@temporalio/client';
import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import { provideFlowInput, type FlowRunOptions } from '../../client/flow-runs';
import { answeredBefore, pendingInputsOf } from '../../client/input-gate';
import type { GenkitStatus } from '../../common/genkit-status';
import type { PendingInput } from '../../common/types';
import type { KeyRing } from '../../common/key-ring';
import { verifyApprovalLink, type ApprovalLink, type ApprovalLinkProblem } from '../../identity/approval-link';
import type { FlowApiEnv } from '../auth/principal-auth';
import { requestBodyLimit } from '../body-limit';
import { toHttpError } from '../errors';
import { describeVisibleRun } from '../auth/run-access';

/** Why a link was refused: its own problem, or the run's state. */
export type ApprovalLinkRefusal = ApprovalLinkProblem | 'used' | 'not-pending' | 'ended' | 'not-found';

/** Each refusal's Genkit status (the JSON body's `status`) and HTTP code. */
const REFUSALS: Record<ApprovalLinkRefusal, { status: GenkitStatus; http: number; message: string }> = {
  malformed: { status: 'INVALID_ARGUMENT', http: 400, message: 'This is not a valid approval link.' },
  'unknown-key': {
    status: 'PERMISSION_DENIED',
    http: 403,
    message: 'This link was signed with a key this service no longer accepts. Ask for a new link.',
  },
  mismatch: {
    status: 'PERMISSION_DENIED',
    http: 403,
    message: 'This link was changed after it was issued (its signature does not match). Use the link as you got it.',
  },
  moved: {
    status: 'PERMISSION_DENIED',
    http: 403,
    message: 'This link was issued for another run, another input, or an earlier request for this input.',
  },
  expired: { status: 'FAILED_PRECONDITION', http: 410, message: 'This link has expired. Ask for a new link.' },
  used: { status: 'ALREADY_EXISTS', http: 409, message: 'This link has already been used; its answer was recorded.' },
  'not-pending': {
    status: 'FAILED_PRECONDITION',
    http: 409,
    message: 'The run is not waiting for this answer (it was answered another way, or it has not asked yet).',
  },
  ended: { status: 'FAILED_PRECONDITION', http: 409, message: 'The run has ended; it takes no more answers.' },
  'not-found': { status: 'NOT_FOUND', http: 404, message: 'There is no such run.' },
};

/** @internal What the routes need from the API. */
export interface ApprovalLinkRouteOptions {
  ring: KeyRing;
  flowNames: ReadonlySet<string>;
  client: () => Promise<Client>;
  runOptions: FlowRunOptions;
}

const PATH = '/runs/:id/inputs/:name/links/:token';
const CONTENT_SECURITY_POLICY = "default-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
/** The page's form sends no fields; anything bigger than this is not from it. */
const BODY_LIMIT_BYTES = 1024;

/** @internal The link routes, mounted before the API's auth: the link is the credential. */
export function approvalLinkRoutes(options: ApprovalLinkRouteOptions): Hono<FlowApiEnv> {
  const routes = new Hono<FlowApiEnv>();
  const limit = requestBodyLimit({
    maxSize: BODY_LIMIT_BYTES,
    onError: (c) => refuse(c, 'malformed', 413, 'The request body is too large.'),
  });

  routes.get(PATH, async (c) => {
    const checked = await check(c, options);
    if ('refused' in checked) return refuse(c, checked.refused);
    return page(c, 200, 'Confirm your answer', confirmation(checked.link, checked.pending));
  });

  routes.post(PATH, limit, async (c) => {
    // The page's form (or a chat client's JSON); a form field or text/plain post with other content is not from it.
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded' && type !== 'application/json') {
      return refuse(
        c,
        'malformed',
        415,
        'Send the confirmation form (application/x-www-form-urlencoded) or application/json.',
      );
    }
    const checked = await check(c, options);
    if ('refused' in checked) return refuse(c, checked.refused);
    const { link, handle, pending } = checked;
    const client = await options.client();
    await provideFlowInput(link.workflowId, link.input, link.answer, {
      ...options.runOptions,
      client,
      idempotencyKey: approvalLinkAnswerKey(link),
      answeredBy: { by: link.approver, via: 'approval-link', linkId: link.id },
    });
    // The run ignores a key it took before a continue-as-new (Temporal does not know that Update ID any more):
    // then the same wait is still open.
    const after = await pendingInputsOf(handle, link.input).catch(() => undefined);
    if (after?.some((p) => p.name === link.input && p.requestedAt === pending.requestedAt)) return refuse(c, 'used');
    if (wantsJson(c)) {
      return c.json({
        workflowId: link.workflowId,
        input: link.input,
        decision: link.decision,
        approver: link.approver,
        status: 'APPLIED',
      });
    }
    return page(c, 200, 'Answer recorded', html`<p>Thank you. Your answer “${link.decision}” was recorded.</p>`);
  });

  routes.all(PATH, (c) => {
    c.header('Allow', 'GET, HEAD, POST');
    return refuse(c, 'malformed', 405, 'Open the link (GET) and confirm on its page (POST).');
  });
  routes.onError((err, c) => approvalLinkError(c, err));
  return routes;
}

/** The idempotency key of a link's answer. */
export function approvalLinkAnswerKey(link: Pick<ApprovalLink, 'id'>): string {
  return `approval-link:${link.id}`;
}

/** The verified link with the run's handle and the pending input it answers, or the refusal to send. */
async function check(
  c: Context<FlowApiEnv>,
  options: ApprovalLinkRouteOptions,
): Promise<{ refused: ApprovalLinkRefusal } | { link: ApprovalLink; handle: WorkflowHandle; pending: PendingInput }> {
  const at = { workflowId: c.req.param('id')!, input: c.req.param('name')! };
  const verified = verifyApprovalLink(options.ring, c.req.param('token')!, at);
  if ('problem' in verified) return { refused: verified.problem };
  const { link } = verified;
  const client = await options.client();
  const access = { flowNames: options.flowNames, scoped: false };
  const run = await describeVisibleRun(c, client, link.workflowId, access);
  if (!run) return { refused: 'not-found' };
  if (run.description.status.name !== 'RUNNING') return { refused: 'ended' };
  const handle = client.workflow.getHandle(link.workflowId);
  if (await answeredBefore(handle, link.input, approvalLinkAnswerKey(link))) return { refused: 'used' };
  const pending = (await pendingInputsOf(handle, link.input)).find((p) => p.name === link.input);
  if (!pending) return { refused: 'not-pending' };
  // A link bound to one wait does not answer a later wait for the same name.
  if (link.requestedAt !== undefined && link.requestedAt !== pending.requestedAt) return { refused: 'moved' };
  return { link, handle, pending };
}

function wantsJson(c: Context): boolean {
  const accept = c.req.header('accept') ?? '';
  return /application\/json/i.test(accept) && !/text\/html/i.test(accept);
}

/** The refusal as JSON (`{ status, message, details: { reason } }`) or as a page, with its HTTP code. */
function refuse(
  c: Context,
  reason: ApprovalLinkRefusal,
  http?: number,
  message?: string,
): Response | Promise<Response> {
  const refusal = REFUSALS[reason];
  const code = (http ?? refusal.http) as 400;
  const text = message ?? refusal.message;
  if (wantsJson(c)) return c.json({ status: refusal.status, message: text, details: { reason } }, code);
  return page(c, code, 'This link cannot be used', html`<p data-reason="${reason}">${text}</p>`);
}

function page(c: Context, code: number, title: string, body: unknown): Response | Promise<Response> {
  c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  c.header('X-Robots-Tag', 'noindex');
  return c.html(
    html`<!doctype html>
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="referrer" content="no-referrer" />
          <title>${title}</title>
        </head>
        <body>
          <main>
            <h1>${title}</h1>
            ${body}
          </main>
        </body>
      </html>`,
    code as 200,
  );
}

function confirmation(link: ApprovalLink, pending: PendingInput) {
  const answer = JSON.stringify(link.answer, null, 2);
  return html`<p>
      <strong>${link.approver}</strong>, you are about to answer “${pending.description ?? link.input}” of run
      <code>${link.workflowId}</code> with: <strong>${link.decision}</strong>.
    </p>
    <pre>${answer}</pre>
    <p>The link works once, until ${new Date(link.expiresAt * 1000).toISOString()}.</p>
    <form method="post">
      <input type="hidden" name="confirm" value="${link.decision}" />
      <button type="submit">Confirm: ${link.decision}</button>
    </form>`;
}

/** Errors other than refusals (no worker, Temporal down, a value its schema rejects), with the API's codes. */
function approvalLinkError(c: Context, err: unknown): Response | Promise<Response> {
  const { code, body } = toHttpError(err);
  if (wantsJson(c)) return c.json(body, code as 500);
  return page(c, code, 'This link cannot be used now', html`<p data-status="${body.status}">${body.message}</p>`);
}
