// Real processes: a worker is killed (SIGKILL) or stopped (SIGTERM) while step 4 of sixStepFlow is in flight,
// and a second worker finishes the run from the journal. One test file per signal: SIGTERM's hand-over has a
// wall-clock bound and runs alone (test/integration/worker-failover.test.ts); SIGKILL's has none and runs beside the other files
// (worker-failover-sigkill.test.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeTemporalClients, startFlowWorkflow } from '../../src';
import { journalQuery, progressQuery } from '../../src/workflows/messages';
import { sixStepFlow } from '../fixtures/durable-flows';
import { activityStarts, address, namespace, tsMs, uniqueTaskQueue, waitFor } from './temporal';
import { readLedger } from '../harness/ledger';
import { spawnWorker, type WorkerProcess } from './worker-process';

const dir = mkdtempSync(join(tmpdir(), 'failover-'));
const ledgerFile = join(dir, 'ledger.txt');
const gateFile = join(dir, 'gate');
const env = { LEDGER_FILE: ledgerFile, GATE_FILE: gateFile };
const workers: WorkerProcess[] = [];

const COMPLETED_ONCE = [
  'model:research',
  'tool:lookup',
  'model:research-after-tool',
  'model:summarize',
  'model:finalize',
];

const ledger = () => readLedger(ledgerFile);
const count = (step: string) => ledger().filter((e) => e.step === step).length;

let taskQueue: string;

const opts = () => ({ address: address(), namespace: namespace(), taskQueue });

async function baseline(topic: string) {
  writeFileSync(gateFile, 'open');
  const result = await (await startFlowWorkflow(sixStepFlow, topic, opts())).result();
  rmSync(gateFile);
  rmSync(ledgerFile, { force: true });
  return result;
}

/** Starts the flow with the gate closed and returns once step 3 is acknowledged and step 4 is running. */
async function startAndHoldInStep4(topic: string) {
  const handle = await startFlowWorkflow(sixStepFlow, topic, opts());
  await waitFor(async () => (await handle.query(journalQuery)).length >= 3, 30_000, 'step 3 to be acknowledged');
  const charge = await waitFor(() => ledger().find((e) => e.step === 'step:charge'), 10_000, 'step 4 to start');
  const victim = workers.find((w) => w.pid === charge.pid && w.child.exitCode === null)!;
  expect(victim).toBeDefined();
  return { handle, victim };
}

/** Two worker processes and the test of `signal`. */
export function failoverTests(signal: 'SIGKILL' | 'SIGTERM') {
  beforeAll(async () => {
    taskQueue = uniqueTaskQueue('failover');
    workers.push(...(await Promise.all([spawnWorker(taskQueue, env), spawnWorker(taskQueue, env)])));
  });
  afterEach(() => rmSync(ledgerFile, { force: true }));
  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await closeTemporalClients();
    rmSync(dir, { recursive: true, force: true });
  });
  describe('worker failover with real processes', () => (signal === 'SIGKILL' ? sigkill() : sigterm()));
}

function sigkill() {
  it('SIGKILL after step 3: a second worker finishes, every completed step ran exactly once', async () => {
    const expected = await baseline('whales');
    const { handle, victim } = await startAndHoldInStep4('whales');
    victim.child.kill('SIGKILL');
    const killedAt = Date.now();
    await victim.exited;
    writeFileSync(gateFile, 'open');
    const result = await handle.result();
    rmSync(gateFile);

    expect(result).toEqual(expected);
    const events = (await handle.fetchHistory()).events ?? [];
    const claim = events.find(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId === 'claim 2.1',
    );
    const [, retry] = await activityStarts(handle);
    console.log(
      `[failover] after SIGKILL: attempt 2 started at +${retry.time - killedAt} ms, claimed the journal at +${tsMs(claim?.eventTime) - killedAt} ms`,
    );
    for (const step of COMPLETED_ONCE) expect(count(step), step).toBe(1);
    expect(count('step:charge')).toBeGreaterThanOrEqual(1);
    expect(count('step:charge')).toBeLessThanOrEqual(2);
    expect(
      new Set(
        ledger()
          .filter((e) => e.step === 'model:finalize')
          .map((e) => e.pid),
      ),
    ).not.toContain(victim.pid);
  });
}

function sigterm() {
  it('SIGTERM mid-flow: the worker exits 0 within 10 s and the next attempt starts on another worker within 2 s', async () => {
    const expected = await baseline('seals');
    const { handle, victim } = await startAndHoldInStep4('seals');
    const signalledAt = Date.now();
    victim.child.kill('SIGTERM');
    const code = await victim.exited;
    const exitMs = Date.now() - signalledAt;
    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(10_000);
    // The next attempt is already running step 4 on the other worker before the gate opens.
    await waitFor(() => count('step:charge') === 2, 10_000, 'step 4 to start on the second worker');
    writeFileSync(gateFile, 'open');
    const result = await handle.result();
    rmSync(gateFile);

    expect(result).toEqual(expected);
    const starts = await activityStarts(handle);
    const last = starts[starts.length - 1];
    expect(starts).toHaveLength(2);
    // The lost attempt did not count against the flow's retry budget.
    expect((await handle.query(progressQuery)).attempt).toBe(1);
    console.log(`[failover] next attempt started ${last.time - signalledAt} ms after SIGTERM; exit after ${exitMs} ms`);
    expect(last.time - signalledAt).toBeLessThan(2_000);
    for (const step of COMPLETED_ONCE) expect(count(step), step).toBe(1);
    expect(count('step:charge')).toBe(2);
  });
}
