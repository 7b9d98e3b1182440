// `npm run bench`: starts a local dev server and a worker, runs the benchmarks, prints a results table and
// writes bench/results/latest.json. Targets are checked here, never in tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { resolveTemporalCli } from '../scripts/temporal-cli.mjs';
import { getTemporalClient } from '../src';
import { withLocalTemporal } from '../src/testing';
import { measurePayloadOverhead, measureStepOverhead, printEncryptionOverhead } from './encryption-overhead';
import { measureColdImport } from './cold-import';
import { measureHttpStart } from './http-start';
import { measureJournalOverhead } from './journal-overhead';
import { measureParkedRuns } from './parked-runs';
import { measureUpdateRtt } from './update-rtt';

const TARGET_OVERHEAD_P50_MS = 5;
const TARGET_COLD_IMPORT_RATIO = 1.5;
const TARGET_HTTP_START_RATIO = 1.2;

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const runs = Number(process.env.BENCH_RUNS ?? 10);
  const taskQueue = 'bench';
  await withLocalTemporal({ cliPath: resolveTemporalCli(), taskQueue }, async ({ server, worker }) => {
    const journal = await measureJournalOverhead({ address: server.address, taskQueue, runs });
    const updateRtt = await measureUpdateRtt(
      server.nativeConnection,
      await getTemporalClient({ address: server.address }),
      200,
    );
    const ms = (v: number) => `${v.toFixed(2)} ms`;
    console.log(`\n${journal.name}, ${journal.runsPerSide} runs per side`);
    console.table({
      'durable step latency': { p50: ms(journal.durable.p50), p95: ms(journal.durable.p95) },
      'durable:false step latency': { p50: ms(journal.notDurable.p50), p95: ms(journal.notDurable.p95) },
      'journaling overhead per step': { p50: ms(journal.overheadPerStep.p50), p95: ms(journal.overheadPerStep.p95) },
      'baseline: one bare Update round trip': { p50: ms(updateRtt.p50), p95: ms(updateRtt.p95) },
    });
    const perRtt = journal.overheadPerStep.p50 / updateRtt.p50;
    console.log(`overhead per step / bare Update round trip (p50): ${perRtt.toFixed(2)}x`);
    const verdict = journal.overheadPerStep.p50 <= TARGET_OVERHEAD_P50_MS ? 'meets' : 'MISSES';
    console.log(`run time ratio durable / durable:false: ${journal.runTimeRatio.toFixed(2)}x`);
    console.log(
      `50 parallel steps (group commit): overhead per step ${ms(journal.parallelOverheadPerStepMs)} (median run, durable - durable:false, / 50)`,
    );
    console.log(`target: overhead p50 <= ${TARGET_OVERHEAD_P50_MS} ms per step -> ${verdict}`);

    const parked = await measureParkedRuns({
      address: server.address,
      taskQueue,
      worker: worker.worker,
      runs: Number(process.env.BENCH_PARKED ?? 1000),
    });
    const mib = (v: number) => `${v.toFixed(1)} MiB`;
    console.log(`\n${parked.runs} runs parked on waitForInput (all waiting after ${parked.parkSeconds.toFixed(1)} s)`);
    console.log(`activity slots held while parked: ${parked.activitiesInFlightWhileParked} (target 0)`);
    console.table({
      'before starting': { rss: mib(parked.memoryMiB.before.rss), heapUsed: mib(parked.memoryMiB.before.heapUsed) },
      'all parked': { rss: mib(parked.memoryMiB.parked.rss), heapUsed: mib(parked.memoryMiB.parked.heapUsed) },
      'all released and done': {
        rss: mib(parked.memoryMiB.released.rss),
        heapUsed: mib(parked.memoryMiB.released.heapUsed),
      },
    });
    console.log(`heap per parked run: ${parked.parkedKiBPerRun.toFixed(1)} KiB`);

    const encryption = {
      payload1MiB: await measurePayloadOverhead(),
      journaledStep: await measureStepOverhead({ address: server.address, runs: Math.min(runs, 10) }),
    };
    printEncryptionOverhead(encryption);
    const httpStart = await measureHttpStart({ address: server.address, runs: Number(process.env.BENCH_HTTP ?? 30) });
    console.log(`\nstart a run, warm, ${httpStart.runsPerSide} per side`);
    console.table({
      'HTTP POST /flows/:name (202)': { p50: ms(httpStart.http.p50), p95: ms(httpStart.http.p95) },
      'raw client.workflow.start': { p50: ms(httpStart.raw.p50), p95: ms(httpStart.raw.p95) },
      'startFlowWorkflow (in-process)': { p50: ms(httpStart.library.p50), p95: ms(httpStart.library.p95) },
    });
    const httpVerdict = httpStart.ratio <= TARGET_HTTP_START_RATIO ? 'meets' : 'MISSES';
    console.log(
      `HTTP / raw (p50): ${httpStart.ratio.toFixed(2)}x, target <= ${TARGET_HTTP_START_RATIO} -> ${httpVerdict}`,
    );

    const coldImport = measureColdImport(Number(process.env.BENCH_COLD_RUNS ?? 8));
    console.log(`\ncold require in a fresh process, median of ${coldImport.runsPerSide}`);
    console.table(Object.fromEntries(Object.entries(coldImport.medianMs).map(([k, v]) => [k, { median: ms(v) }])));
    const coldVerdict = coldImport.ratio <= TARGET_COLD_IMPORT_RATIO ? 'meets' : 'MISSES';
    console.log(
      `genkitx-temporal/client / @temporalio/client: ${coldImport.ratio.toFixed(2)}x, target <= ` +
        `${TARGET_COLD_IMPORT_RATIO} -> ${coldVerdict} (main entry: ${coldImport.mainEntryRatio.toFixed(2)}x)`,
    );

    mkdirSync(join(__dirname, 'results'), { recursive: true });
    const out = join(__dirname, 'results', 'latest.json');
    writeFileSync(
      out,
      JSON.stringify(
        {
          date: new Date().toISOString(),
          node: process.version,
          journal,
          updateRtt,
          parked,
          encryption,
          httpStart,
          coldImport,
          overheadPerUpdateRtt: perRtt,
          targetP50Ms: TARGET_OVERHEAD_P50_MS,
        },
        null,
        2,
      ),
    );
    console.log(`results: ${out}`);
  });
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
