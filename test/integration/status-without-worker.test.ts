// Status while no worker polls the run's task queue (a rollout, a scale-to-zero): getFlowRun, GET /runs/:id, the
// callable and the console pages answer within 1 s with what Temporal itself knows (status, flow, principal, a
// closed run's result or error) and `progressUnavailable`, instead of holding the request ~30 s for a query no
// worker takes; `?wait=true` gives up after its `timeout` with the 202 and the run's links, and the run goes on.
import { runFlow } from 'genkit/beta/client';
import type { CallableRequest } from 'firebase-functions/v2/https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFlowWorkflow } from '../../src/client/start-flow';
import { closeTemporalClients, getTemporalClient } from '../../src/client/connection';
import { PROGRESS_QUERY_TIMEOUT_MS } from '../../src/common/defaults';
import { onCallFlowRun } from '../../src/firebase';
import { getFlowRun } from '../../src/client/flow-runs';
import { bearerTokenAuth, createFlowApi } from '../../src/http';
import { httpApprovalFlow, httpFailFlow, httpGreetFlow } from '../fixtures/http-flows';
import { serveForTests } from '../helpers/http';
import { address, namespace, startWorker, uniqueTaskQueue, waitFor } from '../helpers/temporal';

/** The promise of this file: a status read without a worker answers within this. */
const BOUND_MS = 1_000;
/**
 * How a read says no worker answered: none within the budget, or (once the queue has had no poller for a while)
 * the server's own answer that none polls it.
 */
const NO_WORKER = expect.stringMatching(/^(DEADLINE_EXCEEDED|UNAVAILABLE)$/);

// No worker ever polls `idle`; `gone` had one, which ended its runs (or left one waiting) and shut down.
const idle = uniqueTaskQueue('no-worker');
const gone = uniqueTaskQueue('worker-gone');
const opts = (taskQueue: string) => ({ address: address(), namespace: namespace(), taskQueue });
const flows = [httpApprovalFlow, httpFailFlow, httpGreetFlow];
const as = { Authorization: 'Bearer alice-token-0123456789' };
let url: (path: string) => string;
/** Runs of `gone`, settled while its worker was up: one waiting for input, one completed, one failed. */
let waiting: string, completed: string, failed: string;

beforeAll(async () => {
  const auth = bearerTokenAuth({ tokens: { 'alice-token-0123456789': 'alice' } });
  const api = createFlowApi({ ...opts(idle), flows, auth, console: true });
  url = (await serveForTests(api)).url;

  const worker = await startWorker(gone);
  const start = (flow: Parameters<typeof startFlowWorkflow>[0], input: unknown) =>
    startFlowWorkflow(flow, input as never, { ...opts(gone), principal: 'alice' });
  const [w, c, f] = await Promise.all([
    start(httpApprovalFlow, 'invoice'),
    start(httpGreetFlow, { name: 'ada' }),
    start(httpFailFlow, 'closed'),
  ]);
  await c.result();
  await f.result().catch(() => undefined);
  await waitFor(async () => (await getFlowRun(w.workflowId, opts(gone))).status === 'WAITING', 20_000, 'the wait');
  [waiting, completed, failed] = [w.workflowId, c.workflowId, f.workflowId];
  await worker.shutdown();
}, 120_000);
afterAll(() => closeTemporalClients());

/** Runs `fn` and returns its value with how long it took. */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: Math.round(performance.now() - started) };
}

const getRun = (workflowId: string) =>
  timed(async () => {
    const res = await fetch(url(`/runs/${encodeURIComponent(workflowId)}`), { headers: as });
    return { status: res.status, body: await res.json() };
  });

