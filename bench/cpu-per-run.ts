// CPU per run, ours vs hand-written (issue 12, P1 under load): where the extra wall time of 200 concurrent no-op
// runs goes. One dev server; the workers of both sides in one child process (bench/cpu-worker.ts) unless
// CPU_MODE=inproc; the client here. For each batch (sides alternate, rounds repeat) it reads the CPU time of the
// client (this process), the worker process and the dev server from /proc, and divides by the runs.
//
// Run: node --import tsx bench/cpu-per-run.ts
// Env: CPU_CONCURRENT [200] runs per batch, CPU_ROUNDS [3], CPU_SEQ [20] sequential runs per side and round,
//      CPU_MODE [split] | inproc (workers in this process, on the server's NativeConnection: needed for eager start),
//      CPU_SIDES [ours,hand] (also hand-meta: the hand-written workflow started with our start's memo, search
//      attribute, summary and workflow-task timeout; hand-meta-no-memo|sa|summary|wtt: the same without one of them;
//      inproc also: ours-eager, hand-eager = requestEagerStart),
//      CPU_SERVER_ARGS extra `temporal server start-dev` args (e.g. the eager-activity dynamic config),
//      CPU_PROF_DIR: run the worker process with --cpu-prof into this directory (split mode).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { resolveTemporalCli } from '../scripts/temporal-cli.mjs';
import {
  closeTemporalClients,
  executeFlowWorkflow,
  GenkitFlowSearchAttribute,
  getTemporalClient,
  startTemporalWorker,
} from '../src';
import { startDevServer } from '../src/testing';
import { noopFlow } from '../test/harness/worker-flows';
import { callHandwritten, startHandwrittenWorker, HANDWRITTEN_WORKFLOW } from './handwritten';
import { childPids, processCpuMs } from './proc-cpu';
import { spread } from './stats';
import { writeWorkflowBundle } from '../test/harness/worker-processes';
import { randomUUID } from 'node:crypto';

const knob = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const concurrent = knob('CPU_CONCURRENT', 200);
const rounds = knob('CPU_ROUNDS', 3);
const seqRuns = knob('CPU_SEQ', 20);
const mode = process.env.CPU_MODE === 'inproc' ? 'inproc' : 'split';
const sideNames = (process.env.CPU_SIDES ?? 'ours,hand').split(',').map((s) => s.trim());

