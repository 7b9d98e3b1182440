// Approval links against the real dev server and the real API on a port: opening a link changes nothing, its form
// applies the answer once (journaled with the addressee), and replayed, expired, edited, moved and foreign links are
// refused without touching the run — also by another API instance, since single use is read from the run itself.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { getFlowRun } from '../../src/client/flow-runs';
import { getTemporalClient } from '../../src/client/connection';
import type { JournalEntry, PendingInput } from '../../src/common/types';
import { bearerTokenAuth, createFlowApi, mintApprovalLink, type MintApprovalLinkOptions } from '../../src/http';
import { journalQuery } from '../../src/workflows/messages';
import { linkApprovalFlow } from '../fixtures/approval-link-flows';
import { serveForTests } from '../helpers/http';
import { useWorker, waitFor } from '../helpers/temporal';

const worker = useWorker('approval-links');
const k1 = { id: 'k1', key: randomBytes(32).toString('base64') };
const k2 = { id: 'k2', key: randomBytes(32).toString('base64') };
const token = 'alice-token-ab12cd34';
const apiOptions = () => ({
  ...worker.opts(),
  flows: [linkApprovalFlow],
  auth: bearerTokenAuth({ tokens: { [token]: 'alice' } }),
  approvalLinks: { keys: [k1] },
  console: true,
});
let url: (path: string) => string;

beforeAll(async () => {
  url = (await serveForTests(createFlowApi(apiOptions()))).url;
});

const asJson = { Accept: 'application/json' };
/** What the confirmation page's form sends. */
const confirm = (link: string, headers: Record<string, string> = {}) =>
  fetch(link, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: 'confirm=approve',
  });
const reasonOf = async (res: Response) => ((await res.json()) as { details?: { reason?: string } }).details?.reason;

async function pendingOf(workflowId: string): Promise<PendingInput | undefined> {
  return (await getFlowRun(workflowId, worker.opts())).pendingInputs[0];
}
async function inputEntries(workflowId: string): Promise<JournalEntry[]> {
  const client = await getTemporalClient(worker.opts());
  return (await client.workflow.getHandle(workflowId).query(journalQuery)).filter((e) => e.kind === 'input');
}

/** A run of the flow started over the API, once it waits for its first approval. */
async function parkedRun(item: string): Promise<{ workflowId: string; pending: PendingInput }> {
  const res = await fetch(url('/flows/linkApprovalFlow'), {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ data: item }),
  });
  expect(res.status).toBe(202);
  const { workflowId } = (await res.json()) as { workflowId: string };
  const pending = await waitFor(() => pendingOf(workflowId), 30_000, `${item} to wait for approval`);
  return { workflowId, pending };
}

const mint = (workflowId: string, more: Partial<MintApprovalLinkOptions> = {}) =>
  mintApprovalLink({
    apiUrl: url(''),
    workflowId,
    input: 'approval',
    decision: 'approve',
    answer: { approved: true },
    approver: 'ana@example.com',
    keys: [k1],
    ...more,
  });

