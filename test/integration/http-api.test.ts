// createFlowApi on a real port against the real dev server, driven by Genkit's own client (runFlow,
// streamFlow) and by plain fetch: results, streams and re-attach, errors with their status, ownership,
// idempotency, limits, inputs, browser SSE, and what a disconnect does.
import { randomUUID } from 'node:crypto';
import { runFlow, streamFlow } from 'genkit/beta/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { startFlowWorkflow } from '../../src/client/start-flow';
import { getTemporalClient } from '../../src/client/connection';
import { bearerTokenAuth, createFlowApi } from '../../src/http';
import {
  httpWhoAmIFlow,
  httpApprovalFlow,
  httpCountFlow,
  httpFailFlow,
  httpGreetFlow,
  httpLateApprovalFlow,
  httpSlowFlow,
  slowModel,
} from '../fixtures/http-flows';
import { serveForTests } from '../helpers/http';
import { useWorker, waitFor } from '../helpers/temporal';

// Genkit's client can reject a stream's internal promise with nobody listening (kit-protocols.md §1.3).
process.on('unhandledRejection', () => undefined);

const worker = useWorker('http');
const flows = [httpWhoAmIFlow, httpGreetFlow, httpCountFlow, httpFailFlow, httpSlowFlow, httpApprovalFlow];
const tokens = {
  'alice-token-ab12cd34': 'alice',
  'bob-token-ab12cd34ef': 'bob',
  'ops-token-ab12cd34ef': { id: 'ops', admin: true },
};
const as = (token: string) => ({ Authorization: `Bearer ${token}` });
let url: (path: string) => string;
let cancellingUrl: (path: string) => string;

beforeAll(async () => {
  const common = { ...worker.opts(), auth: bearerTokenAuth({ tokens }), bodyLimit: 4096 };
  url = (await serveForTests(createFlowApi({ ...common, flows }))).url;
  cancellingUrl = (
    await serveForTests(createFlowApi({ ...common, flows, basePath: '/api', cancelOnDisconnect: ['httpSlowFlow'] }))
  ).url;
});

