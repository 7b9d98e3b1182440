// Streams that scale, through the front-door API service (cloudrun/api) as its own process with the production
// settings (IAP auth, encryption and context keys, stream limits from the env contract), its Temporal calls counted
// by a proxy in front of the dev server: many readers of one waiting run cost one poller's worth of calls, a
// waiting run's polling backs off (also with no worker at all), each caller and the whole process are held to
// their limits with a 429 naming the limit, late readers get their backlog from Last-Event-ID byte for byte, and
// Genkit's own streamFlow client still reads a whole stream.
import { randomBytes } from 'node:crypto';
import { streamFlow } from 'genkit/beta/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../fixtures/stream-flows';
import { flowRef, startFlowWorkflow } from '../../src/client';
import { createDataConverter, type EncryptionKey } from '../../src/codec';
import { getTemporalClient } from '../../src/client/connection';
import type { ContextKey } from '../../src/identity';
import { IAP_ASSERTION_HEADER } from '../../src/http';
import { freePorts } from '../../src/testing/local-process-helpers';
import { serviceReady, startCloudRunService, type CloudRunInstance } from '../harness/cloud-run-service';
import { grpcCallCounter, type GrpcCallCounter } from '../helpers/grpc-call-counter';
import { iapAssertion, makeIapKey, serveKeySet, type IapTestKey } from '../helpers/iap-keys';
import { address, namespace, startWorker, uniqueTaskQueue, waitFor } from '../helpers/temporal';

const AUDIENCE = '/projects/123456789012/locations/us-central1/services/genkit-api';
const PER_CALLER = 50;
const PER_PROCESS = 70;
const encryptionKey: EncryptionKey = { id: 'k1', key: randomBytes(32) };
const contextKey: ContextKey = { id: 'c1', key: randomBytes(32) };
const dataConverter = createDataConverter({ encryption: { keys: [encryptionKey] } });
const taskQueue = uniqueTaskQueue('stream-fan-out');

let worker: Awaited<ReturnType<typeof startWorker>>;
let api: CloudRunInstance;
let base = '';
let key: IapTestKey;
let keySet: Awaited<ReturnType<typeof serveKeySet>>;
let temporal: GrpcCallCounter;
const callers: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  // The worker as the Terraform templates configure it: the API's context and encryption keys.
  worker = await startWorker(taskQueue, {
    contextTrust: { contextKeys: [contextKey] },
    dataConverter,
    workflowBundle: undefined, // bundled with that converter (the shared bundle has no encrypting failure converter)
  });
  key = await makeIapKey('iap-1');
  keySet = await serveKeySet(() => [key]);
  for (const name of ['ana', 'bob']) {
    const assertion = await iapAssertion(key, AUDIENCE, { sub: `accounts.google.com:${name}`, email: `${name}@x.io` });
    callers[name] = { [IAP_ASSERTION_HEADER]: assertion };
  }
  temporal = await grpcCallCounter(address());
  const [port] = await freePorts(1);
  base = `http://127.0.0.1:${port}`;
  // Exactly names of the env contract (API_ENV, src/common/env-contract.ts), plus Cloud Run's PORT.
  api = startCloudRunService('api', {
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: namespace(),
    TEMPORAL_TASK_QUEUE: taskQueue,
    FLOWS_MODULE: 'test/fixtures/cloudrun-worker/stream-api-flows.ts',
    API_AUTH: 'iap',
    IAP_AUDIENCE: AUDIENCE,
    IAP_JWKS_URL: keySet.url,
    GENKITX_ENCRYPTION_KEYS: `${encryptionKey.id}:${Buffer.from(encryptionKey.key).toString('base64')}`,
    GENKITX_CONTEXT_KEYS: `${contextKey.id}:${Buffer.from(contextKey.key).toString('base64')}`,
    API_MAX_STREAMS_PER_CALLER: String(PER_CALLER),
    API_MAX_STREAMS: String(PER_PROCESS),
    PORT: String(port),
  });
  await serviceReady(api, 'api listening');
}, 180_000);

afterAll(async () => {
  api?.child.kill('SIGKILL');
  await worker?.shutdown();
  await keySet?.close();
  await temporal?.close();
});

