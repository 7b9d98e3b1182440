// Worker processes for tests, the benchmarks and the chaos run: spawn (worker-program.ts with the flow modules it
// should host, or a program of the caller's own taking the same four arguments), wait until polling, stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleFlowWorkflows } from '../../src/worker/start-worker';

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** Resolves with the exit code, or the signal's name, when the process ends. */
  exited: Promise<number | string>;
  /** Its stdout and stderr so far (the last 20 kB). */
  output: () => string;
}

export interface WorkerTarget {
  address: string;
  namespace?: string;
  taskQueue: string;
  /** The prebuilt workflow bundle (see `writeWorkflowBundle`): processes start in about a second. */
  bundlePath: string;
  /** The flow modules worker-program.ts loads (absolute paths); the benchmark flows when absent. */
  flows?: readonly string[];
  /** A worker program of the caller's own instead (args: address namespace taskQueue bundlePath). */
  script?: string;
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
export async function spawnWorkerProcess(target: WorkerTarget): Promise<WorkerProcess> {
  const args = [target.address, target.namespace ?? 'default', target.taskQueue, target.bundlePath];
  const program = target.script ?? join(__dirname, 'worker-program.ts');
  const flows = target.script ? [] : (target.flows ?? [join(__dirname, 'worker-flows.ts')]);
  const child = spawn(process.execPath, ['--import', 'tsx', program, ...args, ...flows], {
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
export async function stopWorkerProcess(worker: WorkerProcess, signal: NodeJS.Signals): Promise<number | string> {
  if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill(signal);
  return worker.exited;
}
