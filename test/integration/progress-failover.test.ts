// Real processes: the worker running step 4 of sixStepFlow is frozen (SIGSTOP) until the heartbeat timeout hands the
// run to the other worker, then thawed. The step in flight readers see is the new attempt's from then on: the
// superseded attempt's heartbeat details (it still runs step 4 and heartbeats) never show again.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeTemporalClients, getFlowRun, startFlowWorkflow } from '../../src';
import { sixStepFlow } from '../fixtures/durable-flows';
import { readLedger } from '../harness/ledger';
import { activityStarts, address, namespace, uniqueTaskQueue, waitFor } from '../helpers/temporal';
import { spawnWorker, type WorkerProcess } from '../helpers/worker-process';

const dir = mkdtempSync(join(tmpdir(), 'progress-failover-'));
const ledgerFile = join(dir, 'ledger.txt');
const gateFile = join(dir, 'gate');
const workers: WorkerProcess[] = [];
let taskQueue: string;
const opts = () => ({ address: address(), namespace: namespace(), taskQueue });

beforeAll(async () => {
  taskQueue = uniqueTaskQueue('progress-failover');
  const env = { LEDGER_FILE: ledgerFile, GATE_FILE: gateFile };
  workers.push(...(await Promise.all([spawnWorker(taskQueue, env), spawnWorker(taskQueue, env)])));
}, 120_000);
afterAll(async () => {
  for (const w of workers) {
    w.child.kill('SIGCONT');
    w.child.kill('SIGKILL');
  }
  await closeTemporalClients();
  rmSync(dir, { recursive: true, force: true });
});

const stepInFlight = async (workflowId: string) => (await getFlowRun(workflowId, opts())).progress?.stepInFlight;

it("a superseded attempt's heartbeat details never show once the next attempt runs the step", async () => {
  const handle = await startFlowWorkflow(sixStepFlow, 'frozen', opts());
  const first = await waitFor(
    async () =>
      (await stepInFlight(handle.workflowId))?.name === 'charge' ? stepInFlight(handle.workflowId) : undefined,
    30_000,
    'step 4 in flight',
  );
  expect(first).toMatchObject({ key: '3', kind: 'step', name: 'charge' });
  const charge = readLedger(ledgerFile).find((e) => e.step === 'step:charge')!;
  const victim = workers.find((w) => w.pid === charge.pid)!;
  victim.child.kill('SIGSTOP');

  // The heartbeat timeout (3 s) hands the run to the other worker, which replays steps 1-3 and runs step 4 again.
  // A frozen process keeps its open long polls, so the server may hand it the next workflow or activity task too
  // (like a partitioned worker): each such task waits out its own timeout first, hence the long wait.
  const second = await waitFor(
    async () => {
      const step = await stepInFlight(handle.workflowId);
      return step && step.startedAt !== first.startedAt ? step : undefined;
    },
    90_000,
    "the next attempt's step 4",
  );
  expect(second).toMatchObject({ key: '3', kind: 'step', name: 'charge' });
  expect(Date.parse(second.startedAt)).toBeGreaterThan(Date.parse(first.startedAt));

  // The zombie wakes up inside step 4 and heartbeats its old details: readers keep seeing the new attempt's step.
  victim.child.kill('SIGCONT');
  const seen: (string | undefined)[] = [];
  for (const until = Date.now() + 3_000; Date.now() < until;) {
    seen.push((await stepInFlight(handle.workflowId))?.startedAt);
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(seen.length).toBeGreaterThan(5);
  expect(new Set(seen)).toEqual(new Set([second.startedAt]));

  writeFileSync(gateFile, 'open');
  expect(await handle.result()).toMatchObject({ receipt: { id: 'receipt-frozen' } });
  expect(await stepInFlight(handle.workflowId)).toBeUndefined();
  // The frozen attempt timed out (and any task its open polls took); the last one finished.
  const starts = (await activityStarts(handle)).length;
  console.log(`[progress-failover] ${starts} attempts started`);
  expect(starts).toBeGreaterThanOrEqual(2);
}, 180_000);
