// flowWebhook on a real port against the real dev server: a storm of duplicated deliveries starts exactly one
// run per delivery; a captured GitHub or HMAC delivery resent under new delivery IDs starts nothing new within the
// replay window (and starts again after it); forged, stale, oversized and non-JSON deliveries start nothing; a
// delivery answers a waiting run, also one that arrives before the run waits.
import { createHmac, randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { flowRef, getFlowRun, startFlowWorkflow } from '../../src/client';
import { getTemporalClient } from '../../src/client/connection';
import { Webhook } from 'standardwebhooks';
import {
  flowWebhook,
  githubWebhook,
  hmacWebhook,
  standardWebhooks,
  stripeWebhook,
  webhookWorkflowId,
} from '../../src/http';
import { httpApprovalFlow, httpLateApprovalFlow, WebhookEvent } from '../fixtures/http-flows';
import { serveForTests } from '../helpers/http';
import { useWorker, waitFor } from '../helpers/temporal';

const worker = useWorker('webhooks');
const GITHUB_SECRET = 'gh-secret';
const STRIPE_SECRET = 'whsec_test';
const STANDARD_SECRET = `whsec_${Buffer.from('standard-webhooks-secret-bytes').toString('base64')}`;
const run = randomUUID().slice(0, 8);
const stormPrefix = `storm-${run}-`;
const rejectPrefix = `rejected-${run}-`;
const replayPrefix = `replay-${run}-`;
const HMAC_SECRET = 'hmac-secret';
/** Short, so that the test can wait it out; long enough for a resend storm to land inside it. */
const REPLAY_WINDOW_MS = 4000;
// The worker's flow, referred to the way a serverless front door would: by name, with its input schema.
const webhookFlow = flowRef('webhookFlow', { inputSchema: WebhookEvent });
let url: (path: string) => string;

beforeAll(async () => {
  const app = new Hono();
  const common = { ...worker.opts(), bodyLimit: 2048 };
  app.post(
    '/github',
    flowWebhook(webhookFlow, { ...common, verify: githubWebhook(GITHUB_SECRET), workflowIdPrefix: stormPrefix }),
  );
  app.post(
    '/github-rejects',
    flowWebhook(webhookFlow, { ...common, verify: githubWebhook(GITHUB_SECRET), workflowIdPrefix: rejectPrefix }),
  );
  app.post(
    '/stripe',
    flowWebhook(webhookFlow, { ...common, verify: stripeWebhook(STRIPE_SECRET), workflowIdPrefix: rejectPrefix }),
  );
  app.post(
    '/standard',
    flowWebhook(webhookFlow, { ...common, verify: standardWebhooks(STANDARD_SECRET), workflowIdPrefix: rejectPrefix }),
  );
  app.post(
    '/github-replay',
    flowWebhook(webhookFlow, {
      ...common,
      verify: githubWebhook(GITHUB_SECRET),
      workflowIdPrefix: `${replayPrefix}gh-`,
      replayWindowMs: REPLAY_WINDOW_MS,
    }),
  );
  app.post(
    '/hmac-replay',
    flowWebhook(webhookFlow, {
      ...common,
      verify: hmacWebhook({ secret: HMAC_SECRET, header: 'x-signature', deliveryIdHeader: 'x-delivery' }),
      workflowIdPrefix: `${replayPrefix}hmac-`,
      replayWindowMs: REPLAY_WINDOW_MS,
    }),
  );
  app.post(
    '/hmac-timestamped',
    flowWebhook(webhookFlow, {
      ...common,
      verify: hmacWebhook({
        secret: HMAC_SECRET,
        header: 'x-signature',
        deliveryIdHeader: 'x-delivery',
        timestampHeader: 'x-timestamp',
      }),
      workflowIdPrefix: `${replayPrefix}ts-`,
    }),
  );
  app.post('/whoami', flowWebhook(flowRef('httpWhoAmIFlow'), { ...common, verify: githubWebhook(GITHUB_SECRET) }));
  app.post(
    '/approvals',
    flowWebhook(flowRef('httpApprovalFlow'), {
      ...common,
      verify: githubWebhook(GITHUB_SECRET),
      answers: { workflowId: (p) => p.runId, input: 'approval', toValue: (p) => ({ approved: p.approved }) },
    }),
  );
  url = (await serveForTests(app)).url;
});

const client = () => getTemporalClient(worker.opts());
const githubHeaders = (body: string, delivery: string, secret = GITHUB_SECRET) => ({
  'Content-Type': 'application/json',
  'X-GitHub-Delivery': delivery,
  'X-Hub-Signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
});
const send = (path: string, body: string, headers: Record<string, string>) =>
  fetch(url(path), { method: 'POST', headers, body });
const countRuns = async (prefix: string) =>
  (await (await client()).workflow.count(`WorkflowId STARTS_WITH "${prefix}"`)).count;

describe('flowWebhook', () => {
  it('100 deliveries, each sent 3 times concurrently, start exactly 100 runs', async () => {
    const deliveries = Array.from({ length: 100 }, (_, i) => ({
      id: `d-${i}`,
      body: JSON.stringify({ id: `evt-${i}`, type: 'push' }),
    }));
    const responses = await Promise.all(
      deliveries.flatMap((d) =>
        [0, 1, 2].map(() =>
          send('/github', d.body, githubHeaders(d.body, d.id)).then(async (r) => ({
            d,
            status: r.status,
            json: await r.json(),
          })),
        ),
      ),
    );
    expect(responses.filter((r) => r.status !== 202)).toEqual([]);
    const runOf = new Map<string, string>();
    for (const d of deliveries) {
      const ids = new Set(responses.filter((r) => r.d === d).map((r) => r.json.workflowId));
      expect(ids.size).toBe(1);
      runOf.set(d.id, [...ids][0]);
    }
    expect(new Set(runOf.values()).size).toBe(100);
    await waitFor(async () => (await countRuns(stormPrefix)) >= 100, 20_000, '100 runs visible');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await countRuns(stormPrefix)).toBe(100);
    const handle = (await client()).workflow.getHandle(runOf.get('d-7')!);
    expect(await handle.result()).toBe('handled push evt-7');
  }, 120_000);

  it('forged, stale, oversized, non-JSON and invalid deliveries get 401/401/413/400/400 and start nothing', async () => {
    const body = JSON.stringify({ id: 'evt-x', type: 'push' });
    const forged = await send('/github-rejects', body, githubHeaders(body, 'r-1', 'not-the-secret'));
    expect([forged.status, (await forged.json()).status]).toEqual([401, 'UNAUTHENTICATED']);

    const stale = Math.floor(Date.now() / 1000) - 301;
    const stripeSig = createHmac('sha256', STRIPE_SECRET).update(`${stale}.${body}`).digest('hex');
    const staleRes = await send('/stripe', body, {
      'Content-Type': 'application/json',
      'Stripe-Signature': `t=${stale},v1=${stripeSig}`,
    });
    expect(staleRes.status).toBe(401);

    const big = JSON.stringify({ id: 'evt-big', type: 'x'.repeat(4000) });
    expect((await send('/github-rejects', big, githubHeaders(big, 'r-2'))).status).toBe(413);

    const notJson = '{"id": "evt-3", ';
    expect((await send('/github-rejects', notJson, githubHeaders(notJson, 'r-3'))).status).toBe(400);
    // Standard Webhooks too (the kit's API verifier): signed correctly, so not a 401, but not JSON, so a 400.
    const standard = await send('/standard', notJson, {
      'Content-Type': 'application/json',
      'webhook-id': 'r-3s',
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': new Webhook(STANDARD_SECRET).sign('r-3s', new Date(), notJson),
    });
    expect([standard.status, await standard.json()]).toEqual([
      400,
      { status: 'INVALID_ARGUMENT', message: 'webhook body must be JSON' },
    ]);

    const wrongShape = JSON.stringify({ id: 'evt-4' }); // no `type`: the flow's schema rejects it
    const invalid = await send('/github-rejects', wrongShape, githubHeaders(wrongShape, 'r-4'));
    expect([invalid.status, (await invalid.json()).status]).toEqual([400, 'INVALID_ARGUMENT']);

    await new Promise((r) => setTimeout(r, 1500)); // visibility is eventually consistent
    expect(await countRuns(rejectPrefix)).toBe(0);
  });

  it('the flow gets the sender as context.auth in the shape of every front door: { uid, token }', async () => {
    const delivery = `who-${randomUUID()}`;
    const body = JSON.stringify({ id: delivery });
    const res = await send('/whoami', body, githubHeaders(body, delivery));
    expect(res.status).toBe(202);
    const { workflowId } = await res.json();
    const handle = (await client()).workflow.getHandle(workflowId);
    expect(await handle.result()).toEqual({
      says: 'you are webhook:github',
      auth: { uid: 'webhook:github', token: { webhook: 'github', deliveryId: delivery } },
    });
    expect((await handle.describe()).memo?.genkitPrincipal).toBe('webhook:github');
  });

  it('a delivery answers a waiting run', async () => {
    const { workflowId } = await (
      await import('../../src/client/start-flow')
    ).startFlowWorkflow(httpApprovalFlow, 'invoice', worker.opts());
    const handle = (await client()).workflow.getHandle(workflowId);
    await waitFor(async () => (await getFlowRun(workflowId, worker.opts())).status === 'WAITING', 20_000, 'waiting');
    const body = JSON.stringify({ runId: workflowId, approved: true });
    const res = await send('/approvals', body, githubHeaders(body, `approve-${run}`));
    expect(res.status).toBe(202);
    expect(await handle.result()).toBe('invoice: approved');
  });

  it('an answer that arrives before the run waits is kept and delivered when it waits; a concurrent redelivery is accepted too', async () => {
    const { workflowId } = await startFlowWorkflow(
      httpLateApprovalFlow,
      { item: 'chair', delayMs: 1500 },
      worker.opts(),
    );
    const body = JSON.stringify({ runId: workflowId, approved: true });
    const delivery = `early-${run}`;
    const [first, second] = await Promise.all([
      send('/approvals', body, githubHeaders(body, delivery)),
      send('/approvals', body, githubHeaders(body, delivery)),
    ]);
    expect([first.status, second.status]).toEqual([202, 202]);
    const progress = await getFlowRun(workflowId, worker.opts());
    expect(progress.status).toBe('RUNNING'); // still preparing: the answer came first
    expect(await (await client()).workflow.getHandle(workflowId).result()).toBe('chair: approved');
  });
});

