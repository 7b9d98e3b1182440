// flowWebhook: a Hono handler that turns a signed webhook delivery into a flow run (or an answer to a waiting
// run). The workflow ID derives from what the signature covers — the signed delivery ID, the body's event ID, or
// for schemes that sign no ID the signed content itself — so redeliveries, concurrent duplicates and resends of a
// captured delivery under a new delivery-ID header never start a second run; the handler answers 202 as soon as
// the run is started.
import { createHash } from 'node:crypto';
import type { Context, Handler } from 'hono';
import { WorkflowNotFoundError } from '@temporalio/client';
import { startFlowWorkflowWith } from '../../client/start-flow';
import { clientFor } from '../../client/connection';
import { frontDoorTemporal } from '../../client/front-door';
import type { FairnessOptions } from '../../client/fairness';
import { resolveTemporalConfig } from '../../client/config';
import { DEFAULT_BODY_LIMIT_BYTES, DEFAULT_WEBHOOK_REPLAY_WINDOW_MS } from '../../common/defaults';
import { flowNameOf, validateFlowInput, type FlowInput, type FlowRef } from '../../client/flow-ref';
import { callerContext } from '../../identity/caller-context';
import { provideFlowInput, type FlowRunOptions } from '../../client/flow-runs';
import { requestBodyLimit } from '../body-limit';
import { apiError, toHttpError } from '../errors';
import type { FlowApiStartOptions } from '../api/flow-api';
import { WebhookSignatureError, type VerifiedDelivery, type WebhookVerifier } from './verifiers';

/** Options of `flowWebhook`. */
export interface FlowWebhookOptions<F extends FlowRef> extends FlowRunOptions {
  /** The sender's signature scheme: `standardWebhooks`, `githubWebhook`, `stripeWebhook`, `hmacWebhook`. */
  verify: WebhookVerifier;
  /**
   * The delivery's unique ID, which keys its run. Take it from the payload (the signed body): an ID from a header
   * the signature does not cover lets a captured delivery be replayed under new IDs. @default what the scheme
   * signs: Standard Webhooks' `webhook-id`, Stripe's event `id`, and for GitHub and `hmacWebhook` (which sign no ID)
   * the signed content itself, within `replayWindowMs`
   */
  deliveryId?: (payload: unknown, c: Context) => string | undefined;
  /**
   * For schemes that sign no delivery ID (GitHub, `hmacWebhook`): for how long a delivery whose signed content
   * (body, and timestamp when signed) equals an earlier one's is that delivery again and starts nothing (202 with
   * the first run). Measured from the start of the first run, and a run still going holds its content however
   * old; after the window (or after the namespace's retention removed the closed run) the same content starts a new
   * run. Several API instances agree: the content names the workflow ID. @default 259200000 (3 days)
   */
  replayWindowMs?: number;
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
  /**
   * The runs' fairness key is their principal (or `fairness.key` of it): a flood from one sender shares the
   * workers with other callers' runs. `false`: no key. See `createFlowApi`'s `fairness` and docs/fairness.md.
   */
  fairness?: FairnessOptions | false;
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
    replayWindowMs,
    fairness,
    ...rest
  } = options;
  const replayWindow = replayWindowMs ?? DEFAULT_WEBHOOK_REPLAY_WINDOW_MS;
  if (!(Number.isFinite(replayWindow) && replayWindow > 0)) {
    throw new TypeError(`flowWebhook: replayWindowMs must be a number of milliseconds above 0, got ${replayWindowMs}`);
  }
  const sender = verify.sender ?? 'webhook';
  const principal = givenPrincipal ?? `webhook:${sender}`;
  const runOptions: FlowRunOptions = rest;
  // Resolved once per handler, here, and passed down (src/client/front-door.ts), as in createFlowApi. Starts resolve
  // with the start options over the run options, as `startFlowWorkflow` does.
  const temporal = frontDoorTemporal(runOptions, { fairness });
  const startConfig = startOptions ? resolveTemporalConfig({ ...runOptions, ...startOptions }) : temporal.config;
  const limit = requestBodyLimit({
    maxSize: maxSize ?? DEFAULT_BODY_LIMIT_BYTES,
    onError: (c) => c.json(toHttpError(apiError('INVALID_ARGUMENT', 'request body too large')).body, 413),
  });

  /** The run a delivery started under its header's ID (before runs were keyed by content), if there is one. */
  async function headerKeyedRun(headerId: string): Promise<{ workflowId: string; runId: string } | undefined> {
    const client = runOptions.client ?? (await clientFor(startConfig));
    const workflowId = webhookWorkflowId(prefix, headerId);
    try {
      const { raw, runId } = await client.workflow.getHandle(workflowId).describe();
      return { workflowId, runId: raw.workflowExecutionInfo?.firstRunId || runId };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

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
    const given = deliveryId?.(payload, c);
    const key = given ?? runKeyOf(verified, raw, payload);
    if (!key) throw apiError('INVALID_ARGUMENT', 'webhook delivery has no delivery ID');
    // The delivery's own name for itself (given to the flow); its run is keyed by `key`.
    const id = given ?? verified.deliveryId ?? key;
    const keyedByContent = given === undefined && verified.key === 'content';

    if (answers) {
      const workflowId = answers.workflowId(payload, c);
      if (!workflowId) throw apiError('INVALID_ARGUMENT', 'webhook payload names no run to answer');
      const input = typeof answers.input === 'string' ? answers.input : answers.input(payload, c);
      const value = answers.toValue ? answers.toValue(payload, c) : payload;
      await provideFlowInput(workflowId, input, value, {
        ...runOptions,
        client: await temporal.client(),
        idempotencyKey: `webhook:${key}`,
      });
      return c.json({ workflowId, input, deliveryId: id }, 202);
    }

    const input = toInput ? await toInput(payload, c) : (payload as FlowInput<F>);
    await validateFlowInput(flow, input, startConfig);
    // A redelivery of a delivery that a version keyed by its delivery-ID header started joins that run (nothing
    // new: a header that names no run falls through to the content key).
    const earlier = keyedByContent && verified.deliveryId ? await headerKeyedRun(verified.deliveryId) : undefined;
    if (earlier) return c.json({ ...earlier, deliveryId: id }, 202);
    const handle = await startFlowWorkflowWith(
      startConfig,
      flow,
      input,
      {
        ...runOptions,
        ...startOptions,
        workflowId: webhookWorkflowId(prefix, key),
        idempotencyKey: key,
        // The sender, as every front door gives its caller to the flow: `context.auth` is `{ uid, token }`.
        principal,
        context: callerContext(principal, { webhook: sender, deliveryId: id }),
        priority: temporal.fairness.priorityFor({ id: principal }, flowName, startOptions?.priority),
      },
      // Content keys hold for the window only: the same content later is a new event (or a replay we accept).
      keyedByContent ? { reuseClosedAfterMs: replayWindow } : {},
    );
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

/**
 * The key of a delivery's run: what the signature covers. For `'content'`, a hash of the signed bytes (timestamp and
 * body): a resend under a new delivery-ID header has the same key.
 */
function runKeyOf(verified: VerifiedDelivery, raw: Buffer, payload: unknown): string | undefined {
  if (verified.key === 'content') {
    const hash = createHash('sha256');
    if (verified.timestamp !== undefined) hash.update(`${verified.timestamp}.`);
    return `content-${hash.update(raw).digest('hex')}`;
  }
  if (verified.key === 'payload-id') return payloadId(payload);
  return verified.deliveryId ?? payloadId(payload);
}

function payloadId(payload: unknown): string | undefined {
  const id = (payload as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id ? id : undefined;
}
