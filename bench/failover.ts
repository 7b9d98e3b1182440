// P3: failover with real worker processes. A run of failoverFlow holds step "hold" on one of two workers; that
// worker gets SIGKILL (or SIGTERM); measured from the signal to the step starting again on the other worker, read
// from the ledger the workers append to. Baseline: the flow's heartbeat timeout (a dead worker is noticed then).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFlowWorkflow } from '../src';
import { failoverFlow } from '../test/harness/worker-flows';
import { readLedger } from '../test/harness/ledger';
import { spawnWorkerProcess, stopWorkerProcess, type WorkerProcess } from '../test/harness/worker-processes';

/** failoverFlow's heartbeatTimeout. */
export const FAILOVER_HEARTBEAT_TIMEOUT_MS = 3_000;

export interface FailoverResult {
  heartbeatTimeoutMs: number;
  /** Signal → step "hold" started on the other worker, per try (ms). */
  sigkillMs: number[];
  sigtermMs: number[];
  /** SIGTERMed workers' exit codes. */
  sigtermExits: Array<number | string>;
}

export async function measureFailover(opts: {
  address: string;
  bundlePath: string;
  tries: number;
}): Promise<FailoverResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-failover-'));
  const ledger = join(dir, 'ledger.txt');
  const gate = join(dir, 'gate');
  const target = {
    address: opts.address,
    taskQueue: `bench-failover-${Date.now().toString(36)}`,
    bundlePath: opts.bundlePath,
    env: { LEDGER_FILE: ledger, GATE_FILE: gate },
  };
  const workers: WorkerProcess[] = await Promise.all([spawnWorkerProcess(target), spawnWorkerProcess(target)]);
  const result: FailoverResult = {
    heartbeatTimeoutMs: FAILOVER_HEARTBEAT_TIMEOUT_MS,
    sigkillMs: [],
    sigtermMs: [],
    sigtermExits: [],
  };
  const holders = (run: string) =>
    readLedger(ledger).filter((l) => l.run === run && l.step === 'hold' && l.ev === 'start');
  const waitFor = async <T>(fn: () => T | undefined, what: string, ms = 60_000): Promise<T> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = fn();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`failover bench: timed out waiting for ${what}`);
      await sleep(10);
    }
  };
  try {
    for (let i = 0; i < opts.tries * 2; i++) {
      const signal: NodeJS.Signals = i % 2 === 0 ? 'SIGKILL' : 'SIGTERM'; // alternate: drift hits both alike
      const run = `failover-${i}-${Date.now().toString(36)}`;
      rmSync(gate, { force: true });
      const handle = await startFlowWorkflow(
        failoverFlow,
        { run },
        { address: opts.address, taskQueue: target.taskQueue },
      );
      const first = await waitFor(() => holders(run)[0], 'the step to start');
      const victim = workers.find((w) => w.pid === first.pid)!;
      const signalledAt = Date.now();
      victim.child.kill(signal);
      const again = await waitFor(() => holders(run).find((l) => l.pid !== first.pid), 'the step on the other worker');
      (signal === 'SIGKILL' ? result.sigkillMs : result.sigtermMs).push(again.at - signalledAt);
      const code = await stopWorkerProcess(victim, signal);
      if (signal === 'SIGTERM') result.sigtermExits.push(code);
      writeFileSync(gate, '');
      await handle.result();
      workers.splice(workers.indexOf(victim), 1, await spawnWorkerProcess(target));
    }
    return result;
  } finally {
    await Promise.all(workers.map((w) => stopWorkerProcess(w, 'SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
  }
}