const client = () => getTemporalClient(worker.opts());
const post = (path: string, body: unknown, headers: Record<string, string> = as('alice-token-ab12cd34')) =>
  fetch(url(path), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
/** How many runs a principal has started (visibility is eventually consistent: give it time first). */
async function runsOf(principal: string) {
  await new Promise((r) => setTimeout(r, 1500));
  return (await (await client()).workflow.count(`GenkitPrincipal="${principal}"`)).count;
}

describe('Genkit client compatibility', () => {
  it('runFlow gets the result (?wait=true)', async () => {
    const result = await runFlow({
      url: url('/flows/httpGreetFlow?wait=true'),
      input: { name: 'ada' },
      headers: as('alice-token-ab12cd34'),
    });
    expect(result).toBe('hello ada');
  });

  it('the flow sees the caller as Genkit context.auth', async () => {
    const result = await runFlow({ url: url('/flows/httpWhoAmIFlow?wait=true'), headers: as('bob-token-ab12cd34ef') });
    // The callables' shape ({ uid, token }), so a flow checking auth.uid works whichever front door started it.
    expect(result).toEqual({ says: 'you are bob', auth: { uid: 'bob', token: {} } });
  });

  it('runFlow gets a failed flow as its HTTP status with the flat Genkit body', async () => {
    const call = runFlow({
      url: url('/flows/httpFailFlow?wait=true'),
      input: 'closed',
      headers: as('alice-token-ab12cd34'),
    });
    await expect(call).rejects.toThrow(
      'Server returned: 400: {"status":"FAILED_PRECONDITION","message":"nope: closed","details":{"why":"closed"}}',
    );
  });

  it('invalid input is a 400 without the schema, and starts nothing', async () => {
    const principal = `validator-${randomUUID().slice(0, 6)}`;
    const api = createFlowApi({
      ...worker.opts(),
      flows,
      auth: bearerTokenAuth({ tokens: { 'validator-token-0123': principal } }),
    });
    const res = await api.request('/flows/httpGreetFlow', {
      method: 'POST',
      headers: { Authorization: 'Bearer validator-token-0123', 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: { name: 42 } }),
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'INVALID_ARGUMENT', details: { errors: [{ path: 'name' }] } });
    expect(JSON.stringify(body)).not.toContain('schema');
    expect(await runsOf(principal)).toBe(0);
  });

  it('streamFlow streams chunks and the result; the stream ID is the workflow ID', async () => {
    const call = streamFlow({
      url: url('/flows/httpCountFlow'),
      input: { n: 4, delayMs: 20 },
      headers: as('alice-token-ab12cd34'),
    });
    call.output.catch(() => undefined);
    const chunks: unknown[] = [];
    for await (const chunk of call.stream) chunks.push(chunk);
    expect(chunks).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }, { i: 3 }]);
    expect(await call.output).toBe('done 4');
    const streamId = await call.streamId;
    expect(streamId).toMatch(/^httpCountFlow-/);
    expect((await (await client()).workflow.getHandle(streamId!).describe()).status.name).toBe('COMPLETED');
  });

  it('streamFlow re-attaches by x-genkit-stream-id after the client disconnected, replaying every chunk', async () => {
    const abort = new AbortController();
    const first = streamFlow({
      url: url('/flows/httpCountFlow'),
      input: { n: 8, delayMs: 150 },
      headers: as('alice-token-ab12cd34'),
      abortSignal: abort.signal,
    });
    first.output.catch(() => undefined);
    const seen: unknown[] = [];
    try {
      for await (const chunk of first.stream) {
        seen.push(chunk);
        if (seen.length === 2) abort.abort();
      }
    } catch {
      // aborted
    }
    expect(seen.length).toBeGreaterThanOrEqual(2);
    const streamId = (await first.streamId)!;
    const again = streamFlow({ url: url('/flows/httpCountFlow'), streamId, headers: as('alice-token-ab12cd34') });
    again.output.catch(() => undefined);
    const replayed: unknown[] = [];
    for await (const chunk of again.stream) replayed.push(chunk);
    expect(replayed).toEqual([...Array(8).keys()].map((i) => ({ i })));
    expect(await again.output).toBe('done 8');
  });

  it('an unknown stream ID answers 204, which the client reports as not found', async () => {
    const call = streamFlow({
      url: url('/flows/httpCountFlow'),
      streamId: 'no-such-run',
      headers: as('alice-token-ab12cd34'),
    });
    call.stream[Symbol.asyncIterator]()
      .next()
      .catch(() => undefined);
    await expect(call.output).rejects.toThrow('NOT_FOUND: Stream not found.');
  });

  it('a failing flow ends the stream with an error frame carrying its status', async () => {
    const call = streamFlow({
      url: url('/flows/httpFailFlow'),
      input: 'streamed',
      headers: as('alice-token-ab12cd34'),
    });
    call.stream[Symbol.asyncIterator]()
      .next()
      .catch(() => undefined);
    await expect(call.output).rejects.toThrow('FAILED_PRECONDITION: nope: streamed');
  });
});