describe('approval links', () => {
  it('GET shows a confirmation page and changes nothing; POST applies once; every later use is refused', async () => {
    const { workflowId, pending } = await parkedRun('chair');
    const link = mint(workflowId);

    // What a mail scanner does: fetch the link (twice, and HEAD). The run goes on waiting for the same wait.
    for (const method of ['GET', 'GET', 'HEAD']) {
      const page = await fetch(link.url, { method });
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.headers.get('content-security-policy')).toContain("form-action 'self'");
      if (method === 'GET') {
        const text = await page.text();
        expect(text).toContain('<form method="post">');
        expect(text).toContain('ana@example.com');
        expect(text).toContain('Refund chair?');
      }
    }
    expect((await pendingOf(workflowId))?.requestedAt).toBe(pending.requestedAt);
    expect(await inputEntries(workflowId)).toEqual([]);

    // The person confirms on the page: applied, with the addressee journaled as who answered.
    const applied = await confirm(link.url, { Origin: new URL(link.url).origin });
    expect(applied.status).toBe(200);
    expect(await applied.text()).toContain('Your answer “approve” was recorded');
    const second = await waitFor(
      async () => {
        const p = await pendingOf(workflowId);
        return p && p.requestedAt !== pending.requestedAt ? p : undefined;
      },
      30_000,
      'the second wait',
    );
    const answeredOnce = [
      {
        key: expect.any(String),
        kind: 'input',
        name: 'approval',
        output: { approved: true },
        answeredBy: { by: 'ana@example.com', via: 'approval-link', linkId: link.id },
      },
    ];
    expect(await inputEntries(workflowId)).toEqual(answeredOnce);

    // Replayed while the run waits for the same input again: refused, here and by an API instance that never saw
    // the link (what it knows comes from the run), as a page or as JSON. The second wait stays open.
    const replayed = await confirm(link.url);
    expect(replayed.status).toBe(409);
    expect(await replayed.text()).toContain('data-reason="used"');
    const otherInstance = createFlowApi(apiOptions());
    const path = new URL(link.url).pathname;
    const elsewhere = await otherInstance.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...asJson },
      body: '',
    });
    expect(elsewhere.status).toBe(409);
    expect(await elsewhere.json()).toMatchObject({ status: 'ALREADY_EXISTS', details: { reason: 'used' } });
    const reopened = await fetch(link.url, { headers: asJson });
    expect([reopened.status, await reasonOf(reopened)]).toEqual([409, 'used']);
    expect((await pendingOf(workflowId))?.requestedAt).toBe(second.requestedAt);
    expect(await inputEntries(workflowId)).toEqual(answeredOnce);

    // A link bound to the first wait does not answer the second; one bound to the second does.
    const stale = mint(workflowId, { requestedAt: pending.requestedAt, decision: 'deny', answer: { approved: false } });
    const refusedStale = await confirm(stale.url, asJson);
    expect([refusedStale.status, await reasonOf(refusedStale)]).toEqual([403, 'moved']);
    const bound = mint(workflowId, {
      requestedAt: second.requestedAt,
      decision: 'deny',
      answer: { approved: false },
      approver: 'bob@example.com',
    });
    expect((await confirm(bound.url, asJson)).status).toBe(200);
    const client = await getTemporalClient(worker.opts());
    expect(await client.workflow.getHandle(workflowId).result()).toEqual({ first: true, second: false });
    const entries = await inputEntries(workflowId);
    expect(entries.map((e) => [e.output, e.answeredBy?.by, e.answeredBy?.linkId])).toEqual([
      [{ approved: true }, 'ana@example.com', link.id],
      [{ approved: false }, 'bob@example.com', bound.id],
    ]);

    // The run console says who answered each input.
    const consolePage = await fetch(url(`/console/runs/${encodeURIComponent(workflowId)}`), {
      headers: { Authorization: `Bearer ${token}` },
    });
    const consoleText = await consolePage.text();
    expect(consoleText).toContain('by ana@example.com (approval link)');
    expect(consoleText).toContain('by bob@example.com (approval link)');

    // After the run: refused as ended.
    const late = await confirm(link.url, asJson);
    expect([late.status, await reasonOf(late)]).toEqual([409, 'ended']);
  });

  it('refuses edited, moved, expired, foreign and malformed links, wrong methods and content types, changing nothing', async () => {
    const a = await parkedRun('table');
    const b = await parkedRun('lamp');
    const link = mint(a.workflowId);
    const [body, mac] = link.token.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    const reencoded = (change: Record<string, unknown>) =>
      `${Buffer.from(JSON.stringify({ ...payload, ...change })).toString('base64url')}.${mac}`;
    const at = (workflowId: string, input: string, t: string) =>
      url(`/runs/${encodeURIComponent(workflowId)}/inputs/${encodeURIComponent(input)}/links/${t}`);

    const cases: [string, string, number, string][] = [
      ['edited answer', at(a.workflowId, 'approval', reencoded({ a: { approved: false } })), 403, 'mismatch'],
      ['edited expiry', at(a.workflowId, 'approval', reencoded({ exp: payload.exp + 86_400 })), 403, 'mismatch'],
      ['edited approver', at(a.workflowId, 'approval', reencoded({ to: 'mallory@example.com' })), 403, 'mismatch'],
      ['edited run', at(b.workflowId, 'approval', reencoded({ wf: b.workflowId })), 403, 'mismatch'],
      ['moved to run B', at(b.workflowId, 'approval', link.token), 403, 'moved'],
      ['moved to another input', at(a.workflowId, 'interrupt:pay', link.token), 403, 'moved'],
      [
        'expired',
        mint(a.workflowId, { now: () => Date.now() - 7_200_000, expiresInSeconds: 3600 }).url,
        410,
        'expired',
      ],
      ['unknown key', mint(a.workflowId, { keys: [k2] }).url, 403, 'unknown-key'],
      ['malformed', at(a.workflowId, 'approval', 'not-a-token'), 400, 'malformed'],
    ];
    for (const [what, link, status, reason] of cases) {
      for (const method of ['GET', 'POST'] as const) {
        const res = method === 'GET' ? await fetch(link, { headers: asJson }) : await confirm(link, asJson);
        expect([what, method, res.status, await reasonOf(res)]).toEqual([what, method, status, reason]);
      }
    }
    // As a page for a person: the same code, the reason in the markup.
    const page = await confirm(at(b.workflowId, 'approval', link.token));
    expect(page.status).toBe(403);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('data-reason="moved"');

    // Wrong method, wrong content type, another site's form: nothing applied.
    const put = await fetch(link.url, { method: 'PUT', headers: asJson });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
    const textPost = await fetch(link.url, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' });
    expect(textPost.status).toBe(415);
    expect((await confirm(link.url, { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' })).status).toBe(
      403,
    );

    for (const run of [a, b]) {
      expect((await pendingOf(run.workflowId))?.requestedAt).toBe(run.pending.requestedAt);
      expect(await inputEntries(run.workflowId)).toEqual([]);
    }
    // The genuine link still works after all that.
    expect((await confirm(link.url, asJson)).status).toBe(200);
    expect(await inputEntries(a.workflowId)).toHaveLength(1);
  });

  it('answers through the API record the caller as who answered', async () => {
    const { workflowId } = await parkedRun('rug');
    const res = await fetch(url(`/runs/${workflowId}/inputs/approval`), {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: { approved: true } }),
    });
    expect(res.status).toBe(200);
    expect((await inputEntries(workflowId))[0]?.answeredBy).toEqual({ by: 'alice', via: 'api' });
  });

  it('without keys the route does not exist, and a key given as approvalLinks must parse', async () => {
    const { approvalLinks: _keys, ...noLinks } = apiOptions();
    const api = createFlowApi({ ...noLinks, approvalLinks: false });
    const path = new URL(mint('any').url).pathname;
    expect((await api.request(path, { headers: asJson })).status).toBe(401); // behind auth like any other path
    expect(() => createFlowApi({ ...noLinks, approvalLinks: { keys: 'k:short' } })).toThrow(/at least 32/);
  });
});
