// P6: throughput of CPU-bound flows (each step burns `cpuMs` of the worker's own CPU) with 1 and with 2 worker
// processes on one queue, for the library's worker and — the baseline pair — a hand-written Temporal worker
// (plain `Worker`, a workflow running the same steps as activities, no genkitx-temporal): the hand-written pair's
// 2/1 ratio is what this machine gives a second process, beside ours. Each round runs the four configurations
// (ours 1, hand 1, ours 2, hand 2, the order turning every round) on a fresh queue with fresh processes, starts
// `runs` runs together and times them to the last result. A worker process is one JavaScript thread for
// activities, so this is what adding a process buys. Each configuration also records where the CPU went (the
// driver = this process, the dev server, each worker, the whole machine, from /proc), how the runs' activity
// tasks spread over the workers and their schedule-to-start latency (from the histories).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { writeFile } from 'node:fs/promises';
import { startFlowWorkflow } from '../src';
import { cpuFlow } from '../test/harness/worker-flows';
import { spawnWorkerProcess, stopWorkerProcess, type WorkerProcess } from '../test/harness/worker-processes';
import { processCpuMs } from './proc-cpu';

export type ThroughputSide = 'ours' | 'hand';

export interface ThroughputSample {
  side: ThroughputSide;
  processes: number;
  runsPerSecond: number;
  wallMs: number;
  /** CPU ms during the timed part: this process (client), the dev server, each worker; the machine's busy ms. */
  cpuMs: { driver: number; server?: number; workers: number[]; machineBusy?: number; machineTotal?: number };
  /** Activity tasks each worker started (by identity), in the order of `cpuMs.workers`. */
  activityTasksPerWorker: number[];
  /** Activity task schedule → start, ms over every activity of the round. */
  activityScheduleToStartMs: { p50: number; p95: number; max: number };
  /** Workflow task schedule → start, ms. */
  workflowTaskScheduleToStartMs: { p50: number; p95: number; max: number };
  /** Per run (means): workflow tasks started, of them timed out (a sticky task not picked up in time: replayed elsewhere), history events. */
  perRun: { workflowTasks: number; workflowTasksTimedOut: number; events: number };
}

export interface ThroughputResult {
  runs: number;
  steps: number;
  cpuMs: number;
  rounds: number;
  /** Medians of the rounds, runs/s. */
  ours: { one: number; two: number; ratio: number };
  hand: { one: number; two: number; ratio: number };
  /** ours ratio / hand ratio: 1 = ours gains from a second process what the machine gives a plain worker. */
  ratioOfRatios: number;
  /** The same per round (each round's four configurations ran back to back): how noisy one round is. */
  perRoundOfCeiling: number[];
  samples: ThroughputSample[];
}

/** The middle sample, or the mean of the two middle ones (the default 2 rounds: their mean, not the faster one). */
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? 0;
const summary = (xs: number[]) => ({ p50: pct(xs, 50), p95: pct(xs, 95), max: Math.max(0, ...xs) });

/** Busy and total CPU ms of the whole machine so far (/proc/stat), or undefined off Linux. */
function machineCpuMs(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = fields[3] + fields[4];
    return { busy: (total - idle) * 10, total: total * 10 };
  } catch {
    return undefined;
  }
}

/** Bundles the hand-written workflow once, as a deployment would. */
async function writeHandBundle(dir: string): Promise<string> {
  const quiet = () => undefined;
  const logger = { trace: quiet, debug: quiet, info: quiet, warn: console.warn, error: console.error, log: quiet };
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('./throughput-hand-workflow'), logger });
  const path = join(dir, 'throughput-hand-bundle.js');
  await writeFile(path, code);
  return path;
}

async function histories(client: Client, ids: string[]) {
  const activity: number[] = [];
  const workflowTask: number[] = [];
  const perIdentity = new Map<string, number>();
  let workflowTasks = 0;
  let timedOut = 0;
  let eventCount = 0;
  const ms = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
    Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
  for (const id of ids) {
    const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
    const scheduled = new Map<string, number>();
    eventCount += events.length;
    for (const e of events) {
      if (e.workflowTaskTimedOutEventAttributes) timedOut++;
      const at = ms(e.eventTime);
      const eid = String(e.eventId);
      if (e.activityTaskScheduledEventAttributes || e.workflowTaskScheduledEventAttributes) scheduled.set(eid, at);
      const a = e.activityTaskStartedEventAttributes;
      if (a) {
        activity.push(at - (scheduled.get(String(a.scheduledEventId)) ?? at));
        perIdentity.set(a.identity ?? '?', (perIdentity.get(a.identity ?? '?') ?? 0) + 1);
      }
      const w = e.workflowTaskStartedEventAttributes;
      if (w) {
        workflowTasks++;
        workflowTask.push(at - (scheduled.get(String(w.scheduledEventId)) ?? at));
      }
    }
  }
  const n = Math.max(1, ids.length);
  const perRun = { workflowTasks: workflowTasks / n, workflowTasksTimedOut: timedOut / n, events: eventCount / n };
  return { activity, workflowTask, perIdentity, perRun };
}