/** A Genkit client stream the server refused: its output rejects with `pattern` (and its chunk channel with it). */
async function expectRefused(call: ReturnType<typeof streamFlow>, pattern: RegExp) {
  const drained = (async () => {
    for await (const _ of call.stream) expect.unreachable('a refused stream sends no chunk');
  })();
  await expect(call.output).rejects.toThrow(pattern);
  await expect(drained).rejects.toThrow(pattern);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts streamThenWaitFlow as `who` and returns once it waits for `go` (its first `chunks` chunks stored). */
async function waitingRun(who: string, chunks = 3): Promise<string> {
  const res = await fetch(`${base}/flows/streamThenWaitFlow`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...callers[who] },
    body: JSON.stringify({ data: { chunks } }),
  });
  expect(res.status).toBe(202);
  const { workflowId } = (await res.json()) as { workflowId: string };
  await waitFor(
    async () => {
      const run = await fetch(`${base}/runs/${workflowId}`, { headers: callers[who] });
      return ((await run.json()) as { status: string }).status === 'WAITING';
    },
    30_000,
    'the run to wait for go',
  );
  return workflowId;
}

interface SseReader {
  status: number;
  headers: Headers;
  text: () => string;
  body: () => Promise<string>;
  close: () => void;
}

/** Opens `GET /runs/:id/events` as `who`; the body is read as it comes. */
async function openEvents(who: string, workflowId: string, lastEventId?: number): Promise<SseReader> {
  const abort = new AbortController();
  const res = await fetch(`${base}/runs/${workflowId}/events`, {
    headers: { ...callers[who], ...(lastEventId !== undefined ? { 'last-event-id': String(lastEventId) } : {}) },
    signal: abort.signal,
  });
  let text = '';
  const done = (async () => {
    if (res.status !== 200) return (text = await res.text());
    const decoder = new TextDecoder();
    try {
      for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(part);
    } catch {
      // closed by the test
    }
    return text;
  })();
  return { status: res.status, headers: res.headers, text: () => text, body: () => done, close: () => abort.abort() };
}

const chunkFrame = (i: number) => `event: chunk\ndata: {"i":${i}}\nid: ${i + 1}\n\n`;

/** gRPC calls the API makes to Temporal during `ms`. */
async function callsDuring(ms: number): Promise<number> {
  const before = temporal.calls();
  await sleep(ms);
  return temporal.calls() - before;
}

