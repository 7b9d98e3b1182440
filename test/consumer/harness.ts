// Consumer projects: the packed package installed into projects outside the repository, as a user would.
// The tarball is packed once per build (keyed by a hash of package.json and dist/), and each project flavour is
// installed once per tarball and reused by every test and every later run until the build changes. Test files
// run in parallel processes, so the first one to get here builds and the others wait on a lock directory.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const repo = resolve(__dirname, '../..');
const cacheRoot = join(tmpdir(), 'genkitx-temporal-consumers');
const repoPackage = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));

export type Flavour = 'esm' | 'cjs';

/** The optional peers a worker project installs beside the package (README, "Install"). */
export const WORKER_PEERS = ['@temporalio/worker', '@temporalio/workflow', '@temporalio/activity'];

export interface ConsumerProject {
  dir: string;
  flavour: Flavour;
  /** Writes `files` (path relative to the project) into the project. */
  write(files: Record<string, string>): void;
  /** Runs a script of the project with node (`.mts`/`.ts` through tsx) and returns its outcome. */
  run(script: string, options?: RunOptions): Promise<RunResult>;
  /** Runs a command in the project and returns its outcome. */
  exec(command: string, args: string[], options?: RunOptions): Promise<RunResult>;
  /** Starts a long-running process in the project (a worker, a server); see {@link Started}. */
  start(command: string, args: string[], env?: Record<string, string>): Started;
}

/** A process started with `ConsumerProject.start`. */
export interface Started {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Settles with the exit code (or the signal's name) when the process exits. */
  exited: Promise<number | string>;
}

export interface RunOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Arguments after the script. */
  args?: string[];
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from spawn to exit. */
  ms: number;
}

/** The packed tarball of the current build (`npm run build` must have run). */
export function packedTarball(): Promise<string> {
  const dir = buildDir();
  return withLock(join(dir, 'pack'), async () => {
    const found = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    if (found) return join(dir, found);
    const packed = await exec('npm', ['pack', '--pack-destination', dir, '--silent', '--ignore-scripts'], {
      cwd: repo,
      timeoutMs: 300_000,
    });
    if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
    return join(dir, packed.stdout.trim().split('\n').pop()!);
  });
}

/** What a consumer project installs besides the package, genkit and tsx. */
export interface ConsumerOptions {
  /**
   * Install zod as a user does: `4` is `npm i zod` today (zod 4.x), `3` is `npm i zod@3`; with either, also the
   * repository's TypeScript, so the project can type-check its files. @default no zod of its own
   */
  zod?: 3 | 4;
}

/**
 * A project of the given flavour with the packed package, genkit, firebase-functions and tsx installed (offline
 * when the npm cache has them). The CommonJS project shares the ESM project's node_modules (a symlink: same
 * dependencies, one install); what differs is its package.json `"type"`, which decides how Node loads its `.js`
 * files.
 */
export async function consumerProject(flavour: Flavour, options: ConsumerOptions = {}): Promise<ConsumerProject> {
  // What every consumer test may import, as a worker project installs it: genkit and the Temporal worker's packages
  // (optional peers: a thin caller goes without them), and `./firebase`'s firebase-functions.
  const packages = [
    `genkit@${repoPackage.devDependencies.genkit}`,
    ...WORKER_PEERS.map((name) => `${name}@${repoPackage.devDependencies[name]}`),
    `firebase-functions@${repoPackage.devDependencies['firebase-functions']}`,
    `tsx@${installedVersion('tsx')}`,
    ...(options.zod ? [options.zod === 4 ? 'zod@4' : 'zod@3', `typescript@${installedVersion('typescript')}`] : []),
  ];
  const key = createHash('sha256').update(packages.join(' ')).digest('hex').slice(0, 8);
  const esm = await installedProject(join(buildDir(), `esm-${key}`), 'module', async () => [
    await packedTarball(),
    ...packages,
  ]);
  if (flavour === 'esm') return project(esm, flavour);
  const cjs = join(buildDir(), `cjs-${key}`);
  await withLock(cjs, async () => {
    if (existsSync(join(cjs, 'node_modules'))) return;
    mkdirSync(cjs, { recursive: true });
    writeFileSync(join(cjs, 'package.json'), JSON.stringify({ name: 'consumer-cjs', private: true, type: 'commonjs' }));
    symlinkSync(join(esm, 'node_modules'), join(cjs, 'node_modules'), 'dir');
  });
  return project(cjs, flavour);
}

