// A Temporal dev server as a child process on a fixed port and a persistent SQLite file, so a chaos run can
// SIGKILL it and start it again on the same state (the SDK's TestWorkflowEnvironment cannot be restarted).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
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

/** How many fresh ports the first start tries: the port picked can be taken before the server binds it. */
const FIRST_START_TRIES = 3;

/**
 * Starts `temporal server start-dev --db-filename <dbFile>` and waits until its frontend answers, as this server:
 * it is started with a namespace of its own and ready once that namespace answers. A free port is picked, released
 * and only then bound by the server, and the dev servers other test files start in the meantime pick ports of their
 * own the same way. On a full local run a SIGSTOPped server of autoscaler-faults "answered" in 13 ms, which only a
 * live server at that address could do: most likely such a race. A first start that fails is tried again on a fresh
 * port.
 */
export async function startPersistentDevServer(
  cliPath: string,
  dbFile: string,
  options: DevServerOptions = {},
): Promise<DevServerProcess> {
  for (let tries = 1; ; tries++) {
    const server = devServerOnPort(cliPath, dbFile, await freePort(), options);
    try {
      await server.start();
      return server;
    } catch (err) {
      await server.stop();
      if (tries >= FIRST_START_TRIES) throw err;
    }
  }
}

function devServerOnPort(
  cliPath: string,
  dbFile: string,
  port: number,
  { kitArgs = true, slowCalls: keepSlowCalls = false }: DevServerOptions,
): DevServerProcess {
  const address = `127.0.0.1:${port}`;
  // Only this server has it: whoever else answers at the address is not taken for it.
  const ownNamespace = `own-${randomUUID().slice(0, 8)}`;
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
        '--namespace',
        ownNamespace,
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
      namespace: ownNamespace,
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
  return { address, dbFile, child: () => child!, kill, start, stop: () => kill(), slowCalls: () => slowCalls };
}
