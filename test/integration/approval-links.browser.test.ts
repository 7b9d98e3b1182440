// An approval link opened by a person in real headless Chromium (Debian's chromium, driven by playwright-core)
// against the flow API, a real worker and the real dev server: the page shows what will be answered and answers
// nothing; its button (the page's own form, under its Content-Security-Policy) applies the answer once; opening the
// link again says it was used.
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getFlowRun } from '../../src/client/flow-runs';
import { getTemporalClient } from '../../src/client/connection';
import { bearerTokenAuth, createFlowApi, mintApprovalLink } from '../../src/http';
import { journalQuery } from '../../src/workflows/messages';
import { linkApprovalFlow } from '../fixtures/approval-link-flows';
import { browserUnavailable, launchChromium } from '../helpers/browser';
import { serveForTests } from '../helpers/http';
import { useWorker, waitFor } from '../helpers/temporal';
import { describeWithTool } from '../helpers/tools';

const worker = useWorker('approval-links-browser');
const keys = [{ id: 'k1', key: randomBytes(32).toString('base64') }];
const token = 'alice-token-ab12cd34';
const skipReason = browserUnavailable();
let url: (path: string) => string;
let browser: Browser | undefined;

beforeAll(async () => {
  const app = createFlowApi({
    ...worker.opts(),
    flows: [linkApprovalFlow],
    auth: bearerTokenAuth({ tokens: { [token]: 'alice' } }),
    approvalLinks: { keys },
  });
  url = (await serveForTests(app)).url;
  if (!skipReason) browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describeWithTool('Chromium', skipReason)('approval link in Chromium', { timeout: 90_000 }, () => {
  it('opening the link answers nothing; its Confirm button answers once; opening it again says it was used', async () => {
    const started = await fetch(url('/flows/linkApprovalFlow'), {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: 'sofa' }),
    });
    const { workflowId } = (await started.json()) as { workflowId: string };
    const first = await waitFor(
      async () => (await getFlowRun(workflowId, worker.opts())).pendingInputs[0],
      30_000,
      'the run to wait',
    );
    const link = mintApprovalLink({
      apiUrl: url(''),
      workflowId,
      input: 'approval',
      decision: 'approve',
      answer: { approved: true },
      approver: 'ana@example.com',
      keys,
    });
    const client = await getTemporalClient(worker.opts());
    const inputs = async () =>
      (await client.workflow.getHandle(workflowId).query(journalQuery)).filter((e) => e.kind === 'input');

    const page = await browser!.newPage();
    const violations: string[] = [];
    page.on('console', (m) => m.type() === 'error' && violations.push(m.text()));
    await page.goto(link.url);
    await expect(page.getByRole('heading', { name: 'Confirm your answer' }).isVisible()).resolves.toBe(true);
    expect(await page.textContent('body')).toContain('Refund sofa?');
    expect(await inputs()).toEqual([]);
    expect((await getFlowRun(workflowId, worker.opts())).pendingInputs[0]?.requestedAt).toBe(first.requestedAt);

    await page.getByRole('button', { name: 'Confirm: approve' }).click();
    await page.getByRole('heading', { name: 'Answer recorded' }).waitFor();
    expect(violations).toEqual([]); // no CSP or other console error on the way
    expect((await inputs()).map((e) => e.answeredBy)).toEqual([
      { by: 'ana@example.com', via: 'approval-link', linkId: link.id },
    ]);

    // Opened again (a second click in the mail): refused as used, and nothing more is answered.
    await page.goto(link.url);
    expect(await page.textContent('body')).toContain('already been used');
    expect(await page.locator('[data-reason="used"]').count()).toBe(1);
    expect(await inputs()).toHaveLength(1);
    await page.close();
  });
});
