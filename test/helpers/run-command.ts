// Runs a command to completion without blocking the test process's event loop. A synchronous spawn (spawnSync,
// execFileSync) that lasts a minute freezes the vitest worker: its pending reports to the main process then time
// out on return (`[vitest-worker]: Timeout calling "onTaskUpdate"`, vitest 3's 60 s RPC limit), which fails the
// whole run. So anything that may take long (a nested test run, terraform, npm) goes through here.
import { execFile } from 'node:child_process';

export interface CommandResult {
  /** The exit code; null when the command was killed (timeout or signal). */
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `file args…` in `options.cwd`, resolved (never rejected) with its exit code and output. */
export function runCommand(
  file: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number },
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(file, args, { ...options, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code;
      resolve({ status: error ? (typeof code === 'number' ? code : null) : 0, stdout, stderr });
    });
  });
}
