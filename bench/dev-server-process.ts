// A Temporal dev server as a child process on a fixed port and a persistent SQLite file, so a chaos run can
// SIGKILL it and start it again on the same state (the SDK's TestWorkflowEnvironment cannot be restarted).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Connection } from '@temporalio/client';
import { FLOW_SEARCH_ATTRIBUTE, PRINCIPAL_SEARCH_ATTRIBUTE } from '../src/defaults';

export interface DevServerProcess {
  address: string;
  dbFile: string;
  /** The running server process (replaced by `restart`). */
  child(): ChildProcess;
  /** SIGKILLs the server and waits until it is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port and database; resolves once it answers. */
  start(): Promise<void>;
  /** Kills it for good. */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** Starts `temporal server start-dev --db-filename <dbFile>` and waits until its frontend answers. */
export async function startPersistentDevServer(cliPath: string, dbFile: string): Promise<DevServerProcess> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = '';
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
        'error',
        '--search-attribute',
        `${FLOW_SEARCH_ATTRIBUTE}=Keyword`,
        '--search-attribute',
        `${PRINCIPAL_SEARCH_ATTRIBUTE}=Keyword`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (d) => (output = (output + d).slice(-10_000)));
    child.stderr!.on('data', (d) => (output = (output + d).slice(-10_000)));
    await waitUntilServing(address, child, () => output);
  };
  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await gone;
  };
  await start();
  return { address, dbFile, child: () => child!, kill, start, stop: kill };
}

async function waitUntilServing(address: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dev server exited (${child.exitCode}):\n${output()}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`dev server not serving after 60 s: ${String(err)}\n${output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
