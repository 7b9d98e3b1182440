// Fairness from the caller, on the shared dev server (fairness on, test/global-setup.ts): each front door — the
// HTTP API, a webhook, a callable — starts runs whose fairness key is the verified caller and whose weight comes
// from configuration; the server holds them on the workflow (describe) and the flow's activity task is dispatched
// with them (the activity's own info). A request cannot name another caller's key; a bad priority is a 400.
import { createHmac, randomUUID } from 'node:crypto';
import type { CallableRequest } from 'firebase-functions/v2/https';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { Priority } from '@temporalio/common';
import { getTemporalClient } from '../../src/client/connection';
import { onCallFlow } from '../../src/firebase';
import { bearerTokenAuth, createFlowApi, flowWebhook, githubWebhook } from '../../src/http';
import { fairPriorityFlow } from '../fixtures/fairness-flows';
import { useWorker } from '../helpers/temporal';

const worker = useWorker('fairness');
const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdefgh';
const GITHUB_SECRET = 'fairness-gh-secret';

/** Only the fields that are set (the server answers 0 / '' for unset ones). */
function set(priority: Priority | undefined): Priority {
  return Object.fromEntries(Object.entries(priority ?? {}).filter(([, v]) => v)) as Priority;
}

/** The run's priority as the server holds it, and as its activity task carried it (the flow's result). */
async function priorities(workflowId: string): Promise<{ workflow: Priority; activity: Priority }> {
  const handle = (await getTemporalClient(worker.opts())).workflow.getHandle(workflowId);
  const activity = (await handle.result()) as Priority;
  return { workflow: set((await handle.describe()).priority), activity: set(activity) };
}

function api(options: Partial<Parameters<typeof createFlowApi>[0]> = {}) {
  return createFlowApi({
    ...worker.opts(),
    flows: [fairPriorityFlow],
    auth: bearerTokenAuth({ tokens: { [ALICE]: 'alice', [BOB]: { id: 'bob', claims: { tenant: 'acme' } } } }),
    fairness: { weights: { alice: 2.5 } },
    ...options,
  });
}

async function post(app: Hono<any>, token: string | undefined, body: unknown, query = '') {
  return app.request(`/flows/fairPriorityFlow${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

async function started(res: Response): Promise<string> {
  expect(res.status).toBe(202);
  return ((await res.json()) as { workflowId: string }).workflowId;
}

describe('HTTP API', () => {
  it("keys a run by its caller, with the caller's configured weight, on the workflow and its activity", async () => {
    const id = await started(await post(api(), ALICE, { data: null }));
    const expected = { fairnessKey: 'alice', fairnessWeight: 2.5 };
    expect(await priorities(id)).toEqual({ workflow: expected, activity: expected });
  });

  it('a caller without a configured weight gets the key alone (weight 1 on the server)', async () => {
    const id = await started(await post(api(), BOB, { data: null }));
    const expected = { fairnessKey: 'bob' };
    expect(await priorities(id)).toEqual({ workflow: expected, activity: expected });
  });

  it("a request cannot pick another caller's key: not in the body, the input, the query or a header", async () => {
    const app = api();
    // Beside `data`, the body is refused outright.
    const extra = await post(app, ALICE, { data: null, priority: { fairnessKey: 'bob' } });
    expect(extra.status).toBe(400);
    // In the input, the query or a header, it is the flow's business or nobody's: the key is still the caller's.
    const res = await app.request('/flows/fairPriorityFlow?fairnessKey=bob&fairness_key=bob', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${ALICE}`,
        'x-fairness-key': 'bob',
        'temporal-fairness-key': 'bob',
      },
      body: JSON.stringify({ data: { priority: { fairnessKey: 'bob', fairnessWeight: 1000 }, fairnessKey: 'bob' } }),
    });
    const { workflow, activity } = await priorities(await started(res));
    expect(workflow).toEqual({ fairnessKey: 'alice', fairnessWeight: 2.5 });
    expect(activity).toEqual(workflow);
  });

  it('a request may yield (?priority=5) but not jump ahead of the configured highest; bad values are a 400', async () => {
    const app = api({ fairness: { highestRequestPriority: 2 } });
    const later = await priorities(await started(await post(app, BOB, { data: null }, '?priority=5')));
    expect(later.workflow).toEqual({ priorityKey: 5, fairnessKey: 'bob' });
    expect(later.activity).toEqual(later.workflow);
    const capped = await priorities(await started(await post(app, BOB, { data: null }, '?priority=1')));
    expect(capped.workflow.priorityKey).toBe(2);
    for (const bad of ['0', '6', '2.5', 'high', '-1', '']) {
      const res = await post(app, BOB, { data: null }, `?priority=${bad}`);
      expect(res.status, `?priority=${bad}`).toBe(400);
      expect(JSON.stringify(await res.json())).toContain('`priority`');
    }
  });

  it('a per-flow priority and a claim-derived key (a tenant) come from configuration', async () => {
    const app = api({
      fairness: {
        key: (caller) => (typeof caller.claims?.tenant === 'string' ? `tenant:${caller.claims.tenant}` : caller.id),
        weights: { 'tenant:acme': 4 },
        priorityByFlow: { fairPriorityFlow: 1 },
      },
    });
    const { workflow, activity } = await priorities(await started(await post(app, BOB, { data: null })));
    expect(workflow).toEqual({ priorityKey: 1, fairnessKey: 'tenant:acme', fairnessWeight: 4 });
    expect(activity).toEqual(workflow);
  });

  it('without auth (anonymous callers) runs have no key: they share the unkeyed group', async () => {
    const app = api({ auth: undefined, startOptions: { priority: { priorityKey: 4 } } });
    const { workflow, activity } = await priorities(await started(await post(app, undefined, { data: null })));
    expect(workflow).toEqual({ priorityKey: 4 });
    expect(activity).toEqual(workflow);
  });

  it('fairness: false sets no key (the start options still apply)', async () => {
    const app = api({ fairness: false, startOptions: { priority: { priorityKey: 2 } } });
    const { workflow } = await priorities(await started(await post(app, ALICE, { data: null })));
    expect(workflow).toEqual({ priorityKey: 2 });
  });
});

