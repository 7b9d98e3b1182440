// Small statistics shared by the benchmark rows.
import { percentile } from './journal-overhead';

export interface Spread {
  p50: number;
  p95: number;
  n: number;
}

export function spread(samples: number[]): Spread {
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), n: samples.length };
}

/** Runs `a` and `b` alternately `rounds` times (A B A B …: machine drift hits both alike) and times each call. */
export async function interleaved(
  rounds: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
): Promise<{ a: number[]; b: number[] }> {
  const out = { a: [] as number[], b: [] as number[] };
  for (let i = 0; i < rounds; i++) {
    for (const [side, fn] of [
      ['a', a],
      ['b', b],
    ] as const) {
      const started = performance.now();
      await fn();
      out[side].push(performance.now() - started);
    }
  }
  return out;
}
