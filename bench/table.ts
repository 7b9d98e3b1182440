// The one results table of `npm run bench`: a row per measurement with its method, value, same-run baseline,
// ratio and the target's verdict.
export interface BenchRow {
  id: string;
  what: string;
  method: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
  /** undefined: no target for this row. */
  meets?: boolean;
}

export const verdict = (meets: boolean | undefined) => (meets === undefined ? '-' : meets ? 'meets' : 'MISSES');

export function printTable(rows: BenchRow[]): void {
  console.table(
    Object.fromEntries(
      rows.map((r) => [
        `${r.id} ${r.what}`,
        { value: r.value, baseline: r.baseline, ratio: r.ratio, target: r.target, verdict: verdict(r.meets) },
      ]),
    ),
  );
  console.log('\nmethods:');
  for (const r of rows) console.log(`  ${r.id} ${r.what}: ${r.method}`);
}

export const ms = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v.toFixed(v < 10 ? 2 : 0)} ms`);
export const x = (v: number) => `${v.toFixed(2)}x`;
