// P6: throughput of CPU-bound flows (each step burns `cpuMs` of the worker's own CPU) with 1 and with 2 worker
// processes on one queue. Rounds alternate 1, 2, 1, 2 … ; each round starts `runs` runs together and times them
// to the last result. A worker process is one JavaScript thread, so this is what adding a process buys.
import { startFlowWorkflow } from '../src';
import { cpuFlow } from '../test/harness/worker-flows';
import { spawnWorkerProcess, stopWorkerProcess, type WorkerProcess } from '../test/harness/worker-processes';

export interface ThroughputResult {
  runs: number;
  steps: number;
  cpuMs: number;
  rounds: number;
  oneWorkerRunsPerSecond: number;
  twoWorkersRunsPerSecond: number;
  ratio: number;
}

export async function measureThroughput(opts: {
  address: string;
  bundlePath: string;
  runs: number;
  steps: number;
  cpuMs: number;
  rounds: number;
}): Promise<ThroughputResult> {
  const rates = { 1: [] as number[], 2: [] as number[] };
  for (let r = 0; r < opts.rounds * 2; r++) {
    const processes = (r % 2) + 1;
    // A fresh queue per round: no sticky workflow state or backlog carries over between rounds.
    const target = {
      address: opts.address,
      taskQueue: `bench-tput-${r}-${Date.now().toString(36)}`,
      bundlePath: opts.bundlePath,
    };
    const workers: WorkerProcess[] = await Promise.all(
      Array.from({ length: processes }, () => spawnWorkerProcess(target)),
    );
    try {
      // Warm-up outside the timing: every process has run a flow once (first calls compile code, open connections).
      const warm = Array.from({ length: processes * 2 }, () =>
        startFlowWorkflow(cpuFlow, { steps: 1, cpuMs: 1 }, { address: opts.address, taskQueue: target.taskQueue }),
      );
      await Promise.all((await Promise.all(warm)).map((h) => h.result()));
      const started = performance.now();
      const handles = await Promise.all(
        Array.from({ length: opts.runs }, () =>
          startFlowWorkflow(
            cpuFlow,
            { steps: opts.steps, cpuMs: opts.cpuMs },
            { address: opts.address, taskQueue: target.taskQueue },
          ),
        ),
      );
      const results = await Promise.all(handles.map((h) => h.result()));
      if (results.some((n) => n !== opts.steps)) throw new Error('throughput bench: a run returned a wrong result');
      rates[processes as 1 | 2].push((opts.runs * 1000) / (performance.now() - started));
    } finally {
      await Promise.all(workers.map((w) => stopWorkerProcess(w, 'SIGKILL')));
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const [one, two] = [median(rates[1]), median(rates[2])];
  const { runs, steps, cpuMs, rounds } = opts;
  return { runs, steps, cpuMs, rounds, oneWorkerRunsPerSecond: one, twoWorkersRunsPerSecond: two, ratio: two / one };
}
