// Cold import of the light caller entry (`genkitx-temporal/client`) vs `@temporalio/client` alone, each in
// a fresh Node process, alternating (A B A B …) so machine drift hits both sides alike. Measures the
// `require` itself, not Node's start-up. Needs the built package (`npm run build`).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(__dirname, '..');

export interface ColdImportResult {
  runsPerSide: number;
  /** Median milliseconds to `require` each module in a fresh process. */
  medianMs: Record<string, number>;
  /** Median of the light entry / median of `@temporalio/client`. */
  ratio: number;
  /** Same ratio for the main entry (worker, genkit), for reference. */
  mainEntryRatio: number;
}

/** Milliseconds to `require` the given modules, one after the other, in a fresh Node process. */
export function timeRequire(...specifiers: string[]): number {
  const script = `const t = process.hrtime.bigint(); ${specifiers.map((s) => `require(${JSON.stringify(s)});`).join(' ')} console.log(Number(process.hrtime.bigint() - t) / 1e6)`;
  return Number(execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' }).trim());
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function measureColdImport(runs = 8): ColdImportResult {
  if (!existsSync(resolve(root, 'dist/client/index.js')))
    throw new Error('bench/cold-import: run `npm run build` first');
  const sides = ['@temporalio/client', 'genkitx-temporal/client', 'genkitx-temporal'];
  const samples: Record<string, number[]> = Object.fromEntries(sides.map((s) => [s, []]));
  for (const s of sides) timeRequire(s); // warm the file system cache
  for (let i = 0; i < runs; i++) {
    samples['@temporalio/client'].push(timeRequire('@temporalio/client'));
    samples['genkitx-temporal/client'].push(timeRequire('genkitx-temporal/client'));
    if (i % 2 === 0) samples['genkitx-temporal'].push(timeRequire('genkitx-temporal'));
  }
  const medianMs = Object.fromEntries(sides.map((s) => [s, median(samples[s])]));
  return {
    runsPerSide: runs,
    medianMs,
    ratio: medianMs['genkitx-temporal/client'] / medianMs['@temporalio/client'],
    mainEntryRatio: medianMs['genkitx-temporal'] / medianMs['@temporalio/client'],
  };
}

if (require.main === module) {
  const result = measureColdImport(Number(process.env.BENCH_COLD_RUNS ?? 8));
  console.log(JSON.stringify(result, null, 2));
}
