// P10: fairness between callers. Caller A starts `aRuns` runs through the HTTP API, then caller B starts `bRuns`;
// one worker with 2 activity slots works through them (each run is one journaled step of `stepMs`, so A's runs
// are a real backlog). Measured on two dev servers started side by side, one with task-queue fairness on and one
// without, in alternating rounds: how many of A's runs were still unfinished when B's last run finished, and how
// long B waited. The API keys each run by its caller (the principal), so nothing but the server's setting differs.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { genkit, z } from 'genkit';
import { defineTemporalFlow, getTemporalClient, startTemporalWorker, step, temporal } from '../src';
import { bearerTokenAuth, createFlowApi } from '../src/http';
import { startDevServer } from '../src/testing';

const ai = genkit({ plugins: [temporal()] });

/** One journaled step that sleeps `ms`: holds an activity slot that long. */
export const fairShareFlow = defineTemporalFlow(
  ai,
  {
    name: 'fairShareFlow',
    inputSchema: z.object({ ms: z.number().int().min(0).max(10_000) }),
    outputSchema: z.number(),
  },
  async ({ ms }) => step('work', (signal) => sleep(ms, signal).then(() => ms)),
);

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((done, fail) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), fail(signal.reason)), { once: true });
  });

export interface FairnessRound {
  fairness: boolean;
  /** A's runs not yet finished when B's last run finished. */
  aLeftWhenBDone: number;
  /** From B's first start to B's last result. */
  bDoneMs: number;
  /** From A's first start to A's last result. */
  aDoneMs: number;
  /** How long the starts took (A's, then B's), through the API. */
  startMs: { a: number; b: number };
}

export interface FairnessResult {
  aRuns: number;
  bRuns: number;
  stepMs: number;
  activitySlots: number;
  rounds: FairnessRound[];
  /** Medians over the rounds of each side. */
  on: { aLeftWhenBDone: number; bDoneMs: number; aDoneMs: number };
  off: { aLeftWhenBDone: number; bDoneMs: number; aDoneMs: number };
}

const TOKENS = { a: 'bench-caller-a-token-0123456789', b: 'bench-caller-b-token-0123456789' };

export async function measureFairness(opts: {
  cliPath?: string;
  workflowBundlePath: string;
  aRuns: number;
  bRuns: number;
  stepMs: number;
  rounds: number;
}): Promise<FairnessResult> {
  const activitySlots = 2;
  const servers: Record<'on' | 'off', TestWorkflowEnvironment> = {
    on: await startDevServer({ cliPath: opts.cliPath, fairness: true }),
    off: await startDevServer({ cliPath: opts.cliPath, fairness: false }),
  };
  const rounds: FairnessRound[] = [];
  try {
    for (let r = 0; r < opts.rounds * 2; r++) {
      const fairness = r % 2 === 0;
      rounds.push(await round(servers[fairness ? 'on' : 'off'].address, fairness, { ...opts, activitySlots }));
    }
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.teardown()));
  }
  const side = (fairness: boolean) => {
    const of = rounds.filter((x) => x.fairness === fairness);
    return {
      aLeftWhenBDone: median(of.map((x) => x.aLeftWhenBDone)),
      bDoneMs: median(of.map((x) => x.bDoneMs)),
      aDoneMs: median(of.map((x) => x.aDoneMs)),
    };
  };
  const { aRuns, bRuns, stepMs } = opts;
  return { aRuns, bRuns, stepMs, activitySlots, rounds, on: side(true), off: side(false) };
}

async function round(
  address: string,
  fairness: boolean,
  opts: { workflowBundlePath: string; aRuns: number; bRuns: number; stepMs: number; activitySlots: number },
): Promise<FairnessRound> {
  // A fresh queue per round: no backlog or sticky state carries over.
  const taskQueue = `bench-fair-${randomUUID().slice(0, 8)}`;
  const worker = await startTemporalWorker({
    address,
    taskQueue,
    workflowBundle: { codePath: opts.workflowBundlePath },
    handleSignals: false,
    workerOptions: { maxConcurrentActivityTaskExecutions: opts.activitySlots },
  });
  try {
    const client = await getTemporalClient({ address });
    const app = createFlowApi({
      address,
      taskQueue,
      flows: [fairShareFlow],
      auth: bearerTokenAuth({ tokens: { [TOKENS.a]: 'caller-a', [TOKENS.b]: 'caller-b' } }),
    });
    const start = async (token: string) => {
      const res = await app.request('/flows/fairShareFlow', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ data: { ms: opts.stepMs } }),
      });
      if (res.status !== 202) throw new Error(`fairness bench: start answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { workflowId: string }).workflowId;
    };
    const t0 = performance.now();
    const aIds = await inBatches(opts.aRuns, 20, () => start(TOKENS.a));
    const aStarted = performance.now();
    let aDone = 0;
    const aFinished = Promise.all(aIds.map((id) => result(client, id).then(() => aDone++)));
    const bIds = await inBatches(opts.bRuns, 20, () => start(TOKENS.b));
    const bStarted = performance.now();
    await Promise.all(bIds.map((id) => result(client, id)));
    const bDone = performance.now();
    const aLeftWhenBDone = opts.aRuns - aDone;
    await aFinished;
    const aAllDone = performance.now();
    return {
      fairness,
      aLeftWhenBDone,
      bDoneMs: bDone - aStarted,
      aDoneMs: aAllDone - t0,
      startMs: { a: aStarted - t0, b: bStarted - aStarted },
    };
  } finally {
    await worker.shutdown();
  }
}

async function result(client: Client, workflowId: string): Promise<unknown> {
  return client.workflow.getHandle(workflowId).result();
}

async function inBatches<T>(count: number, size: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let first = 0; first < count; first += size) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(size, count - first) }, (_, k) => fn(first + k)))));
  }
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
