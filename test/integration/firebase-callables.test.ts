// onCallFlow / onCallFlowRun against the real dev server, called in-process through the function's own `run`
// (firebase-functions' request objects; token checks are the emulator test's job): who may start, whose runs
// are whose, input checks before anything starts, streaming with resume from an offset, errors as HttpsErrors.
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { HttpsError, type CallableRequest } from 'firebase-functions/v2/https';
import { describe, expect, it } from 'vitest';
import { closeTemporalClients, connectionCount, getTemporalClient } from '../../src/client/connection';
import { onCallFlow, onCallFlowRun, type FlowStreamChunk } from '../../src/firebase';
import { fbWhoAmIFlow } from '../fixtures/firebase-flows';
import { httpApprovalFlow, httpCountFlow, httpFailFlow, httpGreetFlow } from '../fixtures/http-flows';
import { useWorker, waitFor } from '../helpers/temporal';

const worker = useWorker('firebase');
const temporal = () => worker.opts();

type Callable = { run: (request: CallableRequest, response?: unknown) => Promise<any> };

function request(
  data: unknown,
  uid?: string,
  claims: Record<string, unknown> = {},
  streaming = false,
): CallableRequest {
  return {
    data,
    auth: uid
      ? { uid, token: { uid, sub: uid, email: `${uid}@example.com`, ...claims } as never, rawToken: 'RAW.ID.TOKEN' }
      : undefined,
    rawRequest: {} as never,
    acceptsStreaming: streaming,
  };
}

/** A streaming response that records what it was sent. */
function streamingResponse() {
  const chunks: FlowStreamChunk[] = [];
  const controller = new AbortController();
  return {
    chunks,
    controller,
    response: { signal: controller.signal, sendChunk: async (c: FlowStreamChunk) => (chunks.push(c), true) },
  };
}

const call = (fn: unknown, req: CallableRequest, res?: unknown) => (fn as Callable).run(req, res);
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e) => (e instanceof HttpsError ? e.code : `not an HttpsError: ${e}`),
  );

const greet = () => onCallFlow(httpGreetFlow, { temporal: temporal() });
const runs = () => onCallFlowRun({ temporal: temporal() });

async function pollToEnd(uid: string, workflowId: string) {
  return waitFor(
    async () => {
      const run = await call(runs(), request({ action: 'get', workflowId }, uid));
      return run.status === 'RUNNING' || run.status === 'WAITING' ? undefined : run;
    },
    20_000,
    'the run to end',
  );
}

describe('onCallFlow', () => {
  it('a signed-in user starts a run, owns it, and polls it to its result', async () => {
    const started = await call(greet(), request({ name: 'ada' }, 'alice'));
    expect(started).toMatchObject({ workflowId: expect.any(String), runId: expect.any(String) });
    expect(started.result).toBeUndefined();
    const run = await pollToEnd('alice', started.workflowId);
    expect(run).toMatchObject({ status: 'COMPLETED', result: 'hello ada', flowName: 'httpGreetFlow' });
    expect(run.principal).toBeUndefined(); // not echoed to callers
    const description = await (await getTemporalClient(temporal())).workflow.getHandle(started.workflowId).describe();
    expect(description.memo?.genkitPrincipal).toBe('alice');
  });

  it("the flow's context.auth is the uid and claims, never the raw ID token", async () => {
    const whoAmI = onCallFlow(fbWhoAmIFlow, { temporal: temporal() });
    const { workflowId } = await call(whoAmI, request(null, 'carol', { role: 'ops' }));
    const run = await pollToEnd('carol', workflowId);
    expect(run.result.auth).toMatchObject({ uid: 'carol', token: { email: 'carol@example.com', role: 'ops' } });
    expect(JSON.stringify(run.result)).not.toContain('RAW.ID.TOKEN');
    // What the run keeps: the start input (request, with its Genkit context) holds the claims but not the token.
    const history = await (await getTemporalClient(temporal())).workflow.getHandle(workflowId).fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const stored = (started?.input?.payloads ?? []).map((p) => Buffer.from(p.data ?? []).toString('utf8')).join();
    expect(stored).toContain('carol@example.com');
    expect(stored).not.toContain('RAW.ID.TOKEN');
  });

  it('a signed-out caller is unauthenticated; an auth-less token (emulator garbage) too', async () => {
    expect(await codeOf(call(greet(), request({ name: 'x' })))).toBe('unauthenticated');
    const garbage = { ...request({ name: 'x' }), auth: { uid: undefined, token: {} } } as unknown as CallableRequest;
    expect(await codeOf(call(greet(), garbage))).toBe('unauthenticated');
  });

  it('authPolicy refuses with permission-denied (firebase-style policy signature)', async () => {
    const opsOnly = onCallFlow(httpGreetFlow, {
      temporal: temporal(),
      authPolicy: (auth) => auth?.token.role === 'ops',
    });
    expect(await codeOf(call(opsOnly, request({ name: 'x' }, 'alice')))).toBe('permission-denied');
    expect(await call(opsOnly, request({ name: 'x' }, 'olga', { role: 'ops' }))).toHaveProperty('workflowId');
  });

  it('invalid input is invalid-argument, with the field named and no schema, and starts nothing', async () => {
    const err = await call(greet(), request({ name: 42 }, 'dave')).catch((e) => e);
    expect(err).toBeInstanceOf(HttpsError);
    expect(err.code).toBe('invalid-argument');
    expect(err.message).toContain('name');
    expect(JSON.stringify(err.toJSON())).not.toContain('"schema"');
    await new Promise((r) => setTimeout(r, 1500)); // visibility is eventually consistent
    expect((await (await getTemporalClient(temporal())).workflow.count('GenkitPrincipal="dave"')).count).toBe(0);
  });

  it('a streaming caller gets each chunk with its workflowId and offset, then the result', async () => {
    const count = onCallFlow(httpCountFlow, { temporal: temporal() });
    const { chunks, response } = streamingResponse();
    const out = await call(count, request({ n: 4, delayMs: 20 }, 'erin', {}, true), response);
    expect(out).toMatchObject({ workflowId: expect.any(String), result: 'done 4' });
    expect(chunks).toEqual([0, 1, 2, 3].map((i) => ({ workflowId: out.workflowId, offset: i, chunk: { i } })));
  });

  it('a streaming caller that disconnects stops the relay, not the run', async () => {
    const count = onCallFlow(httpCountFlow, { temporal: temporal() });
    const { chunks, controller, response } = streamingResponse();
    const send = response.sendChunk;
    response.sendChunk = async (c) => (controller.abort(), send(c)); // the client goes away after its first chunk
    const out = await call(count, request({ n: 5, delayMs: 150 }, 'heidi', {}, true), response);
    expect(out.result).toBeUndefined();
    expect(chunks.length).toBeLessThan(5);
    const run = await pollToEnd('heidi', out.workflowId);
    expect(run).toMatchObject({ status: 'COMPLETED', result: 'done 5' });
  });

  it("a failed run's error reaches a streaming caller with its status", async () => {
    const fail = onCallFlow(httpFailFlow, { temporal: temporal() });
    const { response } = streamingResponse();
    const err = await call(fail, request('because', 'erin', {}, true), response).catch((e) => e);
    expect(err).toBeInstanceOf(HttpsError);
    expect(err.code).toBe('failed-precondition');
  });
});