describe('runs over HTTP', () => {
  it('202 with the workflow ID and links, then GET /runs/:id reads it to its result', async () => {
    const res = await post('/flows/httpGreetFlow', { data: { name: 'grace' } });
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(body).toMatchObject({ workflowId: expect.stringMatching(/^httpGreetFlow-/), runId: expect.any(String) });
    expect(res.headers.get('location')).toBe(body.links.self);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const run = await waitFor(async () => {
      const r = await (await fetch(url(body.links.self), { headers: as('alice-token-ab12cd34') })).json();
      return r.status === 'COMPLETED' && r;
    });
    expect(run).toMatchObject({ flowName: 'httpGreetFlow', result: 'hello grace' });
  });

  it('only the owner (or an admin) can read, stream, answer or cancel a run; others get 404', async () => {
    const { workflowId } = await (await post('/flows/httpApprovalFlow', { data: 'laptop' })).json();
    const path = `/runs/${workflowId}`;
    for (const [method, p] of [
      ['GET', path],
      ['POST', `${path}/cancel`],
      ['POST', `${path}/inputs/approval`],
      ['GET', `${path}/events`],
    ] as const) {
      const res = await fetch(url(p), {
        method,
        headers: { ...as('bob-token-ab12cd34ef'), 'Content-Type': 'application/json' },
        body: method === 'POST' ? '{"data":{"approved":true}}' : undefined,
      });
      expect([method, p, res.status]).toEqual([method, p, 404]);
    }
    const bobStream = streamFlow({
      url: url('/flows/httpApprovalFlow'),
      streamId: workflowId,
      headers: as('bob-token-ab12cd34ef'),
    });
    bobStream.stream[Symbol.asyncIterator]()
      .next()
      .catch(() => undefined);
    await expect(bobStream.output).rejects.toThrow('Stream not found');
    const anonymous = await fetch(url(path));
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ status: 'UNAUTHENTICATED' });
    expect((await fetch(url(path), { headers: as('wrong') })).status).toBe(401);
    expect((await fetch(url(path), { headers: as('ops-token-ab12cd34ef') })).status).toBe(200);
    // The owner answers: a wrong value is a 400 and the run keeps waiting; the right one completes it.
    await waitFor(
      async () => (await (await fetch(url(path), { headers: as('alice-token-ab12cd34') })).json()).status === 'WAITING',
    );
    expect((await post(`${path}/inputs/approval`, { data: { approved: 'yes' } })).status).toBe(400);
    expect((await post(`${path}/inputs/approval`, { data: { approved: true } })).status).toBe(200);
    const handle = (await client()).workflow.getHandle(workflowId);
    expect(await handle.result()).toBe('laptop: approved');
    const run = await (await fetch(url(path), { headers: as('alice-token-ab12cd34') })).json();
    expect(run).toMatchObject({ status: 'COMPLETED', result: 'laptop: approved', pendingInputs: [] });
    expect((await (await client()).workflow.getHandle(workflowId).describe()).memo?.genkitPrincipal).toBe('alice');
  });

  it('the owner cancels a waiting run; a second cancel is a 400; runs of flows not exposed are 404 even to admins', async () => {
    const { workflowId } = await (await post('/flows/httpApprovalFlow', { data: 'desk' })).json();
    const cancel = () => post(`/runs/${workflowId}/cancel`, {});
    expect((await cancel()).status).toBe(202);
    const handle = (await client()).workflow.getHandle(workflowId);
    await waitFor(async () => (await handle.describe()).status.name === 'CANCELLED', 20_000, 'cancelled');
    const again = await cancel();
    expect([again.status, (await again.json()).status]).toEqual([400, 'FAILED_PRECONDITION']);
    const run = await (await fetch(url(`/runs/${workflowId}`), { headers: as('alice-token-ab12cd34') })).json();
    expect(run).toMatchObject({ status: 'CANCELLED', error: { status: 'CANCELLED' } });

    const hidden = await startFlowWorkflow(
      httpGreetFlow,
      { name: 'x' },
      { ...worker.opts(), memo: { genkitFlow: 'notExposed' } },
    );
    expect((await fetch(url(`/runs/${hidden.workflowId}`), { headers: as('ops-token-ab12cd34ef') })).status).toBe(404);
  });

  it('an Idempotency-Key starts one run per caller; a repeat answers with that run’s runId', async () => {
    const key = randomUUID();
    const a1 = await (
      await post(
        '/flows/httpGreetFlow',
        { data: { name: 'k' } },
        { ...as('alice-token-ab12cd34'), 'Idempotency-Key': key },
      )
    ).json();
    const a2 = await (
      await post(
        '/flows/httpGreetFlow',
        { data: { name: 'k' } },
        { ...as('alice-token-ab12cd34'), 'Idempotency-Key': key },
      )
    ).json();
    const b1 = await (
      await post(
        '/flows/httpGreetFlow',
        { data: { name: 'k' } },
        { ...as('bob-token-ab12cd34ef'), 'Idempotency-Key': key },
      )
    ).json();
    expect(a2.workflowId).toBe(a1.workflowId);
    // The repeat names the run it found, as the first answer did (it had no runId).
    expect(a1.runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a2.runId).toBe(a1.runId);
    expect(b1.workflowId).not.toBe(a1.workflowId);
  });

  it('rejects oversized, non-JSON and mis-shaped bodies and unknown flows before anything starts', async () => {
    const principal = `limits-${randomUUID().slice(0, 6)}`;
    const headers = { ...as(`${principal}-token`), 'Content-Type': 'application/json' };
    const api = createFlowApi({
      ...worker.opts(),
      flows,
      bodyLimit: 1024,
      auth: bearerTokenAuth({ tokens: { [`${principal}-token`]: principal } }),
    });
    const send = (path: string, body: string) => api.request(path, { method: 'POST', headers, body });
    expect((await send('/flows/httpGreetFlow', JSON.stringify({ data: { name: 'x'.repeat(2000) } }))).status).toBe(413);
    expect((await send('/flows/httpGreetFlow', '{"data": ')).status).toBe(400);
    expect((await send('/flows/httpGreetFlow', JSON.stringify({ input: { name: 'x' } }))).status).toBe(400);
    expect((await send('/flows/greetFlow', JSON.stringify({ data: { name: 'x' } }))).status).toBe(404);
    expect(await runsOf(principal)).toBe(0);
  });

  it('GET /runs/:id/events is browser SSE: chunk ids resume with Last-Event-ID, then the result', async () => {
    const { workflowId } = await (await post('/flows/httpCountFlow', { data: { n: 5, delayMs: 10 } })).json();
    await (await client()).workflow.getHandle(workflowId).result();
    const read = async (headers: Record<string, string>, query = '') =>
      (
        await fetch(url(`/runs/${workflowId}/events${query}`), {
          headers: { ...as('alice-token-ab12cd34'), ...headers },
        })
      ).text();
    const fromTwo = await read({}, '?from=2');
    expect(fromTwo).toContain('event: chunk\ndata: {"i":2}\nid: 3\n\n');
    expect(fromTwo).not.toContain('{"i":1}');
    expect(fromTwo.trim().endsWith('event: result\ndata: "done 5"')).toBe(true);
    const resumed = await read({ 'Last-Event-ID': '4' });
    expect(resumed.match(/event: chunk/g)).toHaveLength(1);
    expect(resumed).toContain('data: {"i":4}');
    const bad = await fetch(url(`/runs/${workflowId}/events?from=-1`), { headers: as('alice-token-ab12cd34') });
    expect(bad.status).toBe(400);
  });
});

