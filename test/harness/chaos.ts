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
import { flowAttempts, isFailover, judgeAttempt, type AttemptRecord, type Fault, type Stall } from './attempt-history';
import { awaitChaosRun, startChaosRun, type ChaosRunSpec, type RunOutcome } from './chaos-runs';
import { startPersistentDevServer, type DevServerProcess, type SlowCall } from './dev-server-process';
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
   * Both scenarios: faults stop this long after the first start; then the runs must recover. Without a window,
   * kills or restarts every few seconds on a starved machine can outpace failover forever.
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
  /** The reference runs, and then the faulted runs of each scenario, must each finish within this. */
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
  /**
   * Why attempts were spent, from the runs' histories: each failed or timed-out attempt that was not a failover,
   * judged against the faults in flight (`fault: …` is the fault's own cost, `ours: …` a defect), counted.
   */
  retryCauses: Record<string, number>;
  /** Retried runs spent on a cause of ours: must be 0. */
  runsRetriedForOurs: number;
  /** Every retried run and what ended each of its spent attempts (type, message, worker, fault in flight). */
  retriedRuns: Array<{ run: string; attempts: string[] }>;
  failovers: number;
  /** The same for failovers (attempts re-run on a fresh budget): lost workers and restarts, or ours. */
  failoverCauses: Record<string, number>;
  /** Each failover judged ours, as for retried runs (what to look into). */
  oursFailovers: string[];
  /** Worker exits that were not what the driver asked for (SIGTERM → 0, SIGKILL → killed), with output tails. */
  badExits: number;
  /** Every worker exit: what was sent and how it ended, counted (`SIGTERM → 0`, `none → 1`, …). */
  workerExits: Record<string, number>;
  /** Workers that exited on their own (reported with their output below). */
  workerCrashes: number;
  /** The bad exits and crashes: pid, what was sent, exit, and the last of the worker's output. */
  exitDetails: WorkerExit[];
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
  // The server's own log of slow calls tells a heartbeat it could not record in time from one never sent.
  const server = await startPersistentDevServer(options.cliPath, join(dir, 'temporal.sqlite'), { slowCalls: true });
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

/** How one worker process ended: what the driver sent it (none: it exited on its own), and its exit. */
export interface WorkerExit {
  pid: number;
  sent: 'SIGKILL' | 'SIGTERM' | 'none';
  exit: number | string;
  /** The last of its stdout and stderr (only for exits that were not what was asked for). */
  output?: string;
}

/** Whether an exit is what the signal sent asks for: SIGTERM drains and exits 0, SIGKILL kills. */
export function expectedExit(e: Pick<WorkerExit, 'sent' | 'exit'>): boolean {
  return (e.sent === 'SIGTERM' && e.exit === 0) || (e.sent === 'SIGKILL' && e.exit === 'SIGKILL');
}

/**
 * Records how each watched worker process ends: the signal it was sent (`stopping`), its exit, and the last of
 * its output when the exit is not what that signal asks for. After `closing()` (the final clean-up's SIGKILLs),
 * exits of workers sent nothing are left out.
 */
export class WorkerExitLog {
  readonly exits: WorkerExit[] = [];
  private readonly sent = new WeakMap<WorkerProcess, 'SIGKILL' | 'SIGTERM'>();
  private closed = false;

  watch(w: WorkerProcess): WorkerProcess {
    void w.exited.then((exit) => {
      if (this.closed && !this.sent.has(w)) return;
      const e: WorkerExit = { pid: w.pid, sent: this.sent.get(w) ?? 'none', exit };
      if (!expectedExit(e)) e.output = w.output().slice(-4_000);
      this.exits.push(e);
    });
    return w;
  }

  stopping(w: WorkerProcess, signal: 'SIGKILL' | 'SIGTERM'): void {
    this.sent.set(w, signal);
  }

  closing(): void {
    this.closed = true;
  }

  /** The exits that were not what was asked for, each with the worker's output. */
  bad(): WorkerExit[] {
    return this.exits.filter((e) => !expectedExit(e));
  }
}

interface Env {
  dir: string;
  bundlePath: string;
  log: (line: string) => void;
}

