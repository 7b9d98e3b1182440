// Real worker processes under fire: SIGKILL in the middle of flows that catch their own retries, and rolling
// SIGTERM restarts (a Cloud Run deploy or scale-in) during 50 runs. A lost worker must never cost a run its
// retry budget, a completed step must never run again, and a stopping worker must exit 0.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTemporalClients, executeFlowWorkflow, FlowRunError, startFlowWorkflow } from '../../src';
import { progressQuery } from '../../src/workflows/messages';
import { alwaysUnavailableFlow, middlewareRetryFlow, retryLoopFlow, tenStepFlow } from '../fixtures/durability-flows';
import { address, namespace, uniqueTaskQueue, waitFor } from '../helpers/temporal';
import { readLedger } from '../harness/ledger';
import { spawnWorker, type WorkerProcess } from '../helpers/worker-process';
import { WorkerExitLog } from '../harness/chaos';

const dir = mkdtempSync(join(tmpdir(), 'restarts-'));
const ledgerFile = join(dir, 'ledger.txt');
const gateFile = join(dir, 'gate');
const env = { LEDGER_FILE: ledgerFile, GATE_FILE: gateFile, FAIL_DIR: join(dir, 'fail-once') };
const workers: WorkerProcess[] = [];
/** Every worker exit (those of the final clean-up aside): what was sent, the exit, and output when unexpected. */
const exitLog = new WorkerExitLog();
const exits = exitLog.exits;

const ledger = () => readLedger(ledgerFile);
const count = (step: string) => ledger().filter((e) => e.step === step).length;

let taskQueue: string;
const opts = () => ({ address: address(), namespace: namespace(), taskQueue });

/** A worker process whose exit is recorded: a crash (no signal sent) shows too, with its output. */
async function spawnWatched(): Promise<WorkerProcess> {
  return exitLog.watch(await spawnWorker(taskQueue, env));
}

/** The exits that were not what was asked for, each with the worker's output (what a failure message shows). */
const badExits = () => exitLog.bad();

beforeAll(async () => {
  taskQueue = uniqueTaskQueue('restarts');
  workers.push(...(await Promise.all([spawnWatched(), spawnWatched()])));
});
afterAll(async () => {
  exitLog.closing();
  for (const w of workers) w.child.kill('SIGKILL');
  await closeTemporalClients();
  rmSync(dir, { recursive: true, force: true });
});

/** Replaces `victim` by a fresh worker process, after stopping it with `signal`. */
async function replace(victim: WorkerProcess, signal: 'SIGKILL' | 'SIGTERM') {
  exitLog.stopping(victim, signal);
  victim.child.kill(signal);
  await victim.exited;
  workers.splice(workers.indexOf(victim), 1);
  workers.push(await spawnWatched()); // the newest last: workers[0] is always the oldest
}

describe('SIGKILL in the middle of a flow that catches its own retries', () => {
  it.each([
    ['middlewareRetryFlow', middlewareRetryFlow, 'step:charge kill1', ['model:flaky A kill1', 'model:B kill1']],
    ['retryLoopFlow', retryLoopFlow, 'step:use kill2', ['step:fetch kill2']],
  ] as const)(
    '%s: the run finishes on the other worker and each completed step ran once',
    async (_, flow, held, before) => {
      const topic = held.split(' ')[1];
      rmSync(gateFile, { force: true });
      const handle = await startFlowWorkflow(flow, topic, opts());
      const holder = await waitFor(() => ledger().find((e) => e.step === held), 30_000, `${held} to start`);
      const beforeCounts = before.map(count);
      await replace(
        workers.find((w) => w.pid === holder.pid)!,
        'SIGKILL',
      );
      writeFileSync(gateFile, 'open');
      const result = await handle.result();
      if (flow === middlewareRetryFlow) {
        expect(result).toEqual([`answer(flaky A ${topic})`, `answer(B ${topic})`, `answer(C ${topic})`]);
      } else {
        expect(result).toEqual([`data-${topic}-ok`, `used data-${topic}-ok`, 'last']);
      }
      // Nothing that completed before the kill ran again (the held step was in flight: at most twice).
      expect(before.map(count)).toEqual(beforeCounts);
      expect(count(held)).toBeLessThanOrEqual(2);
      expect((await handle.query(progressQuery)).attempt).toBe(2); // one real failure, at the end of the flow
      expect(badExits()).toEqual([]); // the SIGKILLed worker died of it, no other exited
    },
  );
});

