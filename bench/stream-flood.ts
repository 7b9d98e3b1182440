// P9: a stream flood. Hundreds of SSE readers (`GET /runs/:id/events`) of one waiting run on the flow API in a
// process of its own (as deployed), and meanwhile the latency of unrelated no-op runs started from this process's
// own client: does reading one run slow everyone else's? Rounds alternate without readers and with them (A B A B),
// and each round opens the readers afresh (every reader gets its backlog chunk before the runs are timed).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { genkit, z } from 'genkit';
import type { Client } from '@temporalio/client';
import { defineTemporalFlow, executeFlowWorkflow, getFlowRun, temporal } from '../src';
import { noopFlow } from '../test/harness/worker-flows';
import { spread, type Spread } from './stats';

const ai = genkit({ plugins: [temporal()] });

/** Sends one chunk and waits for `go`: the run the readers read. */
export const streamFloodFlow = defineTemporalFlow(
  ai,
  { name: 'streamFloodFlow', inputSchema: z.number(), streamSchema: z.number() },
  async (n, { sendChunk, waitForInput }) => {
    sendChunk(n);
    return (await waitForInput('go', { schema: z.boolean() })) ? n : -n;
  },
);

export interface StreamFloodResult {
  readers: number;
  rounds: number;
  runsPerRound: number;
  /** Unrelated run latency with no reader, and with the readers connected. */
  quiet: Spread;
  flooded: Spread;
  /** p50 and p95, flooded / quiet. */
  ratioP50: number;
  ratioP95: number;
  /** How long the readers took to connect and get their backlog, per round. */
  connectMs: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function measureStreamFlood(options: {
  address: string;
  taskQueue: string;
  client: Client;
  readers: number;
  rounds: number;
  runsPerRound: number;
}): Promise<StreamFloodResult> {
  const { address, taskQueue, client } = options;
  const { api, base } = await startApi(address, taskQueue);
  const samples = { quiet: [] as number[], flooded: [] as number[] };
  const connectMs: number[] = [];
  let workflowId = '';
  try {
    const started = await fetch(`${base}/flows/streamFloodFlow`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"data":7}',
    });
    if (started.status !== 202) throw new Error(`start answered ${started.status}: ${await started.text()}`);
    workflowId = ((await started.json()) as { workflowId: string }).workflowId;
    for (let i = 0; (await getFlowRun(workflowId, { client })).status !== 'WAITING'; i++) {
      if (i > 300) throw new Error('streamFloodFlow never waited');
      await sleep(100);
    }
    const unrelated = async (into: number[]) => {
      for (let i = 0; i < options.runsPerRound; i++) {
        const t = performance.now();
        await executeFlowWorkflow(noopFlow, i, { client, taskQueue });
        into.push(performance.now() - t);
      }
    };
    await unrelated([]); // warm-up
    for (let round = 0; round < options.rounds; round++) {
      await unrelated(samples.quiet);
      const t = performance.now();
      const readers = await Promise.all(Array.from({ length: options.readers }, () => openReader(base, workflowId)));
      connectMs.push(performance.now() - t);
      try {
        await unrelated(samples.flooded);
      } finally {
        for (const reader of readers) reader.abort();
      }
      await sleep(500);
    }
  } finally {
    if (workflowId)
      await client.workflow
        .getHandle(workflowId)
        .terminate('bench over')
        .catch(() => undefined);
    api.kill('SIGTERM');
  }
  const quiet = spread(samples.quiet);
  const flooded = spread(samples.flooded);
  return {
    readers: options.readers,
    rounds: options.rounds,
    runsPerRound: options.runsPerRound,
    quiet,
    flooded,
    ratioP50: flooded.p50 / quiet.p50,
    ratioP95: flooded.p95 / quiet.p95,
    connectMs,
  };
}

/** One SSE reader, connected once it has read the run's first chunk; abort it to leave. */
async function openReader(base: string, workflowId: string): Promise<AbortController> {
  const abort = new AbortController();
  const res = await fetch(`${base}/runs/${encodeURIComponent(workflowId)}/events`, { signal: abort.signal });
  if (res.status !== 200) throw new Error(`events answered ${res.status}: ${await res.text()}`);
  const body = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('id: 1\n')) {
    const { value, done } = await body.read();
    if (done) throw new Error(`the stream ended early: ${text}`);
    text += decoder.decode(value);
  }
  // Keep reading (heartbeats) until aborted, as a browser would.
  void (async () => {
    for (;;) if ((await body.read().catch(() => ({ done: true }))).done) return;
  })();
  return abort;
}

async function startApi(address: string, taskQueue: string): Promise<{ api: ChildProcess; base: string }> {
  const api = spawn(
    process.execPath,
    ['--import', 'tsx', join(__dirname, 'http-api-process.ts'), address, taskQueue, 'streamFloodFlow'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    api.stdout!.on('data', (d) => {
      out += d;
      const port = /listening (\d+)/.exec(out)?.[1];
      if (port) resolve(`http://127.0.0.1:${port}`);
    });
    api.once('exit', (code) => reject(new Error(`the API process exited (${code}) before listening`)));
  });
  return { api, base };
}
