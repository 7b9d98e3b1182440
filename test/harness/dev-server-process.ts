// A Temporal dev server as a child process on a fixed port and a persistent SQLite file, so a chaos run can
// SIGKILL it and start it again on the same state (the SDK's TestWorkflowEnvironment cannot be restarted).
import { spawn, type ChildProcess } from 'node:child_process';
import { freePorts, KIT_DEV_SERVER_ARGS, waitForTemporal } from '../../src/testing/local-process-helpers';

export interface DevServerProcess {
  address: string;
  dbFile: string;
  /** The running server process (replaced by `restart`). */
  child(): ChildProcess;
  /** Signals the server (SIGKILL unless told) and waits until it is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port and database; resolves once it answers. */
  start(): Promise<void>;
  /** Kills it for good. */
  stop(): Promise<void>;
  /** With `slowCalls`: the calls the server logged as slow ("Slow gRPC call"), over all its starts. */
  slowCalls(): SlowCall[];
}

/** A call the server itself logged as slow: which method, for which workflow, when it ended and how long it took. */
export interface SlowCall {
  method: string;
  workflowId: string;
  at: number;
  ms: number;
}

export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}

export interface DevServerOptions {
  /** Registers the kit's search attributes and dynamic config (KIT_DEV_SERVER_ARGS); default true. */
  kitArgs?: boolean;
  /** Logs at warn level and keeps the server's own "Slow gRPC call" lines (see `slowCalls`); default false. */
  slowCalls?: boolean;
}

const SLOW_CALL = /^time=(\S+) .*msg="Slow gRPC call" wf-id=(\S+) .*duration=([\d.]+)(ms|s) method=\S*\/(\w+)$/;

/** One line of the dev server's log as a slow call, if it is one (its times are UTC). */
export function parseSlowCall(line: string): SlowCall | undefined {
  const m = SLOW_CALL.exec(line);
  if (!m) return undefined;
  const ms = Number(m[3]) * (m[4] === 's' ? 1000 : 1);
  return { method: m[5]!, workflowId: m[2]!, at: Date.parse(`${m[1]}Z`), ms: Math.round(ms) };
}

/** Starts `temporal server start-dev --db-filename <dbFile>` and waits until its frontend answers. */
export async function startPersistentDevServer(
  cliPath: string,
  dbFile: string,
  { kitArgs = true, slowCalls: keepSlowCalls = false }: DevServerOptions = {},
): Promise<DevServerProcess> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = '';
  const slowCalls: SlowCall[] = [];
  const readSlowCalls = () => {
    let partial = '';
    return (d: Buffer) => {
      const lines = (partial + d).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        const call = parseSlowCall(line);
        if (call) slowCalls.push(call);
      }
    };
  };
  const start = async () => {
    output = '';
    child = spawn(
      cliPath,
      [
        'server',
        'start-dev',
        '--headless',
        '--ip',
        '127.0.0.1',
        '--port',
        String(port),
        '--db-filename',
        dbFile,
        '--log-level',
        keepSlowCalls ? 'warn' : 'error',
        ...(kitArgs ? KIT_DEV_SERVER_ARGS : []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (d) => (output = (output + d).slice(-10_000)));
    child.stderr!.on('data', (d) => (output = (output + d).slice(-10_000)));
    if (keepSlowCalls) {
      child.stdout!.on('data', readSlowCalls());
      child.stderr!.on('data', readSlowCalls());
    }
    const c = child;
    await waitForTemporal(address, {
      timeoutMs: 60_000,
      exited: () => (c.exitCode !== null ? new Error(`dev server exited (${c.exitCode}):\n${output}`) : undefined),
    });
  };
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    await gone;
  };
  await start();
  return { address, dbFile, child: () => child!, kill, start, stop: () => kill(), slowCalls: () => slowCalls };
}
