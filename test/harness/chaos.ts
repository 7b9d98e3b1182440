// `npm run chaos`: faults injected into real processes while runs are in flight, then every promise checked.
//   1. worker SIGKILLs + a dev-server SIGKILL: N runs x 5 steps on 2 worker processes; every few seconds one
//      worker is SIGKILLed and a fresh one started; mid-run the dev server is SIGKILLed and restarted on its
//      persistent SQLite file. All runs must complete with the output of an uninterrupted run, and no journaled
//      step may run again (ledger outside the workers).
//   2. rolling SIGTERM restarts every 2 s (a Cloud Run deploy) under a 10-step flow: no run may fail or spend its
//      retry budget (the flow allows 2 attempts), and every stopping worker must exit 0.
// Prints a table of faults and outcomes; exits 1 on any violation. Sizes: flags or env (see `chaosOptions`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { stepValue } from './worker-flows';
import { awaitChaosRun, startChaosRun, type ChaosRunSpec, type RunOutcome } from './chaos-runs';
import { startPersistentDevServer, type DevServerProcess } from './dev-server-process';
import { checkNoRepeats, readLedger } from './ledger';
import {
  spawnWorkerProcess,
  stopWorkerProcess,
  writeWorkflowBundle,
  type WorkerProcess,
  type WorkerTarget,
} from './worker-processes';

export interface ChaosOptions {
  /** Path of the `temporal` CLI. */
  cliPath: string;
  /** Scenario 1: runs, steps per run, milliseconds per step, gap between starts. */
  runs: number;
  steps: number;
  stepMs: number;
  startGapMs: number;
  /** Scenario 1: how many of the runs also run uninterrupted first, as the reference (all: `runs`). */
  referenceRuns: number;
  /** Scenario 1: SIGKILL a worker this often (0: never), at most `maxKills` times, only within `chaosWindowMs`. */
  killEveryMs: number;
  maxKills: number;
  /**
   * Scenario 1: faults stop this long after the first start; then the runs must recover. Without a window, kills
   * every few seconds on a starved machine can outpace failover (each kill costs a heartbeat timeout) forever.
   */
  chaosWindowMs: number;
  /** Scenario 1: SIGKILL the dev server this many ms after the first start (0: never), down for `serverDownMs`. */
  serverKillAtMs: number;
  serverDownMs: number;
  /** Scenario 2: runs of a 10-step flow under rolling SIGTERM restarts every `rollingEveryMs` (0 runs: skip). */
  rollingRuns: number;
  rollingSteps: number;
  rollingEveryMs: number;
  /** A prebuilt workflow bundle to use (default: bundled at start). */
  bundlePath?: string;
  /** Each scenario must finish within this. */
  timeoutMs: number;
  log?: (line: string) => void;
}

export interface ScenarioReport {
  scenario: string;
  faults: Record<string, number>;
  runs: number;
  completed: number;
  failed: number;
  lost: number;
  timedOut: number;
  wrongOutput: number;
  /** Journaled (acknowledged) steps that ran again: must be 0. */
  journaledStepsRepeated: number;
  /** Steps that ran more than once because a fault hit them in flight (allowed: they were never journaled). */
  inFlightStepsReRun: number;
  /** Runs that needed a second attempt (lost workers must not cost attempts). */
  runsRetried: number;
  /** Why the retried runs spent an attempt: their last errors, counted. */
  retryCauses: Record<string, number>;
  failovers: number;
  /** Exit codes of SIGTERMed workers that were not 0. */
  badExits: number;
  /** Workers that exited on their own (reported; the runs' checks decide whether it mattered). */
  workerCrashes: number;
  seconds: number;
  violations: string[];
}

export const defaultChaosOptions: Omit<ChaosOptions, 'cliPath' | 'log' | 'bundlePath'> = {
  runs: 200,
  steps: 5,
  stepMs: 300,
  startGapMs: 100,
  referenceRuns: 200,
  killEveryMs: 3_000,
  maxKills: 100,
  chaosWindowMs: 60_000,
  serverKillAtMs: 8_000,
  serverDownMs: 2_000,
  rollingRuns: 50,
  rollingSteps: 10,
  rollingEveryMs: 2_000,
  timeoutMs: 600_000,
};