describe('rolling SIGTERM restarts every 2 s', () => {
  // One retry: under heavy machine load (a 2-core CI box running other suites) a worker exited 1 once; see the
  // closing note of issue 7. Two failures in a row fail the build.
  it(
    '50 runs of a 10-step flow all complete on attempt 1; stopping workers exit 0; a failing flow still stops',
    async () => {
      writeFileSync(gateFile, 'open');
      exits.length = 0;
      const round = Date.now().toString(36); // fresh topics on a retry: the ledger file keeps every round
      const topics = Array.from({ length: 50 }, (_, i) => `roll${i}-${round}`);
      // Every 2 s the oldest worker gets SIGTERM while its replacement starts (as in a rolling deploy), as long as
      // another worker is up to take over.
      workers.push(await spawnWatched()); // three workers, so one can stop every 2 s
      const stopping = new Set<WorkerProcess>();
      const replacements: Promise<void>[] = [];
      // Restarts stop after 60 s, as a deploy ends: without an end, on a starved machine (load ~30) workers that
      // live 2-6 s never got warm enough to finish their workflow tasks in time and 18 of 50 runs finished in 240 s.
      const restartsUntil = Date.now() + 60_000;
      const restartTimer = setInterval(() => {
        const up = workers.filter((w) => !stopping.has(w));
        if (up.length < 2 || Date.now() > restartsUntil) return;
        stopping.add(up[0]);
        replacements.push(replace(up[0], 'SIGTERM'));
      }, 2_000);
      const failing = executeFlowWorkflow(alwaysUnavailableFlow, 'doomed', opts()).catch((e) => e);
      const handles = [];
      for (const topic of topics) {
        handles.push(await startFlowWorkflow(tenStepFlow, topic, opts()));
        await new Promise((r) => setTimeout(r, 300)); // runs start over 15 s, so restarts land in the middle of many
      }
      let finished = 0;
      const watch = setInterval(
        () => console.log(`[restarts] ${finished}/50 done, exits ${exits.map((e) => e.exit).join(',')}`),
        5_000,
      );
      const results = await Promise.all(handles.map((h) => h.result().finally(() => finished++)));
      clearInterval(watch);
      const failed = await failing;
      clearInterval(restartTimer);
      await Promise.all(replacements);

      expect(results).toEqual(topics.map((t) => `${t}:0123456789`));
      const progress = await Promise.all(handles.map((h) => h.query(progressQuery)));
      // Listed with their last error, so a failure says what spent the attempt.
      const retried = progress.filter((p) => p.attempt !== 1).map((p) => ({ attempt: p.attempt, error: p.lastError }));
      expect(retried).toEqual([]);
      const failovers = progress.map((p) => p.failovers);
      const duplicates = topics.flatMap((t) => Array.from({ length: 10 }, (_, i) => count(`ten:${t}:${i}`) - 1));
      const sigterms = exits.filter((e) => e.sent === 'SIGTERM');
      console.log(
        `[restarts] ${sigterms.length} SIGTERMs, ${failovers.reduce((a, b) => a + b, 0)} attempts failed over, ` +
          `${duplicates.filter((d) => d > 0).length} in-flight steps ran again`,
      );
      expect(sigterms.length).toBeGreaterThanOrEqual(3);
      expect(failovers.reduce((a, b) => a + b, 0)).toBeGreaterThan(0); // the restarts did hit running attempts
      // Every stopping worker exited 0 and none exited on its own; a failure lists each bad exit with its output.
      expect(badExits()).toEqual([]);
      // Every step ran; a step ran again only when an attempt was lost while it was in flight (the flow is
      // sequential: at most one step in flight per lost attempt), so a run's repeats never exceed its failovers.
      expect(duplicates.every((d) => d >= 0)).toBe(true);
      topics.forEach((t, run) => {
        const repeats = duplicates.slice(run * 10, run * 10 + 10).reduce((a, b) => a + b, 0);
        expect(repeats, t).toBeLessThanOrEqual(failovers[run]);
      });
      // Worker loss never counts, real failures do: the flow that always fails stopped at its maximumAttempts.
      expect(failed).toBeInstanceOf(FlowRunError);
      expect(failed).toMatchObject({ status: 'UNAVAILABLE', attempts: 3 });
    },
    { timeout: 240_000, retry: 1 },
  );
});
