// flowWebhook: a Hono handler that turns a signed webhook delivery into a flow run (or an answer to a waiting
// run). The workflow ID derives from the delivery ID, so redeliveries and concurrent duplicates never start a
// second run; the handler answers 202 as soon as the run is started.
import { createHash } from 'node:crypto';
import type { Context, Handler } from 'hono';
import { startFlowWorkflowWith } from '../client';
import { resolveTemporalConfig } from '../config';
import { flowNameOf, validateFlowInput, type FlowInput, type FlowRef } from '../flow-ref';
import { callerContext } from '../identity/caller-context';
import { provideFlowInput, type FlowRunOptions } from '../flow-runs';
import { requestBodyLimit } from './body-limit';
import { apiError, toHttpError } from './errors';
import type { FlowApiStartOptions } from './flow-api';
import { WebhookSignatureError, type WebhookVerifier } from './webhook-verifiers';

/** Options of `flowWebhook`. */
export interface FlowWebhookOptions<F extends FlowRef> extends FlowRunOptions {
  /** The sender's signature scheme: `standardWebhooks`, `githubWebhook`, `stripeWebhook`, `hmacWebhook`. */
  verify: WebhookVerifier;
  /** The delivery's unique ID. @default the scheme's delivery header, else the payload's `id` */
  deliveryId?: (payload: unknown, c: Context) => string | undefined;
  /** The flow input made from the payload. @default the payload itself */
  toInput?: (payload: any, c: Context) => FlowInput<F> | Promise<FlowInput<F>>;
  /**
   * Answer a waiting run instead of starting one (an approval, a payment event): the run's workflow ID and the
   * input name come from the payload; the same delivery is applied once.
   */
  answers?: {
    workflowId: (payload: any, c: Context) => string | undefined;
    input: string | ((payload: any, c: Context) => string);
    /** @default the payload itself */
    toValue?: (payload: any, c: Context) => unknown;
  };
  /** Largest accepted body in bytes (413 above it). @default 1 MiB */
  bodyLimit?: number;
  /** Applied to every start (task queue, retry, timeouts, …). */
  startOptions?: FlowApiStartOptions;
  /** Workflow ID prefix. @default `<flow name>-webhook-` */
  workflowIdPrefix?: string;
  /**
   * Who the runs act for: their principal and Genkit `context.auth.uid` (`context.auth.token` holds `webhook`,
   * the sender, and `deliveryId`). @default `webhook:<the verifier's sender>`, e.g. `webhook:github`
   */
  principal?: string;
}

/** Longest delivery ID used verbatim in a workflow ID; longer or unusual ones are hashed. */
const MAX_VERBATIM_ID = 128;

/** The workflow ID of a delivery: bounded length, a safe character set, and stable across redeliveries. */
export function webhookWorkflowId(prefix: string, deliveryId: string): string {
  const verbatim = deliveryId.length <= MAX_VERBATIM_ID && /^[A-Za-z0-9._:@-]+$/.test(deliveryId);
  const id = verbatim ? deliveryId : `sha256-${createHash('sha256').update(deliveryId).digest('base64url')}`;
  const full = `${prefix}${id}`;
  return full.length <= 255 ? full : `sha256-${createHash('sha256').update(full).digest('base64url')}`;
}

/**
 * A Hono handler for a signed webhook that starts `flow` with the delivery as input (202 `{ workflowId }`).
 * Forged or stale signature → 401, oversized → 413, invalid JSON or input → 400; nothing starts in those cases.
 * The run's principal and Genkit `context.auth.uid` are `webhook:<sender>` (`principal` changes it).
 *
 * @example
 * ```ts
 * const app = new Hono();
 * app.post('/hooks/github', flowWebhook(flowRef('triageFlow'), {
 *   verify: githubWebhook(process.env.GITHUB_WEBHOOK_SECRET!),
 *   toInput: (event) => ({ issue: event.issue.number, title: event.issue.title }),
 * }));
 * ```
 */
export function flowWebhook<F extends FlowRef>(flow: F, options: FlowWebhookOptions<F>): Handler {
  const flowName = flowNameOf(flow);
  const prefix = options.workflowIdPrefix ?? `${flowName}-webhook-`;
  const {
    verify,
    deliveryId,
    toInput,
    answers,
    bodyLimit: maxSize,
    startOptions,
    workflowIdPrefix: _p,
    principal: givenPrincipal,
    ...rest
  } = options;
  const sender = verify.sender ?? 'webhook';
  const principal = givenPrincipal ?? `webhook:${sender}`;
  const runOptions: FlowRunOptions = rest;
  // Resolved once per handler, not per delivery (as in createFlowApi): the resolution reads the environment and the
  // profile file.
  const startConfig = resolveTemporalConfig({ ...runOptions, ...startOptions });
  const limit = requestBodyLimit({
    maxSize: maxSize ?? 1024 * 1024,
    onError: (c) => c.json(toHttpError(apiError('INVALID_ARGUMENT', 'request body too large')).body, 413),
  });

  async function handle(c: Context): Promise<Response> {
    const raw = Buffer.from(await c.req.arrayBuffer());
    let verified;
    try {
      verified = await verify.verify(raw, c.req.raw.headers);
    } catch (err) {
      if (err instanceof WebhookSignatureError) throw apiError('UNAUTHENTICATED', `webhook rejected: ${err.message}`);
      throw err;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      throw apiError('INVALID_ARGUMENT', 'webhook body must be JSON');
    }
    const id = deliveryId?.(payload, c) ?? verified.deliveryId ?? payloadId(payload);
    if (!id) throw apiError('INVALID_ARGUMENT', 'webhook delivery has no delivery ID');

    if (answers) {
      const workflowId = answers.workflowId(payload, c);
      if (!workflowId) throw apiError('INVALID_ARGUMENT', 'webhook payload names no run to answer');
      const input = typeof answers.input === 'string' ? answers.input : answers.input(payload, c);
      const value = answers.toValue ? answers.toValue(payload, c) : payload;
      await provideFlowInput(workflowId, input, value, { ...runOptions, idempotencyKey: `webhook:${id}` });
      return c.json({ workflowId, input, deliveryId: id }, 202);
    }

    const input = toInput ? await toInput(payload, c) : (payload as FlowInput<F>);
    await validateFlowInput(flow, input);
    const handle = await startFlowWorkflowWith(startConfig, flow, input, {
      ...runOptions,
      ...startOptions,
      workflowId: webhookWorkflowId(prefix, id),
      idempotencyKey: id,
      // The sender, as every front door gives its caller to the flow: `context.auth` is `{ uid, token }`.
      principal,
      context: callerContext(principal, { webhook: sender, deliveryId: id }),
    });
    return c.json(
      {
        workflowId: handle.workflowId,
        runId: (handle as { firstExecutionRunId?: string }).firstExecutionRunId,
        deliveryId: id,
      },
      202,
    );
  }

  return async (c) => {
    try {
      let response: Response | undefined;
      const limited = await limit(c, async () => {
        response = await handle(c);
      });
      return (limited as Response | undefined) ?? response!;
    } catch (err) {
      const { code, body } = toHttpError(err);
      if (code >= 500) console.error('[genkitx-temporal/webhook]', err);
      return c.json(body, code as 500);
    }
  };
}

function payloadId(payload: unknown): string | undefined {
  const id = (payload as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id ? id : undefined;
}
