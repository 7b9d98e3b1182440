// An API instance that is stopping (SIGTERM on a rolling deploy) ends its open streams and waits at once, each in
// the way its client recovers, and the runs go on: Genkit's streamFlow gets an UNAVAILABLE frame naming the stream
// ID (cut without a last frame, that client waits forever) and re-attaches to another instance; a browser's SSE
// stream closes without a last event and resumes elsewhere from Last-Event-ID; a `?wait=true` caller gets its 202.
// Stopping is not a disconnect: with cancelOnDisconnect on, no run is cancelled.
import { streamFlow } from 'genkit/beta/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { bearerTokenAuth, createFlowApi } from '../../src/http';
import { streamThenWaitFlow } from '../fixtures/stream-flows';
import { serveForTests } from '../helpers/http';
import { useWorker, waitFor } from '../helpers/temporal';
import { getTemporalClient } from '../../src/client/connection';

const worker = useWorker('api-shutdown');
const headers = { Authorization: 'Bearer carol-token-ab12cd34' };
const stopping = new AbortController();
let stoppingUrl: (path: string) => string;
let otherUrl: (path: string) => string;

beforeAll(async () => {
  const common = {
    ...worker.opts(),
    flows: [streamThenWaitFlow],
    auth: bearerTokenAuth({ tokens: { 'carol-token-ab12cd34': 'carol' } }),
    cancelOnDisconnect: true,
  };
  stoppingUrl = (await serveForTests(createFlowApi({ ...common, shutdownSignal: stopping.signal }))).url;
  otherUrl = (await serveForTests(createFlowApi(common))).url;
});

/** Reads an SSE response to its end: the raw text. */
async function readAll(res: Response): Promise<string> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += decoder.decode(value, { stream: true });
  }
}

describe('an API instance that is stopping', () => {
  it('ends streams and waits so each client recovers on another instance, and no run is cancelled', async () => {
    // A Genkit stream: two chunks, then the run waits for `go`.
    const genkitCall = streamFlow({ url: stoppingUrl('/flows/streamThenWaitFlow'), input: { chunks: 2 }, headers });
    const outcome = genkitCall.output.then(
      () => 'completed',
      (err: Error) => err,
    );
    const seen: unknown[] = [];
    const reading = (async () => {
      for await (const chunk of genkitCall.stream) seen.push(chunk);
    })().catch(() => undefined);
    await waitFor(() => seen.length === 2, 20_000);
    const streamId = (await genkitCall.streamId)!;

    // A browser's SSE stream of the same run, and a caller waiting on a second run.
    const sse = await fetch(stoppingUrl(`/runs/${streamId}/events`), { headers });
    expect(sse.status).toBe(200);
    const sseText = readAll(sse);
    const waiting = fetch(stoppingUrl('/flows/streamThenWaitFlow?wait=true'), {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: { chunks: 0 } }),
    });
    await new Promise((r) => setTimeout(r, 1_000));

    const stoppedAt = Date.now();
    stopping.abort();
    const err = await outcome;
    expect(err).toBeInstanceOf(Error);
    // Genkit's client reports the frame's status first: the wire protocol, not our wording.
    expect((err as Error).message.startsWith('UNAVAILABLE: ')).toBe(true);
    expect((err as Error).message).toContain(streamId);
    const text = await sseText;
    const waited = await waiting;
    expect(Date.now() - stoppedAt).toBeLessThan(3_000);
    await reading;
    expect(text).toContain('event: chunk');
    expect(text).not.toMatch(/event: (result|error)/);
    expect(text).toContain('retry: 1000');
    expect(waited.status).toBe(202);
    const waitedRun = ((await waited.json()) as { workflowId: string }).workflowId;

    // Nothing was cancelled: both runs still wait.
    const client = await getTemporalClient(worker.opts());
    for (const id of [streamId, waitedRun]) {
      expect((await client.workflow.getHandle(id).describe()).status.name).toBe('RUNNING');
    }

    // A new stream on the stopping instance is told at once to go elsewhere.
    const late = streamFlow({ url: stoppingUrl('/flows/streamThenWaitFlow'), streamId, headers });
    late.stream[Symbol.asyncIterator]()
      .next()
      .catch(() => undefined);
    await expect(late.output).rejects.toThrow(/^UNAVAILABLE: /);

    // Each client re-attaches to the other instance and reads the rest; the run completes once.
    const again = streamFlow({ url: otherUrl('/flows/streamThenWaitFlow'), streamId, headers });
    again.output.catch(() => undefined);
    const resumed = fetch(otherUrl(`/runs/${streamId}/events`), { headers: { ...headers, 'Last-Event-ID': '2' } });
    const answer = await fetch(otherUrl(`/runs/${streamId}/inputs/go`), {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: { go: true } }),
    });
    expect(answer.status).toBe(200);
    const replayed: unknown[] = [];
    for await (const chunk of again.stream) replayed.push(chunk);
    expect(replayed).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
    expect(await again.output).toBe('went true');
    const rest = await readAll(await resumed);
    expect(rest).toContain('data: {"i":2}');
    expect(rest).toContain('event: result');
    expect(rest).not.toContain('data: {"i":1}');
  });
});