describe('onCallFlowRun', () => {
  it('resumes a stream from an offset (a client that reconnects)', async () => {
    const count = onCallFlow(httpCountFlow, { temporal: temporal() });
    const { workflowId } = await call(count, request({ n: 5, delayMs: 10 }, 'frank'));
    const { chunks, response } = streamingResponse();
    const run = await call(runs(), request({ action: 'get', workflowId, offset: 3 }, 'frank', {}, true), response);
    expect(chunks.map((c) => c.offset)).toEqual([3, 4]);
    expect(chunks.map((c) => c.chunk)).toEqual([{ i: 3 }, { i: 4 }]);
    expect(run).toMatchObject({ status: 'COMPLETED', result: 'done 5' });
  });

  it("another user's run is not-found for get, stream, input and cancel; the owner can cancel", async () => {
    const approve = onCallFlow(httpApprovalFlow, { temporal: temporal() });
    const { workflowId } = await call(approve, request('laptop', 'alice'));
    const { response } = streamingResponse();
    for (const data of [
      { action: 'get', workflowId },
      { action: 'input', workflowId, name: 'approval', value: { approved: true } },
      { action: 'cancel', workflowId },
    ]) {
      expect(await codeOf(call(runs(), request(data, 'mallory')))).toBe('not-found');
    }
    expect(await codeOf(call(runs(), request({ action: 'get', workflowId }, 'mallory', {}, true), response))).toBe(
      'not-found',
    );
    expect(await codeOf(call(runs(), request({ action: 'get', workflowId: 'no-such-run' }, 'alice')))).toBe(
      'not-found',
    );
    // Runs of flows the callable does not list are not reachable either, even for their owner.
    const greetOnly = onCallFlowRun({ temporal: temporal(), flows: [httpGreetFlow] });
    expect(await codeOf(call(greetOnly, request({ action: 'get', workflowId }, 'alice')))).toBe('not-found');

    expect(await call(runs(), request({ action: 'cancel', workflowId }, 'alice'))).toEqual({ ok: true });
    const run = await pollToEnd('alice', workflowId);
    expect(run.status).toBe('CANCELLED');
    expect(run.error).toMatchObject({ status: 'CANCELLED' });
  });

  it('input or an answer nested 2,200 deep is invalid-argument naming the limit, and nothing starts', async () => {
    const deep = JSON.parse('{"a":'.repeat(2_200) + '1' + '}'.repeat(2_200));
    const whoAmI = onCallFlow(fbWhoAmIFlow, { temporal: temporal() });
    const err = await call(whoAmI, request(deep, 'deep-diver')).catch((e) => e);
    expect([err.code, err.message]).toEqual(['invalid-argument', expect.stringMatching(/deeper than 64 levels/)]);
    await new Promise((r) => setTimeout(r, 1500)); // visibility is eventually consistent
    expect((await (await getTemporalClient(temporal())).workflow.count('GenkitPrincipal="deep-diver"')).count).toBe(0);

    const approve = onCallFlow(httpApprovalFlow, { temporal: temporal() });
    const { workflowId } = await call(approve, request('shelf', 'deep-diver-2'));
    const answer = { action: 'input', workflowId, name: 'approval', value: deep };
    const refused = await call(runs(), request(answer, 'deep-diver-2')).catch((e: HttpsError) => e);
    expect([refused.code, refused.message]).toEqual(['invalid-argument', expect.stringMatching(/deeper than 64/)]);
    await call(runs(), request({ action: 'cancel', workflowId }, 'deep-diver-2'));
  });

  it('answers a pending input of the own run; a bad answer is invalid-argument', async () => {
    const approve = onCallFlow(httpApprovalFlow, { temporal: temporal() });
    const { workflowId } = await call(approve, request('desk', 'grace'));
    await waitFor(
      async () => (await call(runs(), request({ action: 'get', workflowId }, 'grace'))).status === 'WAITING',
    );
    const bad = { action: 'input', workflowId, name: 'approval', value: { approved: 'yes' } };
    expect(await codeOf(call(runs(), request(bad, 'grace')))).toBe('invalid-argument');
    // A mistyped name is refused, naming what the run waits for (not kept as an early answer).
    const typo = { action: 'input', workflowId, name: 'aproval', value: { approved: true } };
    const refused = await call(runs(), request(typo, 'grace')).catch((e: HttpsError) => e);
    expect(refused).toMatchObject({ code: 'failed-precondition', details: { pendingInputs: ['approval'] } });
    expect((refused as HttpsError).message).toMatch(/not waiting for input "aproval" \(it waits for "approval"\)/);
    const good = { action: 'input', workflowId, name: 'approval', value: { approved: true } };
    expect(await call(runs(), request(good, 'grace'))).toEqual({ ok: true, applied: true });
    expect(await pollToEnd('grace', workflowId)).toMatchObject({ status: 'COMPLETED', result: 'desk: approved' });
  });

  it('rejects malformed requests with invalid-argument before asking Temporal', async () => {
    const unreachable = onCallFlowRun({ temporal: { address: '127.0.0.1:1' } });
    for (const data of [
      null,
      [],
      { action: 'delete', workflowId: 'w' },
      { action: 'get' },
      { action: 'get', workflowId: '' },
      { action: 'get', workflowId: 'w'.repeat(1001) },
      { action: 'get', workflowId: 'w', offset: -1 },
      { action: 'get', workflowId: 'w', offset: 1.5 },
      { action: 'input', workflowId: 'w' },
    ]) {
      expect(await codeOf(call(unreachable, request(data, 'alice')))).toBe('invalid-argument');
    }
    expect(await codeOf(call(unreachable, request({ action: 'get', workflowId: 'w' })))).toBe('unauthenticated');
  });
});

