// `npm run chaos [-- --runs 200 --kill-every-ms 3000 ...]`: see chaos.ts. Flags win over env (CHAOS_RUNS, …).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { resolveTemporalCli } from '../scripts/temporal-cli.mjs';
import { causesReport, chaosTable, defaultChaosOptions, runChaos, type ChaosOptions } from '../test/harness/chaos';

type Sizes = typeof defaultChaosOptions;
const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const envName = (k: string) => `CHAOS_${kebab(k).replace(/-/g, '_').toUpperCase()}`;

function options(): ChaosOptions {
  const keys = Object.keys(defaultChaosOptions) as Array<keyof Sizes>;
  const { values } = parseArgs({ options: Object.fromEntries(keys.map((k) => [kebab(k), { type: 'string' }])) });
  const sizes = { ...defaultChaosOptions };
  for (const k of keys) {
    const raw = (values as Record<string, string | undefined>)[kebab(k)] ?? process.env[envName(k)];
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`chaos: --${kebab(k)} must be a whole number >= 0, got "${raw}"`);
    sizes[k] = n;
  }
  const cliPath = resolveTemporalCli();
  if (!cliPath) throw new Error('chaos: no Temporal CLI (run `node scripts/setup.mjs`)');
  return { ...sizes, cliPath, log: (line) => console.log(line) };
}

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const opts = options();
  const reports = await runChaos(opts);
  console.log('\nchaos: faults injected and outcomes');
  console.table(chaosTable(reports));
  for (const r of reports) console.log(`\n${causesReport(r).join('\n')}`);
  const violations = reports.flatMap((r) => r.violations.map((v) => `${r.scenario}: ${v}`));
  for (const v of violations) console.log(`VIOLATION ${v}`);
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  const { log: _log, cliPath: _cli, ...sizes } = opts;
  writeFileSync(
    join(__dirname, 'results', 'chaos-latest.json'),
    JSON.stringify({ date: new Date().toISOString(), node: process.version, sizes, reports }, null, 2),
  );
  console.log(violations.length ? `\n${violations.length} violation(s)` : '\nno violations');
  process.exit(violations.length ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
