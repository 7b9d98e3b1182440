// Flows run by the benchmark and chaos worker processes (worker-program.ts). Every real execution of a step, and
// every acknowledged one, is noted in the ledger outside the workers (LEDGER_FILE), so a driver can prove that no
// journaled step ran twice and time failovers from the outside.
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { genkit, z } from 'genkit';
import { defineTemporalFlow, step, temporal } from '../../src';
import { burn } from './burn';
import { note } from './ledger';

export const ai = genkit({ plugins: [temporal()] });

/** The value step `i` of `topic` returns: a pure function, so an uninterrupted run's output is known. */
export function stepValue(topic: string, i: number): string {
  return createHash('sha256').update(`${topic}/${i}`).digest('hex').slice(0, 12);
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((done, fail) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), fail(signal.reason)), { once: true });
  });

const ChaosInput = z.object({
  /** Decides the output. */
  topic: z.string(),
  /** Names the run in the ledger only (so an uninterrupted reference run and the chaos run stay apart). */
  run: z.string(),
  steps: z.number().int().min(1).max(100),
  stepMs: z.number().int().min(0).max(60_000),
});

/**
 * `steps` journaled steps of `stepMs` each. Two attempts at most: a lost worker (SIGKILL, SIGTERM) must never
 * cost an attempt, so a run that fails here shows that failover spent the retry budget.
 */
export const chaosFlow = defineTemporalFlow(
  ai,
  {
    name: 'chaosFlow',
    inputSchema: ChaosInput,
    outputSchema: z.array(z.string()),
    temporal: { heartbeatTimeout: '3s', retry: { maximumAttempts: 2, initialInterval: '200ms' } },
  },
  async ({ topic, run, steps, stepMs }) => {
    const values: string[] = [];
    for (let i = 0; i < steps; i++) {
      values.push(
        await step(`s${i}`, async (signal) => {
          note('start', `s${i}`, { run });
          await sleep(stepMs, signal);
          return stepValue(topic, i);
        }),
      );
      // step() resolves only once the journal has acknowledged the write: from here on, s<i> must never run again.
      note('done', `s${i}`, { run });
    }
    return values;
  },
);

/** Step `hold` waits for GATE_FILE to exist: a failover benchmark kills the worker holding it. */
export const failoverFlow = defineTemporalFlow(
  ai,
  {
    name: 'failoverFlow',
    inputSchema: z.object({ run: z.string() }),
    temporal: { heartbeatTimeout: '3s', retry: { maximumAttempts: 3, initialInterval: '200ms' } },
  },
  async ({ run }) => {
    await step('first', () => note('start', 'first', { run }));
    await step('hold', async (signal) => {
      note('start', 'hold', { run });
      while (!existsSync(process.env.GATE_FILE ?? '')) await sleep(20, signal);
    });
    return run;
  },
);

/** `steps` steps of `cpuMs` CPU each: throughput scales with worker processes, not with activity slots. */
export const cpuFlow = defineTemporalFlow(
  ai,
  {
    name: 'cpuFlow',
    inputSchema: z.object({ steps: z.number().int().min(1), cpuMs: z.number().min(0) }),
  },
  async ({ steps, cpuMs }) => {
    let total = 0;
    for (let i = 0; i < steps; i++) total += await step(`c${i}`, () => (burn(cpuMs), 1));
    return total;
  },
);

/** No work at all: what a run costs the library (P1, P2). */
export const noopFlow = defineTemporalFlow(ai, { name: 'noopFlow', inputSchema: z.number() }, async (n) => n);