/**
 * A fresh project with its own dependency list, for tests about what npm installs (not cached between runs).
 * Resolves with npm's outcome; the project is left in `dir` for inspection.
 */
export async function installFresh(name: string, packages: string[]): Promise<RunResult & { dir: string }> {
  const dir = join(buildDir(), `fresh-${name}-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true, type: 'module' }));
  const result = await exec('npm', ['install', ...npmFlags(), ...packages], { cwd: dir, timeoutMs: 300_000 });
  return { ...result, dir };
}

/** A Cloud Run template of the kit (`cloudrun/<name>`). */
export type Template = 'worker' | 'api';

let templateCopies = 0;

/**
 * The kit's template `cloudrun/<template>` copied out of the repository into a project of its own, as a user (or
 * a scaffolder) does: its files, and `"type": "module"` in its package.json for an ESM project. Its dependencies
 * are installed as a user installs them, `npm install <packed tarball>` beside the template's package.json, once
 * per build and template package.json; the copies of both flavours share that node_modules (a symlink). The
 * files are copied fresh for every call.
 */
export async function templateProject(
  template: Template,
  flavour: Flavour,
  name = `${template}-${flavour}-${process.pid}-${++templateCopies}`,
): Promise<ConsumerProject> {
  const source = join(repo, 'cloudrun', template);
  const manifests = ['package.json', '.npmrc'].filter((f) => existsSync(join(source, f)));
  const key = createHash('sha256');
  for (const file of manifests) key.update(file).update(readFileSync(join(source, file)));
  const installed = join(buildDir(), `template-${template}-${key.digest('hex').slice(0, 12)}`);
  const tarball = await packedTarball();
  await withLock(installed, async () => {
    if (existsSync(join(installed, '.installed'))) return;
    rmSync(installed, { recursive: true, force: true });
    mkdirSync(installed, { recursive: true });
    for (const file of manifests) cpSync(join(source, file), join(installed, file));
    const result = await exec('npm', ['install', ...npmFlags(), tarball], { cwd: installed, timeoutMs: 600_000 });
    if (result.code !== 0) throw new Error(`npm install failed in ${installed}:\n${result.stderr}`);
    writeFileSync(join(installed, '.installed'), new Date().toISOString());
  });
  const dir = join(buildDir(), name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(source, dir, {
    recursive: true,
    filter: (path) => !/[\\/](node_modules|dist)$|\.tgz$/.test(path),
  });
  // The installed package.json: the template's, with genkitx-temporal now the tarball, as `npm install` left it.
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  if (flavour === 'esm') manifest.type = 'module';
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  symlinkSync(join(installed, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return project(dir, flavour);
}

/**
 * A copy of the template (see {@link templateProject}) that `build` prepared, made once per build of the package,
 * content of the template's files and `key` (what `build` writes into it), and reused by every later call: test
 * files in parallel processes wait on a lock, as for the installs. A build that throws leaves nothing behind.
 */
export async function builtTemplateProject(
  template: Template,
  flavour: Flavour,
  key: string,
  build: (project: ConsumerProject) => Promise<void>,
): Promise<ConsumerProject> {
  const source = join(repo, 'cloudrun', template);
  const hash = createHash('sha256').update(`${flavour}\0${key}`);
  for (const file of templateFiles(source)) {
    hash.update(relative(source, file)).update(readFileSync(file));
  }
  const name = `built-${template}-${flavour}-${hash.digest('hex').slice(0, 12)}`;
  const dir = join(buildDir(), name);
  return withLock(dir, async () => {
    if (existsSync(join(dir, '.built'))) return project(dir, flavour);
    const copy = await templateProject(template, flavour, name);
    try {
      await build(copy);
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    writeFileSync(join(dir, '.built'), new Date().toISOString());
    return copy;
  });
}

function installedProject(
  dir: string,
  type: 'module' | 'commonjs',
  packages: () => Promise<string[]>,
): Promise<string> {
  return withLock(dir, async () => {
    if (existsSync(join(dir, '.installed'))) return dir;
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${type}`, private: true, type }));
    const installed = await exec('npm', ['install', ...npmFlags(), ...(await packages())], {
      cwd: dir,
      timeoutMs: 600_000,
    });
    if (installed.code !== 0) throw new Error(`npm install failed in ${dir}:\n${installed.stderr}`);
    writeFileSync(join(dir, '.installed'), new Date().toISOString());
    return dir;
  });
}