/** A pool of worker processes on one queue; `replace` swaps one for a fresh process. Every exit is recorded. */
function workerPool(target: WorkerTarget, faults: Fault[]) {
  const workers: WorkerProcess[] = [];
  const pending = new Set<Promise<unknown>>();
  /** Every worker exit, as it happens (those of the final clean-up are left out: SIGKILL on purpose). */
  const exitLog = new WorkerExitLog();
  const track = <T>(p: Promise<T>) => (pending.add(p), p.finally(() => pending.delete(p)));
  // A replacement may start while the dev server is down: it then fails to connect and is started again.
  const spawnPatiently = async () => {
    for (let tries = 1; ; tries++) {
      try {
        return exitLog.watch(await spawnWorkerProcess(target));
      } catch (err) {
        if (tries >= 10) throw err;
        await sleep(1_000);
      }
    }
  };
  const stop = (w: WorkerProcess, signal: 'SIGKILL' | 'SIGTERM') => {
    exitLog.stopping(w, signal);
    faults.push({ kind: signal, pid: w.pid, at: Date.now() });
    return stopWorkerProcess(w, signal);
  };
  return {
    workers,
    exits: exitLog.exits,
    async add(n: number) {
      workers.push(...(await Promise.all(Array.from({ length: n }, () => track(spawnPatiently())))));
    },
    /** Stops `victim` with `signal` and starts its replacement at the same time (as a platform would). */
    replace(victim: WorkerProcess, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
      workers.splice(workers.indexOf(victim), 1);
      return track(
        Promise.all([stop(victim, signal), spawnPatiently()]).then(([, fresh]) => {
          workers.push(fresh);
        }),
      );
    },
    /** Waits for replacements under way, then SIGKILLs every worker (not recorded as a fault or an exit). */
    async stopAll() {
      await Promise.allSettled([...pending]);
      exitLog.closing();
      await Promise.all(workers.splice(0).map((w) => stopWorkerProcess(w, 'SIGKILL')));
    },
  };
}