describe('flowWebhook: a captured delivery resent under new delivery IDs (schemes that sign no ID)', () => {
  const hmacHeaders = (body: string, delivery: string, timestamp?: string) => ({
    'Content-Type': 'application/json',
    'x-delivery': delivery,
    ...(timestamp !== undefined ? { 'x-timestamp': timestamp } : {}),
    'x-signature': createHmac('sha256', HMAC_SECRET)
      .update(timestamp !== undefined ? `${timestamp}.${body}` : body)
      .digest('hex'),
  });
  const executions = async (workflowId: string) =>
    (await (await client()).workflow.count(`WorkflowId = "${workflowId}"`)).count;
  /** The delivery, then three resends with new delivery IDs, as an attacker who captured it would send them. */
  async function replayed(path: string, body: string, headersFor: (delivery: string) => Record<string, string>) {
    const responses = [];
    for (let i = 0; i < 4; i++) {
      const res = await send(path, body, headersFor(`${i === 0 ? 'genuine' : 'forged'}-${randomUUID()}`));
      responses.push({ status: res.status, json: await res.json() });
    }
    return responses;
  }

  it('GitHub: three resends with new X-GitHub-Delivery IDs join the first run (one run), with its runId', async () => {
    const body = JSON.stringify({ id: `gh-${run}`, type: 'push' });
    const responses = await replayed('/github-replay', body, (d) => githubHeaders(body, d));
    expect(responses.map((r) => r.status)).toEqual([202, 202, 202, 202]);
    const [first, ...resends] = responses.map((r) => r.json);
    for (const resend of resends) expect([resend.workflowId, resend.runId]).toEqual([first.workflowId, first.runId]);
    await new Promise((r) => setTimeout(r, 1000)); // visibility is eventually consistent
    expect(await countRuns(`${replayPrefix}gh-`)).toBe(1);
  });

  it('hmacWebhook: three resends with new x-delivery IDs join the first run; a different body starts its own', async () => {
    const body = JSON.stringify({ id: `hmac-${run}`, type: 'push' });
    const responses = await replayed('/hmac-replay', body, (d) => hmacHeaders(body, d));
    expect(responses.map((r) => r.status)).toEqual([202, 202, 202, 202]);
    expect(new Set(responses.map((r) => r.json.workflowId)).size).toBe(1);

    const other = JSON.stringify({ id: `hmac-${run}`, type: 'pull_request' });
    const res = await send('/hmac-replay', other, hmacHeaders(other, `genuine-${randomUUID()}`));
    expect(res.status).toBe(202);
    const otherRun = (await res.json()).workflowId;
    expect(otherRun).not.toBe(responses[0].json.workflowId);
    expect(await (await client()).workflow.getHandle(otherRun).result()).toBe(`handled pull_request hmac-${run}`);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await countRuns(`${replayPrefix}hmac-`)).toBe(2);
  });

  it('after the replay window the same content starts a new run (and is deduplicated again within the next)', async () => {
    const body = JSON.stringify({ id: `late-${run}`, type: 'push' });
    const first = await (await send('/github-replay', body, githubHeaders(body, `genuine-${randomUUID()}`))).json();
    expect(await (await client()).workflow.getHandle(first.workflowId).result()).toBe(`handled push late-${run}`);
    await new Promise((r) => setTimeout(r, REPLAY_WINDOW_MS + 200));
    const again = await send('/github-replay', body, githubHeaders(body, `later-${randomUUID()}`));
    expect(again.status).toBe(202);
    const second = await again.json();
    expect(second.workflowId).toBe(first.workflowId);
    expect(second.runId).not.toBe(first.runId);
    // Five resends at once within the new window (several API instances would race the same way): that one run.
    const burst = await Promise.all(
      Array.from({ length: 5 }, async () =>
        (await send('/github-replay', body, githubHeaders(body, `later-${randomUUID()}`))).json(),
      ),
    );
    expect(new Set(burst.map((b) => b.runId))).toEqual(new Set([second.runId]));
    await waitFor(async () => (await executions(first.workflowId)) >= 2, 10_000, 'two executions visible');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await executions(first.workflowId)).toBe(2);
  });

  it('five resends racing just after the window start one new run between them', async () => {
    const body = JSON.stringify({ id: `race-${run}`, type: 'push' });
    const first = await (await send('/github-replay', body, githubHeaders(body, `genuine-${randomUUID()}`))).json();
    await (await client()).workflow.getHandle(first.workflowId).result();
    await new Promise((r) => setTimeout(r, REPLAY_WINDOW_MS + 200));
    const racing = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const res = await send('/github-replay', body, githubHeaders(body, `racer-${randomUUID()}`));
        return { status: res.status, ...(await res.json()) };
      }),
    );
    expect(racing.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
    const runIds = new Set(racing.map((r) => r.runId));
    expect(runIds.size).toBe(1);
    expect(runIds.has(first.runId)).toBe(false);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await executions(first.workflowId)).toBe(2);
  });

  it('a redelivery of a delivery started before the upgrade (keyed by its X-GitHub-Delivery) joins that run', async () => {
    const delivery = `legacy-${randomUUID()}`;
    const body = JSON.stringify({ id: delivery, type: 'push' });
    // What the version before content keys started for this delivery.
    const legacy = await startFlowWorkflow(webhookFlow, JSON.parse(body), {
      ...worker.opts(),
      workflowId: webhookWorkflowId(`${replayPrefix}gh-`, delivery),
      idempotencyKey: delivery,
    });
    const res = await send('/github-replay', body, githubHeaders(body, delivery));
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({
      workflowId: legacy.workflowId,
      runId: (legacy as { firstExecutionRunId?: string }).firstExecutionRunId,
    });
    // A header naming no run falls through to the content key: one new run, not one per header.
    const other = await (await send('/github-replay', body, githubHeaders(body, `legacy-${randomUUID()}`))).json();
    expect(other.workflowId).not.toBe(legacy.workflowId);
    expect(other.workflowId).toContain('content-');
  });

  it('a signed timestamp is required and checked when the scheme has one; a resend within the tolerance joins the run', async () => {
    const body = JSON.stringify({ id: `ts-${run}`, type: 'push' });
    const now = String(Math.floor(Date.now() / 1000));
    const missing = await send('/hmac-timestamped', body, hmacHeaders(body, 'ts-0'));
    expect([missing.status, (await missing.json()).status]).toEqual([401, 'UNAUTHENTICATED']);
    const stale = String(Math.floor(Date.now() / 1000) - 301);
    expect((await send('/hmac-timestamped', body, hmacHeaders(body, 'ts-1', stale))).status).toBe(401);
    // A timestamp moved forward without re-signing is a forgery.
    const moved = { ...hmacHeaders(body, 'ts-2', stale), 'x-timestamp': now };
    expect((await send('/hmac-timestamped', body, moved)).status).toBe(401);

    const responses = await replayed('/hmac-timestamped', body, (d) => hmacHeaders(body, d, now));
    expect(responses.map((r) => r.status)).toEqual([202, 202, 202, 202]);
    expect(new Set(responses.map((r) => r.json.workflowId)).size).toBe(1);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await countRuns(`${replayPrefix}ts-`)).toBe(1);
  });
});
