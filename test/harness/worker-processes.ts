// Worker processes (bench/bench-worker.ts) for the benchmarks and the chaos run: spawn, wait until polling, kill.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleFlowWorkflows } from '../src/worker/start-worker';

export interface BenchWorker {
  child: ChildProcess;
  pid: number;
  /** Resolves with the exit code, or the signal's name, when the process ends. */
  exited: Promise<number | string>;
  output: () => string;
}

export interface BenchWorkerTarget {
  address: string;
  namespace?: string;
  taskQueue: string;
  /** The prebuilt workflow bundle (see `writeWorkflowBundle`): processes start in about a second. */
  bundlePath: string;
  env?: Record<string, string>;
}

/** Bundles the library's workflow code once into `dir`, for every worker process of a run. */
export async function writeWorkflowBundle(dir: string): Promise<string> {
  const quiet = () => undefined;
  const logger = { trace: quiet, debug: quiet, info: quiet, warn: console.warn, error: console.error, log: quiet };
  const { code } = await bundleFlowWorkflows({ logger });
  const path = join(dir, 'workflow-bundle.js');
  await writeFile(path, code);
  return path;
}

/** Spawns a worker process and resolves once it is polling (rejects if it exits first or takes over 60 s). */
export async function spawnBenchWorker(target: BenchWorkerTarget): Promise<BenchWorker> {
  const args = [target.address, target.namespace ?? 'default', target.taskQueue, target.bundlePath];
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'bench-worker.ts'), ...args], {
    env: { ...process.env, ...target.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output = (output + d).slice(-20_000)));
  child.stderr!.on('data', (d) => (output = (output + d).slice(-20_000)));
  const exited = new Promise<number | string>((done) => child.on('exit', (code, signal) => done(code ?? signal ?? -1)));
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`worker did not start in 60 s:\n${output}`)), 60_000);
    child.stdout!.on('data', () => {
      if (output.includes('ready')) (clearTimeout(timer), ready());
    });
    void exited.then((code) => (clearTimeout(timer), fail(new Error(`worker exited (${code}) early:\n${output}`))));
  });
  return { child, pid: child.pid!, exited, output: () => output };
}

/** Sends `signal` and waits for the process to end. */
export async function stopBenchWorker(worker: BenchWorker, signal: NodeJS.Signals): Promise<number | string> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill(signal);
  return worker.exited;
}
