// Fast paths of issue 12, measured: a no-op flow through `executeFlowWorkflow` vs the hand-written workflow +
// activity (bench/fast-paths-workflows.ts) on one dev server, interleaved A B A B, sequential and concurrent;
// plus the history events of one run of each. Run: `node --import tsx bench/fast-paths.ts` (FAST_RUNS, FAST_CONCURRENT).
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { genkit, z } from 'genkit';
import { resolveTemporalCli } from '../scripts/temporal-cli.mjs';
import { closeTemporalClients, defineTemporalFlow, executeFlowWorkflow, getTemporalClient, temporal } from '../src';
import { startDevServer } from '../src/testing';
import { startTemporalWorker } from '../src/worker/start-worker';

const ai = genkit({ plugins: [temporal()] });
const fastNoopFlow = defineTemporalFlow(ai, { name: 'fastNoopFlow', inputSchema: z.number() }, async (n) => n);

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const ms = (v: number) => `${v.toFixed(1)} ms`;
const tsMs = (ts: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  ts ? Number(ts.seconds ?? 0) * 1000 + (ts.nanos ?? 0) / 1e6 : 0;

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const runs = Number(process.env.FAST_RUNS ?? 40);
  const concurrent = Number(process.env.FAST_CONCURRENT ?? 200);
  const server = await startDevServer({ cliPath: resolveTemporalCli() });
  const address = server.address;
  const ours = await startTemporalWorker({ address, taskQueue: 'fast-ours', handleSignals: false });
  const hand = await Worker.create({
    connection: server.nativeConnection,
    taskQueue: 'fast-hand',
    workflowsPath: require.resolve('./fast-paths-workflows'),
    activities: { handNoopActivity: async (n: number) => n },
  });
  const handRun = hand.run();
  const client = await getTemporalClient({ address });
  const viaFlow = (i: number) => executeFlowWorkflow(fastNoopFlow, i, { address, taskQueue: 'fast-ours' });
  const viaHand = (i: number) =>
    client.workflow.execute('handNoopWorkflow', {
      taskQueue: 'fast-hand',
      workflowId: `hand-${randomUUID()}`,
      args: [i],
    });
  try {
    for (let i = 0; i < 5; i++) await Promise.all([viaFlow(i), viaHand(i)]); // warm-up
    const seq = { flow: [] as number[], hand: [] as number[] };
    for (let i = 0; i < runs; i++) {
      for (const [side, fn] of [
        ['flow', viaFlow],
        ['hand', viaHand],
      ] as const) {
        const t = performance.now();
        if ((await fn(i)) !== i) throw new Error(`${side} returned a wrong result`);
        seq[side].push(performance.now() - t);
      }
    }
    const wall = { flow: [] as number[], hand: [] as number[] };
    for (let round = 0; round < 2; round++) {
      for (const [side, fn] of [
        ['flow', viaFlow],
        ['hand', viaHand],
      ] as const) {
        const t = performance.now();
        await Promise.all(Array.from({ length: concurrent }, (_, i) => fn(i)));
        wall[side].push(performance.now() - t);
      }
    }
    const events = async (workflowId: string) => (await client.workflow.getHandle(workflowId).fetchHistory()).events!;
    const flowHandle = await client.workflow.start('runGenkitFlow', {
      taskQueue: 'fast-ours',
      workflowId: `events-${randomUUID()}`,
      args: [{ flowName: 'fastNoopFlow', input: 1 }],
    });
    await flowHandle.result();
    const flowLibHandleId = `events-lib-${randomUUID()}`;
    await executeFlowWorkflow(fastNoopFlow, 1, { address, taskQueue: 'fast-ours', workflowId: flowLibHandleId });
    const handId = `events-hand-${randomUUID()}`;
    await client.workflow.execute('handNoopWorkflow', { taskQueue: 'fast-hand', workflowId: handId, args: [1] });
    const rawEvents = await events(flowHandle.workflowId);
    const libEvents = await events(flowLibHandleId);
    const handEvents = await events(handId);
    console.log(`\nno-op run, ${runs} sequential per side (interleaved), ${concurrent} concurrent x2 rounds`);
    console.table({
      'executeFlowWorkflow (no-op flow)': {
        p50: ms(pct(seq.flow, 0.5)),
        p95: ms(pct(seq.flow, 0.95)),
        [`${concurrent} concurrent (best)`]: ms(Math.min(...wall.flow)),
      },
      'hand-written workflow + activity': {
        p50: ms(pct(seq.hand, 0.5)),
        p95: ms(pct(seq.hand, 0.95)),
        [`${concurrent} concurrent (best)`]: ms(Math.min(...wall.hand)),
      },
    });
    console.log(
      `ratio p50 ${(pct(seq.flow, 0.5) / pct(seq.hand, 0.5)).toFixed(2)}x, p95 ${(pct(seq.flow, 0.95) / pct(seq.hand, 0.95)).toFixed(2)}x, ` +
        `concurrent ${(Math.min(...wall.flow) / Math.min(...wall.hand)).toFixed(2)}x`,
    );
    const kinds = (evs: typeof rawEvents) => evs.map((e) => String(e.eventType)).join(',');
    console.log(
      `history events: executeFlowWorkflow ${libEvents.length}, started by name (other SDK) ${rawEvents.length}, hand-written ${handEvents.length}`,
    );
    // Where the ~100 ms of a hand-written no-op run go: the gaps between its history events (server clock),
    // median of 20 sequential runs, and what the client sees end to end.
    const gaps: number[][] = [];
    const totals: number[] = [];
    for (let i = 0; i < 20; i++) {
      const id = `floor-${randomUUID()}`;
      const t = performance.now();
      await client.workflow.execute('handNoopWorkflow', { taskQueue: 'fast-hand', workflowId: id, args: [1] });
      totals.push(performance.now() - t);
      const evs = await events(id);
      gaps.push(evs.slice(1).map((e, j) => tsMs(e.eventTime) - tsMs(evs[j].eventTime)));
    }
    const names = handEvents.slice(1).map((e, j) => `${handEvents[j].eventType}->${e.eventType}`);
    console.log(
      `hand-written no-op run: client end to end p50 ${ms(pct(totals, 0.5))}; median gaps between events (ms):`,
    );
    console.log(
      names
        .map(
          (n, j) =>
            `${n} ${pct(
              gaps.map((g) => g[j]),
              0.5,
            ).toFixed(1)}`,
        )
        .join(', '),
    );
    if (process.env.FAST_EVENTS) {
      console.log('lib :', kinds(libEvents));
      console.log('name:', kinds(rawEvents));
    }
  } finally {
    hand.shutdown();
    await handRun;
    await ours.shutdown();
    await closeTemporalClients();
    await server.teardown();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
