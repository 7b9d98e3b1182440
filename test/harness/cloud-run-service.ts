// A Cloud Run service's entry point (cloudrun/api or cloudrun/worker, src/main.ts under tsx) as its own process,
// configured only through the environment it is given, as Cloud Run starts it.
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

export interface CloudRunInstance {
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  output: () => string;
}

export interface CloudRunServiceOptions {
  /**
   * Run from the service's own folder, as `npm start` runs it (FLOWS_MODULE is read relative to it); default: from
   * the repository root (FLOWS_MODULE relative to the root).
   */
  ownFolder?: boolean;
  /** `genkitx-temporal` resolves to the library's source (tsx's source tsconfig), not its build; default false. */
  librarySource?: boolean;
}

/** Starts the service with `env` only (plus PATH, and tsx's source tsconfig with `librarySource`). */
export function startCloudRunService(
  service: 'worker' | 'api',
  env: Record<string, string>,
  { ownFolder = false, librarySource = false }: CloudRunServiceOptions = {},
): CloudRunInstance {
  const source = { TSX_TSCONFIG_PATH: join(root, 'test/fixtures/cloudrun-worker/tsconfig.source.json') };
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, `cloudrun/${service}/src/main.ts`)], {
    cwd: ownFolder ? join(root, 'cloudrun', service) : root,
    env: { PATH: process.env.PATH!, ...(librarySource ? source : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | string>((done) => child.on('exit', (code, signal) => done(code ?? signal ?? -1)));
  return { child, exited, output: () => output };
}

/** Resolves once the service printed `text` (the API: 'api listening'); rejects if it exits first or after `timeoutMs`. */
export function serviceReady(service: CloudRunInstance, text: string, timeoutMs = 60_000): Promise<void> {
  return new Promise((ready, fail) => {
    const check = () => {
      if (service.output().includes(text)) finish();
    };
    const timer = setTimeout(
      () => finish(new Error(`no "${text}" after ${timeoutMs} ms:\n${service.output()}`)),
      timeoutMs,
    );
    service.child.stdout!.on('data', check);
    service.child.stderr!.on('data', check);
    void service.exited.then((code) => finish(new Error(`exited (${code}) before "${text}":\n${service.output()}`)));
    check();
    function finish(err?: Error) {
      clearTimeout(timer);
      service.child.stdout!.off('data', check);
      service.child.stderr!.off('data', check);
      if (err) fail(err);
      else ready();
    }
  });
}