describe('status without a worker', () => {
  it('getFlowRun: a run no worker ever took is RUNNING, with its flow and principal, progress unavailable', async () => {
    const handle = await startFlowWorkflow(httpApprovalFlow, 'nobody', { ...opts(idle), principal: 'carol' });
    const { value: run, ms } = await timed(() => getFlowRun(handle.workflowId, opts(idle)));
    console.log(`[status] getFlowRun with no worker: ${ms} ms`);
    expect(ms).toBeLessThan(BOUND_MS);
    // Waiting, it gave a worker the whole budget.
    if (run.progressUnavailable?.status === 'DEADLINE_EXCEEDED') {
      expect(ms).toBeGreaterThanOrEqual(PROGRESS_QUERY_TIMEOUT_MS - 50);
    }
    expect(run).toMatchObject({
      workflowId: handle.workflowId,
      status: 'RUNNING',
      flowName: 'httpApprovalFlow',
      principal: 'carol',
      pendingInputs: [],
      progressUnavailable: { status: NO_WORKER, message: expect.stringContaining('no worker') },
    });
    expect(run.progress).toBeUndefined();
    await handle.terminate();
  });

  it('GET /runs/:id: a waiting run whose worker is gone (a rollout) answers at once, without progress', async () => {
    const { value, ms } = await getRun(waiting);
    console.log(`[status] GET /runs/:id, worker gone: ${ms} ms`);
    expect(ms).toBeLessThan(BOUND_MS);
    expect(value.status).toBe(200);
    expect(value.body).toMatchObject({
      workflowId: waiting,
      flowName: 'httpApprovalFlow',
      status: 'RUNNING', // WAITING needs the run to say so
      pendingInputs: [],
      progressUnavailable: { status: NO_WORKER },
    });
    expect(value.body).not.toHaveProperty('progress');
  });

  it("GET /runs/:id: a closed run's result and error come from history, without a worker", async () => {
    const done = await getRun(completed);
    expect(done.ms).toBeLessThan(BOUND_MS);
    expect(done.value.body).toMatchObject({ status: 'COMPLETED', result: 'hello ada', flowName: 'httpGreetFlow' });
    const bad = await getRun(failed);
    expect(bad.ms).toBeLessThan(BOUND_MS);
    expect(bad.value.body).toMatchObject({
      status: 'FAILED',
      error: { status: 'FAILED_PRECONDITION', message: 'nope: closed' },
    });
    console.log(`[status] GET /runs/:id of closed runs, no worker: ${done.ms} ms, ${bad.ms} ms`);
  });

  it('the callable (onCallFlowRun get) answers within the bound too', async () => {
    const runs = onCallFlowRun({ temporal: opts(idle) });
    const request = (workflowId: string) =>
      ({
        data: { action: 'get', workflowId },
        auth: { uid: 'alice', token: { uid: 'alice', sub: 'alice' }, rawToken: 'RAW' },
        rawRequest: {},
        acceptsStreaming: false,
      }) as unknown as CallableRequest;
    const call = (workflowId: string) =>
      timed(() => (runs as unknown as { run: (r: CallableRequest) => Promise<any> }).run(request(workflowId)));
    const open = await call(waiting);
    expect(open.ms).toBeLessThan(BOUND_MS);
    expect(open.value).toMatchObject({ status: 'RUNNING', progressUnavailable: { status: NO_WORKER } });
    const done = await call(completed);
    expect(done.ms).toBeLessThan(BOUND_MS);
    expect(done.value).toMatchObject({ status: 'COMPLETED', result: 'hello ada' });
  });
});

describe('status with a worker', () => {
  it('a worker polling gives the full progress, as before: WAITING, the pending input, no progressUnavailable', async () => {
    const queue = uniqueTaskQueue('with-worker');
    const worker = await startWorker(queue);
    try {
      const handle = await startFlowWorkflow(httpApprovalFlow, 'desk', { ...opts(queue), principal: 'alice' });
      const run = await waitFor(async () => {
        const { value } = await getRun(handle.workflowId);
        return value.body.status === 'WAITING' && value.body;
      });
      expect(run).toMatchObject({ progress: { flowName: 'httpApprovalFlow', status: 'waiting' } });
      expect(run.pendingInputs).toEqual([expect.objectContaining({ name: 'approval' })]);
      expect(run).not.toHaveProperty('progressUnavailable');
      await handle.terminate();
    } finally {
      await worker.shutdown();
    }
  });
});