describe('webhook', () => {
  it("keys the run by its sender's principal, with that key's weight", async () => {
    const app = new Hono();
    app.post(
      '/gh',
      flowWebhook(fairPriorityFlow, {
        ...worker.opts(),
        verify: githubWebhook(GITHUB_SECRET),
        workflowIdPrefix: `fair-${randomUUID().slice(0, 8)}-`,
        toInput: () => null,
        fairness: { weights: { 'webhook:github': 0.5 } },
      }),
    );
    const body = JSON.stringify({ id: randomUUID(), fairnessKey: 'alice' });
    const res = await app.request('/gh', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': `sha256=${createHmac('sha256', GITHUB_SECRET).update(body).digest('hex')}`,
        'x-github-delivery': randomUUID(),
      },
      body,
    });
    const expected = { fairnessKey: 'webhook:github', fairnessWeight: 0.5 };
    expect(await priorities(await started(res))).toEqual({ workflow: expected, activity: expected });
  });
});

describe('callable', () => {
  const request = (uid: string | undefined, data: unknown = null, claims: Record<string, unknown> = {}) =>
    ({
      data,
      auth: uid ? { uid, token: { uid, sub: uid, ...claims } as never, rawToken: 'RAW' } : undefined,
      rawRequest: {} as never,
      acceptsStreaming: false,
    }) as CallableRequest;
  const call = async (fn: unknown, req: CallableRequest) =>
    (
      (await (fn as { run: (r: CallableRequest) => Promise<{ workflowId: string }> }).run(req)) as {
        workflowId: string;
      }
    ).workflowId;

  it("keys the run by the signed-in uid, with the uid's weight and the flow's priority; the data names no key", async () => {
    const fn = onCallFlow(fairPriorityFlow, {
      temporal: worker.opts(),
      startOptions: { priority: { priorityKey: 2, fairnessKey: 'fixed' } },
      fairness: { weights: { 'uid-carol': 7 } },
    });
    const id = await call(fn, request('uid-carol', { priority: { fairnessKey: 'uid-dave' } }));
    const expected = { priorityKey: 2, fairnessKey: 'uid-carol', fairnessWeight: 7 };
    expect(await priorities(id)).toEqual({ workflow: expected, activity: expected });
  });

  it('a signed-out caller (allowSignedOut) gets no key of its own', async () => {
    const fn = onCallFlow(fairPriorityFlow, { temporal: worker.opts(), allowSignedOut: true });
    const { workflow, activity } = await priorities(await call(fn, request(undefined)));
    expect(workflow).toEqual({});
    expect(activity).toEqual({});
  });
});
