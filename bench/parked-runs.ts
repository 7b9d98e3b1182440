// 1,000 runs parked on waitForInput at once on one worker: how many activity slots they hold (target: 0) and
// what the worker's memory does while they wait and after they are released.
import { performance } from 'node:perf_hooks';
import type { Worker } from '@temporalio/worker';
import { genkit, z } from 'genkit';
import { defineTemporalFlow, provideFlowInput, startFlowWorkflow, temporal, waitForInput } from '../src';

const ai = genkit({ plugins: [temporal()] });
let reachedWait = 0;

export const parkedFlow = defineTemporalFlow(ai, { name: 'parkedFlow', inputSchema: z.number() }, async (n) => {
  reachedWait++;
  const go = await waitForInput('go', { schema: z.boolean() });
  return go ? n : -n;
});

export interface ParkedResult {
  runs: number;
  parkSeconds: number;
  activitiesInFlightWhileParked: number;
  memoryMiB: { before: Memory; parked: Memory; released: Memory };
  parkedKiBPerRun: number;
}
interface Memory {
  rss: number;
  heapUsed: number;
}

function memory(): Memory {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss / 2 ** 20, heapUsed: m.heapUsed / 2 ** 20 };
}

async function inBatches<T>(count: number, size: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < count; start += size) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(size, count - start) }, (_, k) => fn(start + k)))));
  }
  return out;
}

export async function measureParkedRuns(opts: {
  address: string;
  taskQueue: string;
  worker: Worker;
  runs: number;
}): Promise<ParkedResult> {
  const before = memory();
  const started = performance.now();
  const handles = await inBatches(opts.runs, 50, (i) =>
    startFlowWorkflow(parkedFlow, i, {
      address: opts.address,
      taskQueue: opts.taskQueue,
      workflowId: `parked-${Date.now()}-${i}`,
    }),
  );
  while (reachedWait < opts.runs || opts.worker.getStatus().numInFlightActivities > 0) {
    await new Promise((r) => setTimeout(r, 200));
  }
  // Let the last suspended attempts report back and the worker settle.
  await new Promise((r) => setTimeout(r, 2000));
  const parkSeconds = (performance.now() - started) / 1000;
  const activitiesInFlightWhileParked = opts.worker.getStatus().numInFlightActivities;
  const parked = memory();
  await inBatches(opts.runs, 50, (i) => provideFlowInput(handles[i].workflowId, 'go', true, { address: opts.address }));
  const results = await inBatches(opts.runs, 50, (i) => handles[i].result());
  if (results.some((r, i) => r !== i)) throw new Error('a released run returned the wrong result');
  const released = memory();
  return {
    runs: opts.runs,
    parkSeconds,
    activitiesInFlightWhileParked,
    memoryMiB: { before, parked, released },
    parkedKiBPerRun: ((parked.heapUsed - before.heapUsed) * 1024) / opts.runs,
  };
}
