// Processes of a local stack (the demo's, the console source test's), each in its own process group, with its
// output in a log file. `stopAll` ends them all (SIGTERM to the group, SIGKILL after a grace period), so Ctrl-C or
// the end of the demo leaves no orphans.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StartedProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  logFile: string;
  /** Resolves with the exit code or signal name. */
  exited: Promise<number | string>;
  /** Everything it printed so far. */
  output(): string;
}

export class Processes {
  private readonly started: StartedProcess[] = [];

  constructor(private readonly logDir: string) {}

  /** Starts `command` in a new process group; its stdout and stderr go to `<logDir>/<name>.log`. */
  start(name: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): StartedProcess {
    const logFile = join(this.logDir, `${name}.log`);
    const log = createWriteStream(logFile);
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (data: Buffer) => {
      output += data;
      log.write(data);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const exited = new Promise<number | string>((done) => {
      child.on('exit', (code, signal) => done(code ?? signal ?? -1));
      child.on('error', (err) => {
        output += `\n${err.message}\n`;
        done(-1);
      });
    });
    void exited.then(() => log.end());
    const started: StartedProcess = { name, pid: child.pid ?? -1, child, logFile, exited, output: () => output };
    this.started.push(started);
    return started;
  }

  /** The processes started so far (also those that have exited). */
  list(): readonly StartedProcess[] {
    return this.started;
  }

  /** SIGKILLs the whole group of one process (the demo's simulated crash). */
  crash(process: StartedProcess): void {
    signalGroup(process.pid, 'SIGKILL');
  }

  /** SIGTERM to every group still running, SIGKILL to what is left after `graceMs`. Never throws. */
  async stopAll(graceMs = 5_000): Promise<void> {
    const running = this.started.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
    for (const p of running) signalGroup(p.pid, 'SIGTERM');
    const timeout = new Promise((done) => setTimeout(done, graceMs).unref());
    await Promise.race([Promise.all(running.map((p) => p.exited)), timeout]);
    // Also the groups whose leader is gone: a grandchild could still hold a port.
    for (const p of this.started) signalGroup(p.pid, 'SIGKILL');
    // Wait for every member of every group, not only the leaders: a SIGKILLed grandchild takes a moment to go.
    for (const deadline = Date.now() + 5_000; Date.now() < deadline;) {
      if (!this.started.some((p) => groupAlive(p.pid))) break;
      await new Promise((d) => setTimeout(d, 50));
    }
  }
}

/**
 * Whether any process of group `pgid` is still alive. Zombies do not count: they have exited, and where PID 1 does
 * not reap orphans (some containers) they stay in the process table. Reads /proc on Linux; elsewhere asks the kernel.
 */
export function groupAlive(pgid: number): boolean {
  if (pgid <= 0) return false;
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  return entries.some((pid) => {
    try {
      // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(pgrp) === pgid && state !== 'Z';
    } catch {
      return false; // exited while we looked
    }
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  if (pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

/** Resolves once `process` printed something matching `ready`; rejects if it exits first or `timeoutMs` passes. */
export function waitForOutput(p: StartedProcess, ready: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (ready.test(p.output())) finish();
    }, 50);
    const deadline = setTimeout(
      () =>
        finish(new Error(`${p.name} not ready after ${timeoutMs} ms (log: ${p.logFile}):\n${p.output().slice(-2000)}`)),
      timeoutMs,
    );
    void p.exited.then((code) =>
      finish(
        ready.test(p.output())
          ? undefined
          : new Error(`${p.name} exited (${code}) before it was ready:\n${p.output().slice(-2000)}`),
      ),
    );
    let done = false;
    function finish(err?: Error) {
      if (done) return;
      done = true;
      clearInterval(timer);
      clearTimeout(deadline);
      if (err) reject(err);
      else resolve();
    }
  });
}