describe('?wait=true without a worker', () => {
  it("Genkit's runFlow gets the 202 with the run's links when `timeout` passes; the run goes on", async () => {
    const started = Date.now();
    const error = await runFlow({
      url: url('/flows/httpGreetFlow?wait=true&timeout=1s'),
      input: { name: 'later' },
      headers: as,
    }).catch((e: Error) => e);
    const ms = Date.now() - started;
    console.log(`[status] runFlow ?wait=true&timeout=1s with no worker: ${ms} ms`);
    expect(ms).toBeGreaterThanOrEqual(1_000);
    expect(ms).toBeLessThan(1_000 + BOUND_MS);
    // runFlow takes any status but 200 for an error and quotes the body.
    expect(String(error)).toMatch(/^Error: Server returned: 202: /);
    const body = JSON.parse(String(error).replace(/^Error: Server returned: 202: /, ''));
    const self = `/runs/${encodeURIComponent(body.workflowId)}`;
    expect(body).toEqual({
      workflowId: expect.stringMatching(/^httpGreetFlow-/),
      runId: expect.any(String),
      links: { self, events: `${self}/events`, cancel: `${self}/cancel`, inputs: `${self}/inputs` },
    });
    // The run goes on: a worker that comes up finishes it, and the link reads its result.
    const worker = await startWorker(idle);
    try {
      const run = await waitFor(
        async () => {
          const res = await fetch(url(body.links.self), { headers: as });
          const view = await res.json();
          return view.status === 'COMPLETED' && view;
        },
        30_000,
        'the run to complete once a worker is up',
      );
      expect(run.result).toBe('hello later');
    } finally {
      await worker.shutdown();
    }
  }, 60_000);

  it('the default comes from waitTimeoutMs; a bad `timeout` is a 400 and starts nothing', async () => {
    const principal = `timeouts-${Date.now()}`;
    const auth = bearerTokenAuth({ tokens: { 'timeouts-token-0123456789': principal } });
    const api = createFlowApi({ ...opts(idle), flows, auth, waitTimeoutMs: 800 });
    const post = (query: string, name: string) =>
      api.request(`/flows/httpGreetFlow?wait=true${query}`, {
        method: 'POST',
        headers: { Authorization: 'Bearer timeouts-token-0123456789', 'Content-Type': 'application/json' },
        body: JSON.stringify({ data: { name } }),
      });
    for (const timeout of ['0', '-1', 'soon', '2h', '1e3', '']) {
      const bad = await post(`&timeout=${timeout}`, 'never');
      expect(bad.status, `timeout=${timeout}`).toBe(400);
      expect(await bad.json()).toMatchObject({
        status: 'INVALID_ARGUMENT',
        message: expect.stringContaining('timeout'),
      });
    }
    for (const waitTimeoutMs of [0, -5, NaN, 7_200_000]) {
      expect(() => createFlowApi({ ...opts(idle), flows, waitTimeoutMs })).toThrow(/waitTimeoutMs/);
    }
    const { value: res, ms } = await timed(async () => post('', 'default'));
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toMatch(/^\/runs\/httpGreetFlow-/);
    expect(ms).toBeGreaterThanOrEqual(800);
    expect(ms).toBeLessThan(800 + BOUND_MS);
    // Only the good request started a run (visibility is eventually consistent: give it time).
    await new Promise((r) => setTimeout(r, 1_500));
    const client = await getTemporalClient(opts(idle));
    expect((await client.workflow.count(`GenkitPrincipal="${principal}"`)).count).toBe(1);
  });
});

describe('run console without a worker', () => {
  it('the run page shows the status and says progress is unavailable, within the bound', async () => {
    const { value: html, ms } = await timed(async () => {
      const res = await fetch(url(`/console/runs/${encodeURIComponent(waiting)}`), { headers: as });
      expect(res.status).toBe(200);
      return res.text();
    });
    console.log(`[status] console run page, worker gone: ${ms} ms`);
    expect(ms).toBeLessThan(BOUND_MS);
    expect(html).toContain('Progress unavailable right now');
    expect(html).toContain('The journal cannot be read right now');
    expect(html).toContain('data-signature="unknown"');
  });

  it('the list page answers within the bound', async () => {
    const { value: res, ms } = await timed(() => fetch(url('/console'), { headers: as }));
    expect(res.status).toBe(200);
    await res.text();
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('an answer posted from the page is not sent (503, says so) rather than refused as not awaited', async () => {
    const path = `/console/runs/${encodeURIComponent(waiting)}/inputs/approval`;
    const { value: res, ms } = await timed(() =>
      fetch(url(path), {
        method: 'POST',
        headers: { ...as, Origin: new URL(url('/')).origin, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _decision: 'approve', approved: 'on' }),
        redirect: 'manual',
      }),
    );
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('was not sent');
    expect(ms).toBeLessThan(BOUND_MS + 500);
  });
});