/** A TCP proxy to the dev server on a fixed port, which can be down (connection refused) or up. */
async function proxyTo(target: string) {
  const [host, port] = [target.split(':')[0], Number(target.split(':')[1])];
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const proxyPort = (probe.address() as { port: number }).port;
  await new Promise((r) => probe.close(r));
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  return {
    address: `127.0.0.1:${proxyPort}`,
    up: () =>
      new Promise<void>((r) => {
        server = createServer((socket) => {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          const upstream = tcpConnect(port, host === 'localhost' ? '127.0.0.1' : host);
          socket.pipe(upstream).pipe(socket);
          socket.on('error', () => upstream.destroy());
          upstream.on('error', () => socket.destroy());
        });
        server.listen(proxyPort, '127.0.0.1', () => r());
      }),
    down: () =>
      new Promise((r) => {
        for (const socket of sockets) socket.destroy();
        return server ? server.close(r) : r(undefined);
      }),
  };
}

describe('Temporal connection of a function instance', () => {
  it('is made on first use, reused by later invocations, and re-created after a failed connect', async () => {
    const proxy = await proxyTo(temporal().address);
    const options = { temporal: { ...temporal(), address: proxy.address } };
    const start = onCallFlow(httpGreetFlow, options);
    const before = connectionCount();
    // Temporal unreachable: the caller gets `unavailable` (retryable), and nothing is cached.
    expect(await codeOf(call(start, request({ name: 'a' }, 'ivan')))).toBe('unavailable');
    expect(connectionCount()).toBe(before);
    await proxy.up();
    try {
      for (const name of ['b', 'c', 'd'])
        expect(await call(start, request({ name }, 'ivan'))).toHaveProperty('workflowId');
      const runs = onCallFlowRun(options); // another function of the same instance shares the connection
      const { workflowId } = await call(start, request({ name: 'e' }, 'ivan'));
      const ended = await waitFor(async () => {
        const run = await call(runs, request({ action: 'get', workflowId }, 'ivan'));
        return run.status === 'COMPLETED' ? run : undefined;
      });
      expect(ended.result).toBe('hello e');
      expect(connectionCount()).toBe(before + 1);
    } finally {
      await closeTemporalClients();
      await proxy.down();
    }
  });
});