/** The flow attempts of each run, from its history (read again while the server answers slowly). */
async function attemptsOf(client: Client, workflowIds: string[], deadline: number): Promise<AttemptRecord[][]> {
  const out: AttemptRecord[][] = [];
  for (let i = 0; i < workflowIds.length; i += 20) {
    const batch = workflowIds.slice(i, i + 20).map(async (id) => {
      for (;;) {
        try {
          return flowAttempts((await client.workflow.getHandle(id).fetchHistory()).events ?? []);
        } catch (err) {
          if (Date.now() > deadline) throw err;
          await sleep(250);
        }
      }
    });
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

/** Starts the runs `gapMs` apart and waits for each one's outcome. */
function runAll(
  client: Client,
  taskQueue: string,
  specs: ChaosRunSpec[],
  gapMs: number,
  deadline: number,
): Promise<RunOutcome[]> {
  return Promise.all(
    specs.map(async (s, i) => {
      await sleep(i * gapMs);
      await startChaosRun(client, taskQueue, s, deadline);
      return awaitChaosRun(client, s.workflowId, deadline);
    }),
  );
}

/** What a scenario's verdict reads besides the outcomes: each run's expected output, its attempts, slow calls. */
async function evidenceOf(client: Client, server: DevServerProcess, specs: ChaosRunSpec[], deadline: number) {
  const workflowIds = specs.map((s) => s.workflowId);
  const attempts = await attemptsOf(client, workflowIds, deadline);
  return {
    workflowIds,
    slowCalls: server.slowCalls(),
    expected: specs.map((s) => Array.from({ length: s.steps }, (_, i) => stepValue(s.topic, i))),
    attempts,
  };
}

async function killScenario(o: ChaosOptions, server: DevServerProcess, client: Client, env: Env) {
  const taskQueue = 'chaos-kill';
  const ledger = join(env.dir, 'kill-ledger.txt');
  const timeline: Fault[] = [];
  const pool = workerPool(
    { address: server.address, taskQueue, bundlePath: env.bundlePath, env: { LEDGER_FILE: ledger } },
    timeline,
  );
  await pool.add(2);
  const started = Date.now();
  const deadline = started + o.timeoutMs;
  const specs = Array.from({ length: o.runs }, (_, i) => spec('kill', i, o.steps, o.stepMs));
  try {
    // The uninterrupted reference: the same inputs, no faults, no step time (the output does not depend on it).
    const references = specs
      .slice(0, o.referenceRuns)
      .map((s) => ({ ...s, workflowId: `${s.workflowId}-ref`, run: `${s.run}-ref`, stepMs: 0 }));
    const reference = await runAll(client, taskQueue, references, 0, deadline);
    env.log(`[chaos] reference runs done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const faults = { 'worker SIGKILL + restart': 0, 'dev server SIGKILL + restart': 0 };
    const phaseStart = Date.now();
    // The chaos phase gets the whole budget: on a loaded machine the reference runs alone took over half of it,
    // and a completed run was reported as timed out when its progress could not be read before the deadline.
    const phaseDeadline = phaseStart + o.timeoutMs;
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
      const outage: Fault = { kind: 'server down', at: Date.now() };
      timeline.push(outage);
      await server.kill();
      await sleep(o.serverDownMs);
      await server.start();
      outage.until = Date.now();
      faults['dev server SIGKILL + restart']++;
      env.log(`[chaos] dev server back at +${Date.now() - phaseStart} ms`);
    })();
    const outcomes = await runAll(client, taskQueue, specs, o.startGapMs, phaseDeadline);
    done = true;
    const finished = Date.now();
    await Promise.all([killLoop, serverLoop, ...replacing]);
    return summarise('worker SIGKILLs + dev server restart', faults, outcomes, readLedger(ledger), {
      ...(await evidenceOf(client, server, specs, phaseDeadline)),
      reference,
      started: phaseStart,
      finished,
      exits: pool.exits,
      timeline,
    });
  } finally {
    await pool.stopAll();
  }
}

async function rollingScenario(o: ChaosOptions, server: DevServerProcess, client: Client, env: Env) {
  const taskQueue = 'chaos-rolling';
  const ledger = join(env.dir, 'rolling-ledger.txt');
  const timeline: Fault[] = [];
  const pool = workerPool(
    { address: server.address, taskQueue, bundlePath: env.bundlePath, env: { LEDGER_FILE: ledger } },
    timeline,
  );
  await pool.add(3); // one can stop every 2 s while the others take over
  const started = Date.now();
  const deadline = started + o.timeoutMs;
  const faults = { 'rolling SIGTERM + restart': 0 };
  let done = false;
  const stopping = new Set<WorkerProcess>();
  const replacements: Promise<void>[] = [];
  const timer = setInterval(() => {
    const up = pool.workers.filter((w) => !stopping.has(w));
    // Restarts stop after the chaos window (a deploy ends): on a starved machine a worker that lives 2 s never gets
    // warm enough to finish a workflow task within its timeout, and restarts without end outpace any recovery.
    if (done || up.length < 2 || Date.now() - started > o.chaosWindowMs) return;
    const oldest = up[0];
    stopping.add(oldest);
    faults['rolling SIGTERM + restart']++;
    replacements.push(pool.replace(oldest, 'SIGTERM'));
  }, o.rollingEveryMs);
  try {
    const specs = Array.from({ length: o.rollingRuns }, (_, i) => spec('roll', i, o.rollingSteps, 200));
    // Runs start 300 ms apart, over the restarts, so every restart lands in the middle of several.
    const outcomes = await runAll(client, taskQueue, specs, 300, deadline);
    done = true;
    const finished = Date.now();
    clearInterval(timer);
    await Promise.all(replacements);
    return summarise('rolling SIGTERM every 2 s', faults, outcomes, readLedger(ledger), {
      ...(await evidenceOf(client, server, specs, deadline)),
      started,
      finished,
      exits: pool.exits,
      timeline,
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
    /** When the runs were done (the histories are read after). */
    finished?: number;
    exits: WorkerExit[];
    /** Each run's flow attempts, from its history (same order as `outcomes`). */
    attempts: AttemptRecord[][];
    /** The faults injected, with their times. */
    timeline: Fault[];
    /** The runs' workflow IDs (same order as `outcomes`) and the calls the server logged as slow. */
    workflowIds?: string[];
    slowCalls?: SlowCall[];
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
  const stalls: Stall[] = ledger
    .filter((l) => l.ev === 'stall')
    .map((l) => ({ pid: l.pid, at: l.at, ms: l.ms ?? 0, cpuMs: l.cpuMs ?? 0 }));
  const runsRetried = ok.filter((x) => x.attempt > 1).length;
  // Every attempt that ended without completing, judged against the faults: spent ones (retries) and failovers.
  const retryCauses: Record<string, number> = {};
  const failoverCauses: Record<string, number> = {};
  const retriedRuns: ScenarioReport['retriedRuns'] = [];
  const oursFailovers: string[] = [];
  let runsRetriedForOurs = 0;
  const slowHeartbeats = new Map<string, SlowCall[]>();
  for (const c of ctx.slowCalls ?? []) {
    if (c.method !== 'RecordActivityTaskHeartbeat') continue;
    slowHeartbeats.set(c.workflowId, [...(slowHeartbeats.get(c.workflowId) ?? []), c]);
  }
  ctx.attempts.forEach((attempts, i) => {
    const spent: string[] = [];
    const slow = slowHeartbeats.get(ctx.workflowIds?.[i] ?? '') ?? [];
    let ours = false;
    for (const a of attempts) {
      if (a.end === 'completed' || a.end === 'open') continue;
      const v = judgeAttempt(a, ctx.timeline, stalls, undefined, slow);
      const tally = isFailover(a) ? failoverCauses : retryCauses;
      tally[v.key] = (tally[v.key] ?? 0) + 1;
      if (isFailover(a)) {
        if (v.cost === 'ours') oursFailovers.push(`run ${i}: ${v.why}`);
        continue;
      }
      spent.push(`${v.cost}: ${v.why}`);
      ours ||= v.cost === 'ours';
    }
    const outcome = outcomes[i];
    const attempt = outcome?.ok ? outcome.attempt : undefined;
    // History and the run's own count must agree; if not, say so rather than trust either.
    if (attempt !== undefined && attempt - 1 !== spent.length)
      spent.push(`ours: the run reports attempt ${attempt}, its history shows ${spent.length} spent attempt(s)`);
    if (!spent.length) return;
    retriedRuns.push({ run: outcome?.ok ? `run ${i}` : `run ${i} (${outcome?.reason})`, attempts: spent });
    if (ours || spent.some((s) => s.startsWith('ours'))) runsRetriedForOurs++;
  });
  const badExitList = ctx.exits.filter((e) => !expectedExit(e));
  const badExits = badExitList.length;
  const workerExits: Record<string, number> = {};
  for (const e of ctx.exits) workerExits[`${e.sent} → ${e.exit}`] = (workerExits[`${e.sent} → ${e.exit}`] ?? 0) + 1;
  for (const x of outcomes) if (!x.ok) violations.push(`run ${x.reason}: ${x.detail.slice(0, 200)}`);
  if (wrongOutput) violations.push(`${wrongOutput} runs returned another output than an uninterrupted run`);
  for (const r of repeated.slice(0, 5))
    violations.push(`journaled step ran again: ${r.run} ${r.step} (${r.startedAgainAt - r.doneAt} ms after its ack)`);
  if (ctx.attemptsMustBeOne && runsRetried) violations.push(`${runsRetried} runs spent an attempt on a shutdown`);
  if (runsRetriedForOurs) violations.push(`${runsRetriedForOurs} runs spent an attempt on a cause of ours`);
  for (const e of badExitList)
    violations.push(`worker ${e.pid} exited ${e.exit} (sent: ${e.sent}); its output ends:\n${e.output ?? ''}`);
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
    runsRetriedForOurs,
    retriedRuns,
    failovers: ok.reduce((n, x) => n + x.failovers, 0),
    failoverCauses,
    oursFailovers,
    badExits,
    workerExits,
    workerCrashes: ctx.exits.filter((e) => e.sent === 'none').length,
    exitDetails: badExitList,
    seconds: ((ctx.finished ?? Date.now()) - ctx.started) / 1000,
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
        'retried for ours': r.runsRetriedForOurs,
        failovers: r.failovers,
        'bad exits': r.badExits,
        'worker crashes': r.workerCrashes,
        seconds: r.seconds.toFixed(1),
        verdict: r.violations.length ? 'VIOLATED' : 'ok',
      },
    ]),
  );
}

/** What the table cannot hold: why attempts were spent or failed over, every retried run, every worker exit. */
export function causesReport(r: ScenarioReport): string[] {
  const counted = (title: string, tally: Record<string, number>) => [
    `${r.scenario}: ${title}${Object.keys(tally).length ? '' : ' none'}`,
    ...Object.entries(tally)
      .sort((a, b) => b[1] - a[1])
      .map(([cause, n]) => `  ${n} x ${cause}`),
  ];
  return [
    ...counted('attempts spent (retries), by cause:', r.retryCauses),
    ...r.retriedRuns.flatMap((x) => [`  ${x.run}:`, ...x.attempts.map((a) => `    ${a}`)]),
    ...counted('attempts failed over, by cause:', r.failoverCauses),
    ...(r.oursFailovers.length ? [`  of ours (the first 20; all in the JSON):`] : []),
    ...r.oursFailovers.slice(0, 20).map((x) => `    ${x}`),
    ...counted('worker exits (signal sent → exit):', r.workerExits),
    ...r.exitDetails.map((e) => `  worker ${e.pid} (sent ${e.sent}) exited ${e.exit}; its output ends:\n${e.output}`),
  ];
}
