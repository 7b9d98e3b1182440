// Runs test/fixtures/worker-process.ts as a real child process, for kill and graceful-shutdown tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { inject } from 'vitest';
import { address, namespace } from './temporal';

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  output: () => string;
}

/** Which worker program to run (a fixture under test/fixtures) and the workflow bundle it loads. */
export interface WorkerProgram {
  script?: string;
  bundlePath?: string;
}

/** Spawns a worker process on `taskQueue` and resolves once it is polling. */
export async function spawnWorker(
  taskQueue: string,
  env: Record<string, string>,
  program: WorkerProgram = {},
): Promise<WorkerProcess> {
  const script = resolve(__dirname, '../fixtures', program.script ?? 'worker-process.ts');
  const bundlePath = program.bundlePath ?? inject('workflowBundlePath');
  const child = spawn(process.execPath, ['--import', 'tsx', script, address(), namespace(), taskQueue, bundlePath], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | string>((done) => child.on('exit', (code, signal) => done(code ?? signal ?? -1)));
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`worker did not start in 60 s:\n${output}`)), 60_000);
    child.stdout!.on('data', () => {
      if (output.includes('ready')) {
        clearTimeout(timer);
        ready();
      }
    });
    void exited.then((code) => fail(new Error(`worker exited (${code}) before it was ready:\n${output}`)));
  });
  return { child, pid: child.pid!, exited, output: () => output };
}