interface Sample {
  wallMs: number;
  clientMs: number;
  workerMs: number;
  serverMs: number;
}

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const extraArgs = process.env.CPU_SERVER_ARGS?.split(' ').filter(Boolean) ?? [];
  const server = await startDevServer({ cliPath: resolveTemporalCli(), extraArgs });
  const address = server.address;
  const [serverPid] = childPids(process.pid, 'temporal');
  if (!serverPid) throw new Error('dev server process not found');
  const dir = mkdtempSync(join(tmpdir(), 'cpu-per-run-'));
  const stops: Array<() => Promise<unknown>> = [];
  let workerPid = process.pid;
  let client: Client;
  try {
    if (mode === 'split') {
      const bundle = await writeWorkflowBundle(dir);
      const prof = process.env.CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.CPU_PROF_DIR] : [];
      const child = spawn(
        process.execPath,
        [...prof, '--import', 'tsx', join(__dirname, 'cpu-worker.ts'), address, bundle],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      await new Promise<void>((ok, fail) => {
        child.stdout!.on('data', (d) => String(d).includes('ready') && ok());
        child.once('exit', (code) => fail(new Error(`cpu worker exited ${code}`)));
      });
      workerPid = child.pid!;
      stops.push(() => new Promise((done) => (child.once('exit', done), child.kill('SIGTERM'))));
      client = await getTemporalClient({ address });
    } else {
      const ours = await startTemporalWorker({
        address,
        taskQueue: 'cpu-ours',
        connection: server.nativeConnection,
        handleSignals: false,
      });
      const hand = await startHandwrittenWorker(server.nativeConnection, 'cpu-hand');
      stops.push(
        () => ours.shutdown(),
        () => hand.stop(),
      );
      // A client on the workers' NativeConnection: the one kind that can take an eagerly started workflow task.
      client = new Client({ connection: server.nativeConnection });
    }
    const handMeta =
      (without?: string) =>
      (i: number): Promise<unknown> => {
        const meta: Record<string, unknown> = {
          workflowIdConflictPolicy: 'FAIL',
          workflowTaskTimeout: '3s',
          memo: { genkitFlow: 'noopFlow' },
          typedSearchAttributes: [{ key: GenkitFlowSearchAttribute, value: 'noopFlow' }],
          staticSummary: 'Genkit flow noopFlow',
        };
        if (without) delete meta[without];
        return client.workflow.execute(HANDWRITTEN_WORKFLOW, {
          taskQueue: 'cpu-hand',
          workflowId: `hand-${randomUUID()}`,
          args: [i],
          ...meta,
        });
      };
    const sides: Record<string, (i: number) => Promise<unknown>> = {
      ours: (i) => executeFlowWorkflow(noopFlow, i, { client, taskQueue: 'cpu-ours' }),
      hand: (i) => callHandwritten(client, 'cpu-hand', i),
      // What our start adds on the server: memo, search attribute, summary, workflow-task timeout.
      'hand-meta': handMeta(),
      // The same without one of them each: what that one costs.
      'hand-meta-no-memo': handMeta('memo'),
      'hand-meta-no-sa': handMeta('typedSearchAttributes'),
      'hand-meta-no-summary': handMeta('staticSummary'),
      'hand-meta-no-wtt': handMeta('workflowTaskTimeout'),
      // What a heartbeat at attempt start costs.
      'hand-hb': (i) =>
        client.workflow.execute('handwrittenHeartbeatWorkflow', {
          taskQueue: 'cpu-hand',
          workflowId: `hand-${randomUUID()}`,
          args: [i],
        }),
      'ours-eager': (i) => executeFlowWorkflow(noopFlow, i, { client, taskQueue: 'cpu-ours', requestEagerStart: true }),
      'hand-eager': (i) =>
        client.workflow.execute(HANDWRITTEN_WORKFLOW, {
          taskQueue: 'cpu-hand',
          workflowId: `hand-${randomUUID()}`,
          args: [i],
          requestEagerStart: true,
        }),
    };
    const chosen = sideNames.map((n) => {
      if (!sides[n]) throw new Error(`unknown side ${n}`);
      return [n, sides[n]] as const;
    });
    for (let i = 0; i < 5; i++) for (const [, run] of chosen) await run(i); // warm-up
    await Promise.all(chosen.flatMap(([, run]) => Array.from({ length: 20 }, (_, i) => run(i))));

    const measure = async (batch: () => Promise<unknown>, runs: number): Promise<Sample> => {
      const c0 = process.cpuUsage();
      const w0 = mode === 'split' ? processCpuMs(workerPid) : 0;
      const s0 = processCpuMs(serverPid);
      const t0 = performance.now();
      await batch();
      const wallMs = performance.now() - t0;
      const c = process.cpuUsage(c0);
      const clientMs = (c.user + c.system) / 1000;
      return {
        wallMs,
        clientMs: clientMs / runs,
        workerMs: mode === 'split' ? (processCpuMs(workerPid) - w0) / runs : 0,
        serverMs: (processCpuMs(serverPid) - s0) / runs,
      };
    };
    const conc: Record<string, Sample[]> = {};
    const seq: Record<string, Sample[]> = {};
    const seqLatency: Record<string, number[]> = {};
    for (let r = 0; r < rounds; r++) {
      for (const [name, run] of r % 2 ? [...chosen].reverse() : chosen) {
        (conc[name] ??= []).push(
          await measure(() => Promise.all(Array.from({ length: concurrent }, (_, i) => run(i))), concurrent),
        );
      }
      if (seqRuns > 0) {
        for (const [name, run] of r % 2 ? [...chosen].reverse() : chosen) {
          const lat = (seqLatency[name] ??= []);
          (seq[name] ??= []).push(
            await measure(async () => {
              for (let i = 0; i < seqRuns; i++) {
                const t = performance.now();
                await run(i);
                lat.push(performance.now() - t);
              }
            }, seqRuns),
          );
        }
      }
    }
    const med = (xs: number[]) => spread(xs).p50;
    const summary = (samples: Record<string, Sample[]>) =>
      Object.fromEntries(
        Object.entries(samples).map(([name, s]) => [
          name,
          {
            'wall ms (median)': Math.round(med(s.map((x) => x.wallMs))),
            'wall ms (all)': s.map((x) => Math.round(x.wallMs)).join(' '),
            'client cpu ms/run': +med(s.map((x) => x.clientMs)).toFixed(2),
            'worker cpu ms/run': +med(s.map((x) => x.workerMs)).toFixed(2),
            'server cpu ms/run': +med(s.map((x) => x.serverMs)).toFixed(2),
            'total cpu ms/run': +med(s.map((x) => x.clientMs + x.workerMs + x.serverMs)).toFixed(2),
          },
        ]),
      );
    console.log(
      `mode ${mode}, ${concurrent} concurrent x ${rounds} rounds, load ${loadavg().map((l) => l.toFixed(1))}`,
    );
    console.table(summary(conc));
    if (seqRuns > 0) {
      console.log(`sequential, ${seqRuns} per side per round`);
      console.table(summary(seq));
      console.table(
        Object.fromEntries(
          Object.entries(seqLatency).map(([n, xs]) => [
            n,
            { p50: +med(xs).toFixed(1), p95: +spread(xs).p95.toFixed(1) },
          ]),
        ),
      );
    }
    if (process.env.CPU_JSON)
      writeFileSync(process.env.CPU_JSON, JSON.stringify({ mode, concurrent, conc, seq, seqLatency }));
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await closeTemporalClients();
    await server.teardown();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