/** Runs both scenarios on a fresh dev server (persistent SQLite file in a temp folder). */
export async function runChaos(options: ChaosOptions): Promise<ScenarioReport[]> {
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'genkitx-chaos-'));
  const server = await startPersistentDevServer(options.cliPath, join(dir, 'temporal.sqlite'));
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  try {
    const bundlePath = options.bundlePath ?? (await writeWorkflowBundle(dir));
    const reports: ScenarioReport[] = [];
    if (options.runs > 0) reports.push(await killScenario(options, server, client, { dir, bundlePath, log }));
    if (options.rollingRuns > 0) reports.push(await rollingScenario(options, server, client, { dir, bundlePath, log }));
    return reports;
  } finally {
    await connection.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Env {
  dir: string;
  bundlePath: string;
  log: (line: string) => void;
}

/** A pool of worker processes on one queue; `replace` swaps one for a fresh process. */
function workerPool(target: WorkerTarget) {
  const workers: WorkerProcess[] = [];
  const exits: Array<number | string> = [];
  const pending = new Set<Promise<unknown>>();
  const stopped = new WeakSet<WorkerProcess>();
  /** Workers that exited without being told to (e.g. while the dev server was down). */
  const crashes: Array<number | string> = [];
  const watch = (w: WorkerProcess) => (void w.exited.then((code) => stopped.has(w) || crashes.push(code)), w);
  const track = <T>(p: Promise<T>) => (pending.add(p), p.finally(() => pending.delete(p)));
  // A replacement may start while the dev server is down: it then fails to connect and is started again.
  const spawnPatiently = async () => {
    for (let tries = 1; ; tries++) {
      try {
        return watch(await spawnWorkerProcess(target));
      } catch (err) {
        if (tries >= 10) throw err;
        await sleep(1_000);
      }
    }
  };
  const stop = (w: WorkerProcess, signal: NodeJS.Signals) => (stopped.add(w), stopWorkerProcess(w, signal));
  return {
    workers,
    exits,
    crashes,
    async add(n: number) {
      workers.push(...(await Promise.all(Array.from({ length: n }, () => track(spawnPatiently())))));
    },
    /** Stops `victim` with `signal` and starts its replacement at the same time (as a platform would). */
    replace(victim: WorkerProcess, signal: NodeJS.Signals): Promise<void> {
      workers.splice(workers.indexOf(victim), 1);
      return track(
        Promise.all([stop(victim, signal), spawnPatiently()]).then(([code, fresh]) => {
          exits.push(code);
          workers.push(fresh);
        }),
      );
    },
    /** Waits for replacements under way, then SIGKILLs every worker. */
    async stopAll() {
      await Promise.allSettled([...pending]);
      await Promise.all(workers.splice(0).map((w) => stop(w, 'SIGKILL')));
    },
  };
}

async function killScenario(o: ChaosOptions, server: DevServerProcess, client: Client, env: Env) {
  const taskQueue = 'chaos-kill';
  const ledger = join(env.dir, 'kill-ledger.txt');
  const pool = workerPool({
    address: server.address,
    taskQueue,
    bundlePath: env.bundlePath,
    env: { LEDGER_FILE: ledger },
  });
  await pool.add(2);
  const started = Date.now();
  const deadline = started + o.timeoutMs;
  const specs = Array.from({ length: o.runs }, (_, i) => spec('kill', i, o.steps, o.stepMs));
  try {
    // The uninterrupted reference: the same inputs, no faults, no step time (the output does not depend on it).
    const reference = await Promise.all(
      specs.slice(0, o.referenceRuns).map(async (s) => {
        const ref = { ...s, workflowId: `${s.workflowId}-ref`, run: `${s.run}-ref`, stepMs: 0 };
        await startChaosRun(client, taskQueue, ref, deadline);
        return awaitChaosRun(client, ref.workflowId, deadline);
      }),
    );
    env.log(`[chaos] reference runs done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const faults = { 'worker SIGKILL + restart': 0, 'dev server SIGKILL + restart': 0 };
    const phaseStart = Date.now();
    let done = false;
    // Two independent fault loops: a worker replacement (a process start, seconds on a busy machine) must not
    // delay the server restart. A kill needs another worker up, so the queue is never left without one.
    const replacing: Promise<void>[] = [];
    const killLoop = (async () => {
      if (o.killEveryMs <= 0) return;
      while (!done && faults['worker SIGKILL + restart'] < o.maxKills) {
        await sleep(o.killEveryMs);
        if (Date.now() - phaseStart > o.chaosWindowMs) return;
        if (done || pool.workers.length < 2) continue;
        const victim = pool.workers[0];
        env.log(`[chaos] SIGKILL worker ${victim.pid} at +${Date.now() - phaseStart} ms`);
        faults['worker SIGKILL + restart']++;
        replacing.push(pool.replace(victim, 'SIGKILL'));
      }
    })();
    const serverLoop = (async () => {
      if (o.serverKillAtMs <= 0) return;
      await sleep(o.serverKillAtMs);
      if (done) return;
      env.log(`[chaos] SIGKILL dev server at +${Date.now() - phaseStart} ms`);
      await server.kill();
      await sleep(o.serverDownMs);
      await server.start();
      faults['dev server SIGKILL + restart']++;
      env.log(`[chaos] dev server back at +${Date.now() - phaseStart} ms`);
    })();
    const outcomes = await Promise.all(
      specs.map(async (s, i) => {
        await sleep(i * o.startGapMs);
        await startChaosRun(client, taskQueue, s, deadline);
        return awaitChaosRun(client, s.workflowId, deadline);
      }),
    );
    done = true;
    await Promise.all([killLoop, serverLoop, ...replacing]);
    const expected = specs.map((s) => Array.from({ length: s.steps }, (_, i) => stepValue(s.topic, i)));
    const report = summarise('worker SIGKILLs + dev server restart', faults, outcomes, readLedger(ledger), {
      expected,
      reference,
      started: phaseStart,
      exits: [],
      crashes: pool.crashes,
    });
    return report;
  } finally {
    await pool.stopAll();
  }
}

async function rollingScenario(o: ChaosOptions, server: DevServerProcess, client: Client, env: Env) {
  const taskQueue = 'chaos-rolling';
  const ledger = join(env.dir, 'rolling-ledger.txt');
  const pool = workerPool({
    address: server.address,
    taskQueue,
    bundlePath: env.bundlePath,
    env: { LEDGER_FILE: ledger },
  });
  await pool.add(3); // one can stop every 2 s while the others take over
  const started = Date.now();
  const deadline = started + o.timeoutMs;
  const faults = { 'rolling SIGTERM + restart': 0 };
  let done = false;
  const stopping = new Set<WorkerProcess>();
  const replacements: Promise<void>[] = [];
  const timer = setInterval(() => {
    const up = pool.workers.filter((w) => !stopping.has(w));
    if (done || up.length < 2) return;
    const oldest = up[0];
    stopping.add(oldest);
    faults['rolling SIGTERM + restart']++;
    replacements.push(pool.replace(oldest, 'SIGTERM'));
  }, o.rollingEveryMs);
  try {
    const specs = Array.from({ length: o.rollingRuns }, (_, i) => spec('roll', i, o.rollingSteps, 200));
    const outcomes = await Promise.all(
      specs.map(async (s, i) => {
        await sleep(i * 300); // runs start over the restarts, so every restart lands in the middle of several
        await startChaosRun(client, taskQueue, s, deadline);
        return awaitChaosRun(client, s.workflowId, deadline);
      }),
    );
    done = true;
    clearInterval(timer);
    await Promise.all(replacements);
    const expected = specs.map((s) => Array.from({ length: s.steps }, (_, i) => stepValue(s.topic, i)));
    return summarise('rolling SIGTERM every 2 s', faults, outcomes, readLedger(ledger), {
      expected,
      started,
      exits: pool.exits,
      crashes: pool.crashes,
      attemptsMustBeOne: true,
    });
  } finally {
    done = true;
    clearInterval(timer);
    await Promise.all(replacements).catch(() => undefined);
    await pool.stopAll();
  }
}

function spec(label: string, i: number, steps: number, stepMs: number): ChaosRunSpec {
  const id = `${label}-${i}-${Date.now().toString(36)}`;
  return { workflowId: id, topic: `topic-${label}-${i}`, run: id, steps, stepMs };
}

/** Judges one scenario: every run completed, outputs equal the expected (reference-checked) ones, no journaled step repeated. */
export function summarise(
  scenario: string,
  faults: Record<string, number>,
  outcomes: RunOutcome[],
  ledger: ReturnType<typeof readLedger>,
  ctx: {
    expected: string[][];
    reference?: RunOutcome[];
    started: number;
    exits: Array<number | string>;
    crashes: Array<number | string>;
    attemptsMustBeOne?: boolean;
  },
): ScenarioReport {
  const violations: string[] = [];
  const count = (reason: string) => outcomes.filter((x) => !x.ok && x.reason === reason).length;
  const ok = outcomes.filter((x): x is Extract<RunOutcome, { ok: true }> => x.ok);
  let wrongOutput = 0;
  outcomes.forEach((x, i) => {
    const ref = ctx.reference?.[i];
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    // The reference proves the expected outputs are what an uninterrupted run returns; the rest compare to them.
    if (ref && (!ref.ok || !same(ref.output, ctx.expected[i])))
      violations.push(`uninterrupted reference run ${i} did not return the expected output`);
    if (x.ok && !same(x.output, ctx.expected[i])) wrongOutput++;
  });
  const { repeated, reExecuted } = checkNoRepeats(ledger.filter((l) => !l.run.endsWith('-ref')));
  const runsRetried = ok.filter((x) => x.attempt > 1).length;
  const retryCauses: Record<string, number> = {};
  for (const x of ok) if (x.lastError) retryCauses[x.lastError] = (retryCauses[x.lastError] ?? 0) + 1;
  const badExits = ctx.exits.filter((c) => c !== 0).length;
  for (const x of outcomes) if (!x.ok) violations.push(`run ${x.reason}: ${x.detail.slice(0, 200)}`);
  if (wrongOutput) violations.push(`${wrongOutput} runs returned another output than an uninterrupted run`);
  for (const r of repeated.slice(0, 5))
    violations.push(`journaled step ran again: ${r.run} ${r.step} (${r.startedAgainAt - r.doneAt} ms after its ack)`);
  if (ctx.attemptsMustBeOne && runsRetried) violations.push(`${runsRetried} runs spent an attempt on a shutdown`);
  if (badExits) violations.push(`SIGTERMed workers exited with ${ctx.exits.filter((c) => c !== 0).join(', ')}`);
  return {
    scenario,
    faults,
    runs: outcomes.length,
    completed: ok.length,
    failed: count('failed'),
    lost: count('lost'),
    timedOut: count('timeout'),
    wrongOutput,
    journaledStepsRepeated: repeated.length,
    inFlightStepsReRun: reExecuted,
    runsRetried,
    retryCauses,
    failovers: ok.reduce((n, x) => n + x.failovers, 0),
    badExits,
    workerCrashes: ctx.crashes.length,
    seconds: (Date.now() - ctx.started) / 1000,
    violations,
  };
}

/** The report as rows for console.table. */
export function chaosTable(reports: ScenarioReport[]) {
  return Object.fromEntries(
    reports.map((r) => [
      r.scenario,
      {
        faults: Object.entries(r.faults)
          .map(([k, v]) => `${v}x ${k}`)
          .join('; '),
        runs: r.runs,
        completed: r.completed,
        'failed/lost/timeout': `${r.failed}/${r.lost}/${r.timedOut}`,
        'wrong output': r.wrongOutput,
        'journaled steps re-run': r.journaledStepsRepeated,
        'in-flight steps re-run': r.inFlightStepsReRun,
        'runs retried': r.runsRetried,
        failovers: r.failovers,
        'bad exits': r.badExits,
        'worker crashes': r.workerCrashes,
        seconds: r.seconds.toFixed(1),
        verdict: r.violations.length ? 'VIOLATED' : 'ok',
      },
    ]),
  );
}
