// SIGTERM with genkitWorkerPlugin() on a user-built worker (real worker processes) fails over as fast as with
// startTemporalWorker: the next attempt on the other worker within 2 s. A wall-clock bound: this file runs alone
// (vitest.config.ts); the plugin's other tests are in worker-plugin.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTemporalClients, startFlowWorkflow } from '../../src';
import { journalQuery, progressQuery } from '../../src/workflows/messages';
import { sixStepFlow } from '../fixtures/durable-flows';
import { readLedger } from '../harness/ledger';
import { activityStarts, address, namespace, uniqueTaskQueue, waitFor } from '../helpers/temporal';
import { spawnWorker, type WorkerProcess } from '../helpers/worker-process';

const fixtures = resolve(__dirname, '../fixtures');
const dir = mkdtempSync(join(tmpdir(), 'worker-plugin-failover-'));
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };

afterAll(async () => {
  await closeTemporalClients();
  rmSync(dir, { recursive: true, force: true });
});

describe('SIGTERM failover with the plugin on a user-built worker (real processes)', () => {
  const ledgerFile = join(dir, 'ledger.txt');
  const gateFile = join(dir, 'gate');
  const env = { LEDGER_FILE: ledgerFile, GATE_FILE: gateFile };
  const workers: WorkerProcess[] = [];
  let taskQueue: string;

  const ledger = () => readLedger(ledgerFile);
  const count = (step: string) => ledger().filter((e) => e.step === step).length;

  beforeAll(async () => {
    taskQueue = uniqueTaskQueue('plugin-failover');
    const { code } = await bundleWorkflowCode({ workflowsPath: join(fixtures, 'own-workflows.ts'), logger: quiet });
    const bundlePath = join(dir, 'own-bundle.js');
    writeFileSync(bundlePath, code);
    const program = { script: 'plugin-worker-process.ts', bundlePath };
    workers.push(...(await Promise.all([spawnWorker(taskQueue, env, program), spawnWorker(taskQueue, env, program)])));
  }, 180_000);
  afterAll(() => {
    for (const w of workers) w.child.kill('SIGKILL');
  });

  it('the worker exits 0 within 10 s and the next attempt starts on the other worker within 2 s', async () => {
    const opts = { address: address(), namespace: namespace(), taskQueue };
    const handle = await startFlowWorkflow(sixStepFlow, 'otters', opts);
    await waitFor(async () => (await handle.query(journalQuery)).length >= 3, 30_000, 'step 3 to be acknowledged');
    const charge = await waitFor(() => ledger().find((e) => e.step === 'step:charge'), 10_000, 'step 4 to start');
    const victim = workers.find((w) => w.pid === charge.pid)!;
    expect(victim).toBeDefined();

    const signalledAt = Date.now();
    victim.child.kill('SIGTERM');
    const code = await victim.exited;
    const exitMs = Date.now() - signalledAt;
    expect(code, victim.output()).toBe(0);
    expect(exitMs).toBeLessThan(10_000);
    await waitFor(() => count('step:charge') === 2, 10_000, 'step 4 to start on the second worker');
    writeFileSync(gateFile, 'open');
    await handle.result();

    const starts = await activityStarts(handle);
    const last = starts[starts.length - 1];
    expect(starts).toHaveLength(2);
    expect((await handle.query(progressQuery)).attempt).toBe(1); // failover spends no retry budget
    console.log(`[plugin failover] next attempt ${last.time - signalledAt} ms after SIGTERM; exit after ${exitMs} ms`);
    expect(last.time - signalledAt).toBeLessThan(2_000);
    expect(count('step:charge')).toBe(2);
    expect(count('model:finalize')).toBe(1);
  }, 120_000);
});