describe('answers', () => {
  const answersApi = () =>
    createFlowApi({
      ...worker.opts(),
      flows: [httpApprovalFlow, httpLateApprovalFlow],
      auth: bearerTokenAuth({ tokens: { 'answers-token-0123': 'ann' } }),
    });
  const send = (api: ReturnType<typeof createFlowApi>, path: string, data: unknown, headers = {}) =>
    api.request(path, {
      method: 'POST',
      headers: { Authorization: 'Bearer answers-token-0123', 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ data }),
    });
  const progressOf = async (api: ReturnType<typeof createFlowApi>, workflowId: string) =>
    (
      await (
        await api.request(`/runs/${workflowId}`, { headers: { Authorization: 'Bearer answers-token-0123' } })
      ).json()
    ).progress;

  it('a mistyped input name is a 400 naming the inputs the run waits for, and nothing is kept', async () => {
    const api = answersApi();
    const { workflowId } = await (await send(api, '/flows/httpApprovalFlow', 'chair')).json();
    await waitFor(async () => (await progressOf(api, workflowId))?.pendingInputs?.length === 1, 20_000, 'waiting');
    const typo = await send(api, `/runs/${workflowId}/inputs/aproval`, { approved: true });
    const body = await typo.json();
    expect([typo.status, body.status]).toEqual([400, 'FAILED_PRECONDITION']);
    expect(body.message).toMatch(/not waiting for input "aproval" \(it waits for "approval"\).*\?early=true/);
    expect(body.details).toEqual({ workflowId, input: 'aproval', pendingInputs: ['approval'] });
    // With an idempotency key never used before, too (it is not a retry of an answer that got through).
    const keyed = await send(
      api,
      `/runs/${workflowId}/inputs/aproval`,
      { approved: true },
      { 'Idempotency-Key': 'k1' },
    );
    expect(keyed.status).toBe(400);
    expect((await progressOf(api, workflowId)).earlyInputs).toEqual([]);

    const right = await send(api, `/runs/${workflowId}/inputs/approval`, { approved: true });
    expect([right.status, await right.json()]).toEqual([
      200,
      { workflowId, input: 'approval', status: 'ACCEPTED', applied: true },
    ]);
    expect(await (await client()).workflow.getHandle(workflowId).result()).toBe('chair: approved');
  });

  it('an early answer is sent only when asked for (?early=true), says it was kept, and a retry with its key is let through', async () => {
    const api = answersApi();
    const started = await send(api, '/flows/httpLateApprovalFlow', { item: 'lamp', delayMs: 4_000 });
    const { workflowId } = await started.json();
    const before = await send(api, `/runs/${workflowId}/inputs/approval`, { approved: true });
    expect([before.status, (await before.json()).details?.pendingInputs]).toEqual([400, []]);

    const key = { 'Idempotency-Key': `early-${randomUUID()}` };
    const early = await send(api, `/runs/${workflowId}/inputs/approval?early=true`, { approved: true }, key);
    expect([early.status, await early.json()]).toEqual([
      200,
      { workflowId, input: 'approval', status: 'ACCEPTED', applied: false },
    ]);
    expect((await progressOf(api, workflowId)).earlyInputs).toEqual(['approval']);
    // The client lost the response and sends the same answer again, same key, without ?early: applied once.
    const retry = await send(api, `/runs/${workflowId}/inputs/approval`, { approved: true }, key);
    expect(retry.status).toBe(200);
    expect(await (await client()).workflow.getHandle(workflowId).result()).toBe('lamp: approved');
  });
});