describe('run streams through cloudrun/api', () => {
  it("50 readers of one waiting run cost one poller's worth of Temporal calls; late ones get their backlog", async () => {
    const workflowId = await waitingRun('ana');
    const readers: SseReader[] = [];
    for (let i = 0; i < PER_CALLER; i++) readers.push(await openEvents('ana', workflowId, i % 2 ? 2 : undefined));
    expect(readers.map((r) => r.status)).toEqual(readers.map(() => 200));
    await waitFor(() => readers.every((r) => r.text().includes('id: 3\n')), 20_000, 'every reader has its backlog');

    const windowMs = 3_000;
    const calls = await callsDuring(windowMs);
    // One poller at full speed makes a query per 100 ms and a describe per second; fifty would make 50 times that.
    console.log(`[stream-fan-out] ${PER_CALLER} readers of one waiting run: ${calls} Temporal calls in ${windowMs} ms`);
    expect(calls).toBeLessThanOrEqual((2 * windowMs) / 100);

    await fetch(`${base}/runs/${workflowId}/inputs/go`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...callers.ana },
      body: JSON.stringify({ data: { go: true } }),
    });
    const bodies = await Promise.all(readers.map((r) => r.body()));
    const result = 'event: result\ndata: "went true"\n\n';
    // The wire format, byte for byte: from the start, and from Last-Event-ID 2 (chunks 2 and 3 only).
    const fromStart = [0, 1, 2, 3].map(chunkFrame).join('') + result;
    const fromTwo = [2, 3].map(chunkFrame).join('') + result;
    bodies.forEach((body, i) => expect(body.replaceAll(': ping\n\n', '')).toBe(i % 2 ? fromTwo : fromStart));
  });

  it('holds each caller to API_MAX_STREAMS_PER_CALLER and the process to API_MAX_STREAMS with a 429', async () => {
    const [anaRun, bobRun] = await Promise.all([waitingRun('ana', 1), waitingRun('bob', 1)]);
    const ana: SseReader[] = [];
    for (let i = 0; i < PER_CALLER; i++) ana.push(await openEvents('ana', anaRun));
    expect(ana.every((r) => r.status === 200)).toBe(true);

    // Ana's next stream, SSE or Genkit's, is one too many for her...
    const over = await openEvents('ana', anaRun);
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('5');
    expect(JSON.parse(await over.body())).toEqual({
      status: 'RESOURCE_EXHAUSTED',
      message: `you have ${PER_CALLER} streams open, the most one caller may (maxStreamsPerCaller): close one or retry later`,
    });
    const genkit = streamFlow({ url: `${base}/flows/streamThenWaitFlow`, streamId: anaRun, headers: callers.ana });
    await expectRefused(genkit, /429.*maxStreamsPerCaller/);
    // ...and a streaming start starts nothing.
    const client = await getTemporalClient({ address: address(), namespace: namespace(), dataConverter });
    const runs = async () => (await client.workflow.count(`TaskQueue="${taskQueue}"`)).count;
    const before = await runs();
    const refusedStart = streamFlow({
      url: `${base}/flows/streamThenWaitFlow`,
      input: { chunks: 1 },
      headers: callers.ana,
    });
    await expectRefused(refusedStart, /429/);

    // Bob may open his own until the process holds API_MAX_STREAMS.
    const bob: SseReader[] = [];
    for (let i = 0; i < PER_PROCESS - PER_CALLER; i++) bob.push(await openEvents('bob', bobRun));
    expect(bob.every((r) => r.status === 200)).toBe(true);
    const full = await openEvents('bob', bobRun);
    expect(full.status).toBe(429);
    expect(full.headers.get('retry-after')).toBe('5');
    expect(JSON.parse(await full.body()).message).toBe(
      `this API has ${PER_PROCESS} streams open, the most it serves at once (maxStreams); retry later`,
    );

    // A reader that leaves gives its slot back.
    ana[0]!.close();
    const next = await waitFor(
      async () => {
        const r = await openEvents('bob', bobRun);
        if (r.status === 200) return r;
        await r.body();
        return undefined;
      },
      10_000,
      "bob's stream once ana's left",
    );
    bob.push(next);
    for (const r of [...ana, ...bob]) r.close();
    await sleep(1_500);
    expect(await runs()).toBe(before);
    // Everyone left: nothing polls any more.
    expect(await callsDuring(2_000)).toBeLessThanOrEqual(1);
  });

  it('backs off while a run waits, also when no worker polls its task queue', async () => {
    const waiting = await waitingRun('ana', 1);
    // No worker ever polls this queue: the run's query fails at once, which used to mean query + describe each 100 ms.
    const orphan = await startFlowWorkflow(flowRef('streamThenWaitFlow'), { chunks: 1 } as never, {
      client: await getTemporalClient({ address: address(), namespace: namespace(), dataConverter }),
      taskQueue: uniqueTaskQueue('nobody-polls'),
      principal: 'accounts.google.com:ana',
    });
    const readers = [await openEvents('ana', waiting), await openEvents('ana', orphan.workflowId)];
    expect(readers.map((r) => r.status)).toEqual([200, 200]);
    await sleep(4_000);
    const calls = await callsDuring(4_000);
    console.log(`[stream-fan-out] 2 readers of 2 waiting runs, 4-8 s after they connected: ${calls} Temporal calls`);
    // At 2 s per look (a query and a describe) two runs cost about 8 calls in 4 s; at 100 ms they cost 160.
    expect(calls).toBeLessThanOrEqual(16);
    for (const r of readers) r.close();
    await orphan.terminate();
  });

  it("Genkit's streamFlow client reads a whole stream, and a second client re-attached to it as well", async () => {
    const call = streamFlow({ url: `${base}/flows/streamThenWaitFlow`, input: { chunks: 2 }, headers: callers.ana });
    const workflowId = (await call.streamId)!;
    expect(workflowId).toBeTruthy();
    const again = streamFlow({ url: `${base}/flows/streamThenWaitFlow`, streamId: workflowId, headers: callers.ana });
    const read = async (s: typeof call) => {
      const chunks: unknown[] = [];
      for await (const chunk of s.stream) chunks.push(chunk);
      return { chunks, output: await s.output };
    };
    const reading = [read(call), read(again)];
    await waitFor(
      async () =>
        ((await (await fetch(`${base}/runs/${workflowId}`, { headers: callers.ana })).json()) as { status: string })
          .status === 'WAITING',
      30_000,
      'the run to wait',
    );
    const answer = await fetch(`${base}/runs/${workflowId}/inputs/go`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...callers.ana },
      body: JSON.stringify({ data: { go: true } }),
    });
    expect(answer.status).toBe(200);
    const expected = { chunks: [{ i: 0 }, { i: 1 }, { i: 2 }], output: 'went true' };
    expect(await Promise.all(reading)).toEqual([expected, expected]);
  });
});
