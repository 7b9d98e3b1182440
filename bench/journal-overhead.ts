// Journaling overhead per step: a 50-step flow run durably vs. the same flow with `durable: false`, on a
// local dev server over loopback. Runs alternate (A B A B …) so machine drift hits both sides alike.
import { performance } from 'node:perf_hooks';
import { genkit, z } from 'genkit';
import { defineTemporalFlow, executeFlowWorkflow, step, temporal } from '../src';

const STEPS = 50;
const ai = genkit({ plugins: [temporal()] });

/** Latency of every step of the current run, filled by the flow (the worker runs in this process). */
let stepLatencies: number[] = [];

export const fiftyStepFlow = defineTemporalFlow(ai, { name: 'fiftyStepFlow', inputSchema: z.number() }, async (n) => {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    sum += await step(`s${i}`, () => i);
    stepLatencies.push(performance.now() - started);
  }
  return sum;
});

/** The same 50 steps started together (parallel tool calls, Promise.all): their writes are group-committed. */
export const fiftyParallelStepsFlow = defineTemporalFlow(
  ai,
  { name: 'fiftyParallelStepsFlow', inputSchema: z.number() },
  async (n) => {
    const values = await Promise.all(Array.from({ length: n }, (_, i) => step(`p${i}`, () => i)));
    return values.reduce((a, b) => a + b, 0);
  },
);

export interface OverheadResult {
  name: string;
  runsPerSide: number;
  stepsPerRun: number;
  durable: { p50: number; p95: number };
  notDurable: { p50: number; p95: number };
  overheadPerStep: { p50: number; p95: number };
  /** Median durable run time / median non-durable run time. */
  runTimeRatio: number;
  /** 50 parallel steps: (median durable run - median durable:false run) / 50. */
  parallelOverheadPerStepMs: number;
}

export async function measureJournalOverhead(opts: {
  address: string;
  taskQueue: string;
  runs: number;
}): Promise<OverheadResult> {
  const sides = {
    durable: { steps: [] as number[], runs: [] as number[] },
    notDurable: { steps: [] as number[], runs: [] as number[] },
  };
  const parallelRuns = { durable: [] as number[], notDurable: [] as number[] };
  const onceParallel = async (durable: boolean) => {
    const started = performance.now();
    await executeFlowWorkflow(fiftyParallelStepsFlow, STEPS, {
      address: opts.address,
      taskQueue: opts.taskQueue,
      durable,
    });
    (durable ? parallelRuns.durable : parallelRuns.notDurable).push(performance.now() - started);
  };
  const once = async (durable: boolean) => {
    stepLatencies = [];
    const started = performance.now();
    await executeFlowWorkflow(fiftyStepFlow, STEPS, { address: opts.address, taskQueue: opts.taskQueue, durable });
    const side = durable ? sides.durable : sides.notDurable;
    side.runs.push(performance.now() - started);
    side.steps.push(...stepLatencies);
  };
  await once(true); // warm-up: bundle caches, first connections
  await once(false);
  sides.durable = { steps: [], runs: [] };
  sides.notDurable = { steps: [], runs: [] };
  for (let i = 0; i < opts.runs; i++) {
    await once(true);
    await once(false);
    await onceParallel(true);
    await onceParallel(false);
  }
  const d = { p50: percentile(sides.durable.steps, 50), p95: percentile(sides.durable.steps, 95) };
  const n = { p50: percentile(sides.notDurable.steps, 50), p95: percentile(sides.notDurable.steps, 95) };
  return {
    name: 'journal overhead per step (50-step flow, durable vs durable:false)',
    runsPerSide: opts.runs,
    stepsPerRun: STEPS,
    durable: d,
    notDurable: n,
    overheadPerStep: { p50: d.p50 - n.p50, p95: d.p95 - n.p95 },
    runTimeRatio: percentile(sides.durable.runs, 50) / percentile(sides.notDurable.runs, 50),
    parallelOverheadPerStepMs: (percentile(parallelRuns.durable, 50) - percentile(parallelRuns.notDurable, 50)) / STEPS,
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