function npmFlags(): string[] {
  return ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
}

function project(dir: string, flavour: Flavour): ConsumerProject {
  return {
    dir,
    flavour,
    write(files) {
      for (const [path, content] of Object.entries(files)) {
        mkdirSync(join(dir, path, '..'), { recursive: true });
        writeFileSync(join(dir, path), content);
      }
    },
    run(script, options = {}) {
      const viaTsx = /\.(m|c)?ts$/.test(script);
      const args = [...(viaTsx ? ['--import', 'tsx', script] : [script]), ...(options.args ?? [])];
      return exec(process.execPath, args, { cwd: dir, env: options.env, timeoutMs: options.timeoutMs ?? 120_000 });
    },
    exec(command, args, options = {}) {
      return exec(command, args, { cwd: dir, env: options.env, timeoutMs: options.timeoutMs ?? 300_000 });
    },
    start(command, args, env = {}) {
      const child = spawn(command, args, {
        cwd: dir,
        env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout!.on('data', (d) => (output += d));
      child.stderr!.on('data', (d) => (output += d));
      const exited = new Promise<number | string>((done) => child.on('exit', (code, signal) => done(code ?? signal!)));
      return { child, output: () => output, exited };
    },
  };
}

function exec(
  command: string,
  args: string[],
  options: { cwd: string; env?: Record<string, string>; timeoutMs: number },
): Promise<RunResult> {
  const started = Date.now();
  return new Promise((done) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd,
        // The repository's own settings must not leak into the consumer (NODE_OPTIONS from vitest, for one).
        env: { ...npmSettings(), PATH: process.env.PATH!, HOME: process.env.HOME!, ...options.env },
        timeout: options.timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        done({ code, stdout, stderr, ms: Date.now() - started });
      },
    );
  });
}

/** npm's own settings from the environment (registry, cache), so installs behave as they do here. */
function npmSettings(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => /^npm_config_/i.test(e[0]) && !!e[1]),
  );
}

/** `<tmp>/genkitx-temporal-consumers/<hash of the build>`; older builds' folders are removed. */
function buildDir(): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(join(repo, 'package.json')));
  const dist = join(repo, 'dist');
  if (!existsSync(join(dist, 'esm', 'index.mjs'))) throw new Error('consumer tests need a build: npm run build');
  for (const file of listFiles(dist)) {
    hash.update(relative(dist, file));
    hash.update(readFileSync(file));
  }
  const dir = join(cacheRoot, hash.digest('hex').slice(0, 16));
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    for (const old of readdirSync(cacheRoot)) {
      const path = join(cacheRoot, old);
      // Only folders idle for an hour: a parallel run of another build may still be using its own.
      if (path !== dir && Date.now() - statSync(path).mtimeMs > 3_600_000)
        rmSync(path, { recursive: true, force: true });
    }
  }
  return dir;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

/** A template's own files, as templateProject copies them: no node_modules, dist or tarballs. */
function templateFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !(e.isDirectory() && /^(node_modules|dist)$/.test(e.name)) && !e.name.endsWith('.tgz'))
    .flatMap((e) => (e.isDirectory() ? templateFiles(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

function installedVersion(name: string): string {
  return JSON.parse(readFileSync(join(repo, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** Runs `fn` holding an exclusive lock (a directory, created atomically); waits for other processes. */
async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  mkdirSync(join(lock, '..'), { recursive: true });
  const deadline = Date.now() + 600_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than the longest install belongs to a crashed process.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 600_000) rmSync(lock, { recursive: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await new Promise((wake) => setTimeout(wake, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