describe('disconnects', () => {
  it('a ?wait=true caller that disconnects leaves the run going', async () => {
    const abort = new AbortController();
    const key = randomUUID();
    const call = fetch(url('/flows/httpCountFlow?wait=true'), {
      method: 'POST',
      headers: { ...as('alice-token-ab12cd34'), 'Content-Type': 'application/json', 'Idempotency-Key': key },
      body: JSON.stringify({ data: { n: 6, delayMs: 300 } }),
      signal: abort.signal,
    });
    await new Promise((r) => setTimeout(r, 700));
    abort.abort();
    await expect(call).rejects.toThrow();
    // The same key finds the same run, still running, and it finishes.
    const { workflowId } = await (
      await post(
        '/flows/httpCountFlow',
        { data: { n: 6, delayMs: 300 } },
        { ...as('alice-token-ab12cd34'), 'Idempotency-Key': key },
      )
    ).json();
    const handle = (await client()).workflow.getHandle(workflowId);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    expect(await handle.result()).toBe('done 6');
  });

  it('with cancelOnDisconnect the run is cancelled and the model call aborted', async () => {
    const abortsBefore = slowModel.aborts;
    const abort = new AbortController();
    const key = randomUUID();
    const headers = { ...as('alice-token-ab12cd34'), 'Content-Type': 'application/json', 'Idempotency-Key': key };
    const call = fetch(cancellingUrl('/api/flows/httpSlowFlow?wait=true'), {
      method: 'POST',
      headers,
      body: JSON.stringify({ data: 'take your time' }),
      signal: abort.signal,
    });
    await waitFor(
      () =>
        slowModel.calls > 0 &&
        slowModel.requests.at(-1)?.messages.some((m) => m.content.some((p) => p.text === 'take your time')),
      20_000,
      'model call',
    );
    abort.abort();
    await expect(call).rejects.toThrow();
    const { workflowId } = await (
      await fetch(cancellingUrl('/api/flows/httpSlowFlow'), {
        method: 'POST',
        headers,
        body: JSON.stringify({ data: 'take your time' }),
      })
    ).json();
    const handle = (await client()).workflow.getHandle(workflowId);
    await waitFor(async () => (await handle.describe()).status.name === 'CANCELLED', 20_000, 'cancelled run');
    await waitFor(() => slowModel.aborts > abortsBefore, 10_000, 'model abort');
  });

  it('a streaming caller that disconnects cancels the run where the route opts in', async () => {
    const abort = new AbortController();
    const call = streamFlow({
      url: cancellingUrl('/api/flows/httpSlowFlow'),
      input: 'stream then leave',
      headers: as('alice-token-ab12cd34'),
      abortSignal: abort.signal,
    });
    call.output.catch(() => undefined);
    call.stream[Symbol.asyncIterator]()
      .next()
      .catch(() => undefined);
    const workflowId = (await call.streamId)!;
    const handle = (await client()).workflow.getHandle(workflowId);
    // The run view shows the model call in flight (read from the attempt's heartbeat details).
    const inFlight = await waitFor(
      async () =>
        (await (await fetch(cancellingUrl(`/api/runs/${workflowId}`), { headers: as('alice-token-ab12cd34') })).json())
          .progress?.stepInFlight,
      20_000,
      'model call in flight (GET /runs/:id)',
    );
    expect(inFlight).toMatchObject({ key: '0', kind: 'model', name: 'http/slow' });
    abort.abort();
    await waitFor(async () => (await handle.describe()).status.name === 'CANCELLED', 20_000, 'cancelled run');
  });
});