export async function measureThroughput(opts: {
  address: string;
  client: Client;
  bundlePath: string;
  dir: string;
  serverPid?: number;
  runs: number;
  steps: number;
  cpuMs: number;
  rounds: number;
}): Promise<ThroughputResult> {
  const handBundle = await writeHandBundle(opts.dir);
  const samples: ThroughputSample[] = [];
  const configs: Array<[ThroughputSide, number]> = [
    ['ours', 1],
    ['hand', 1],
    ['ours', 2],
    ['hand', 2],
  ];
  for (let r = 0; r < opts.rounds; r++) {
    // The order turns each round, so no configuration always runs first (or right after the heaviest one).
    const order = r % 2 === 0 ? configs : [...configs].reverse();
    for (const [side, processes] of order) samples.push(await oneRound(opts, side, processes, handBundle, r));
  }
  const rate = (side: ThroughputSide, n: number) =>
    median(samples.filter((s) => s.side === side && s.processes === n).map((s) => s.runsPerSecond));
  const ours = { one: rate('ours', 1), two: rate('ours', 2), ratio: 0 };
  const hand = { one: rate('hand', 1), two: rate('hand', 2), ratio: 0 };
  ours.ratio = ours.two / ours.one;
  hand.ratio = hand.two / hand.one;
  const perRoundOfCeiling = Array.from({ length: opts.rounds }, (_, r) => {
    const round = samples.slice(r * 4, r * 4 + 4);
    const get = (side: ThroughputSide, n: number) =>
      round.find((s) => s.side === side && s.processes === n)!.runsPerSecond;
    return get('ours', 2) / get('ours', 1) / (get('hand', 2) / get('hand', 1));
  });
  const { runs, steps, cpuMs, rounds } = opts;
  return {
    runs,
    steps,
    cpuMs,
    rounds,
    ours,
    hand,
    ratioOfRatios: ours.ratio / hand.ratio,
    perRoundOfCeiling,
    samples,
  };
}

async function oneRound(
  opts: Parameters<typeof measureThroughput>[0],
  side: ThroughputSide,
  processes: number,
  handBundle: string,
  round: number,
): Promise<ThroughputSample> {
  // A fresh queue per round: no sticky workflow state or backlog carries over between rounds.
  const taskQueue = `bench-tput-${side}-${processes}-${round}-${Date.now().toString(36)}`;
  // BENCH_P6_PROFILE=1: each worker writes a CPU profile of its main thread into BENCH_P6_PROFILE_DIR when it exits
  // (cpu-profile-preload.cjs); the workers are then stopped with SIGTERM so that they exit.
  const profDir = process.env.BENCH_P6_PROFILE === '1' ? process.env.BENCH_P6_PROFILE_DIR : undefined;
  const target = {
    address: opts.address,
    taskQueue,
    ...(profDir && { env: { NODE_OPTIONS: `--require ${require.resolve('./cpu-profile-preload.cjs')}` } }),
    ...(side === 'ours'
      ? { bundlePath: opts.bundlePath }
      : { bundlePath: handBundle, script: require.resolve('./throughput-hand-worker') }),
  };
  const workers: WorkerProcess[] = await Promise.all(
    Array.from({ length: processes }, () => spawnWorkerProcess(target)),
  );
  const start = (steps: number, cpuMs: number): Promise<{ id: string; result: () => Promise<number> }> =>
    side === 'ours'
      ? startFlowWorkflow(cpuFlow, { steps, cpuMs }, { address: opts.address, taskQueue }).then((h) => ({
          id: h.workflowId,
          result: () => h.result(),
        }))
      : opts.client.workflow
          .start('handwrittenCpuWorkflow', {
            taskQueue,
            workflowId: `hand-cpu-${randomUUID()}`,
            args: [{ steps, cpuMs }],
          })
          .then((h) => ({ id: h.workflowId, result: () => h.result() as Promise<number> }));
  try {
    // Warm-up outside the timing: every process has run a flow once (first calls compile code, open connections).
    const warm = await Promise.all(Array.from({ length: processes * 2 }, () => start(1, 1)));
    await Promise.all(warm.map((h) => h.result()));
    const cpuBefore = {
      driver: process.cpuUsage(),
      server: opts.serverPid ? processCpuMs(opts.serverPid) : undefined,
      workers: workers.map((w) => processCpuMs(w.pid)),
      machine: machineCpuMs(),
    };
    const started = performance.now();
    const handles = await Promise.all(Array.from({ length: opts.runs }, () => start(opts.steps, opts.cpuMs)));
    const results = await Promise.all(handles.map((h) => h.result()));
    const wallMs = performance.now() - started;
    const driver = process.cpuUsage(cpuBefore.driver);
    const machine = machineCpuMs();
    const cpuMs = {
      driver: (driver.user + driver.system) / 1000,
      server: opts.serverPid ? processCpuMs(opts.serverPid) - (cpuBefore.server ?? 0) : undefined,
      workers: workers.map((w, i) => processCpuMs(w.pid) - cpuBefore.workers[i]),
      machineBusy: machine && cpuBefore.machine ? machine.busy - cpuBefore.machine.busy : undefined,
      machineTotal: machine && cpuBefore.machine ? machine.total - cpuBefore.machine.total : undefined,
    };
    if (results.some((n) => n !== opts.steps)) throw new Error('throughput bench: a run returned a wrong result');
    const h = await histories(
      opts.client,
      handles.map((x) => x.id),
    );
    const sample: ThroughputSample = {
      side,
      processes,
      runsPerSecond: (opts.runs * 1000) / wallMs,
      wallMs,
      cpuMs,
      activityTasksPerWorker: workers.map((w) => h.perIdentity.get(`worker-${w.pid}`) ?? 0),
      activityScheduleToStartMs: summary(h.activity),
      workflowTaskScheduleToStartMs: summary(h.workflowTask),
      perRun: h.perRun,
    };
    if (process.env.BENCH_P6_VERBOSE) console.error(`[P6] ${JSON.stringify(sample)}`);
    return sample;
  } finally {
    await Promise.all(workers.map((w) => stopWorkerProcess(w, profDir ? 'SIGTERM' : 'SIGKILL')));
  }
}
