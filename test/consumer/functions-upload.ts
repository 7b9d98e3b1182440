// A Firebase functions codebase the way `firebase deploy` ships it: the functions folder uploaded alone (no
// node_modules, no *.local files, nothing from the folders around it), installed in the cloud from its
// package.json and lock with `npm ci --omit=dev`, loaded for discovery, and its deploy manifest read through
// the firebase-functions bin (`FUNCTIONS_MANIFEST_OUTPUT_PATH`, kit-protocols.md §3.5).
//
// One substitution, made here and never by the kit: `genkitx-temporal` is not on the npm registry this test runs
// against (a 404), so its dependency is rewritten to the packed tarball of this build before the install, as
// `npm install <tarball>` would write it. The spec found before that rewrite is returned for the test to judge.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface DeployShaped {
  /** The `genkitx-temporal` dependency spec as the folder declares it (before the test's rewrite). */
  declaredSpec: string | undefined;
  /** The clean copy `npm ci --omit=dev` installed. */
  dir: string;
  /** `du -sm node_modules` of that install. */
  installMb: number;
  /** Export names the folder's main module has when required (as the discovery does). */
  exports?: string[];
  /** stderr of a failed load. */
  loadError?: string;
  /** The deploy manifest (`specVersion`, `endpoints`, …) the firebase-functions bin writes. */
  manifest?: { specVersion: string; endpoints: Record<string, Record<string, any>> };
  manifestError?: string;
  /** Milliseconds per step. */
  timings: Record<string, number>;
}

/** What `firebase deploy` leaves out of the upload by default (firebase.json `functions.ignore`). */
const NOT_UPLOADED = /(^|[\\/])(node_modules|\.git|[^\\/]*\.local|[^\\/]*\.log)$/;

/** The npm flags of every install here: the warm cache first, no audit or funding requests. */
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

/**
 * Uploads `source` (a functions folder) as `firebase deploy` does and installs it there. Steps that fail are
 * reported in the result (`loadError`, `manifestError`), so each test can say what it checks; an install that
 * fails throws with npm's output.
 */
export async function deployShapedFunctions(source: string, tarball: string, label: string): Promise<DeployShaped> {
  const timings: Record<string, number> = {};
  const timed = async <T>(step: string, fn: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await fn();
    } finally {
      timings[step] = Date.now() - started;
    }
  };
  const root = mkdtempSync(join(tmpdir(), `functions-deploy-${label}-`));
  // 1. The developer's machine: the uploaded files, plus `npm install` for the lock that gets uploaded with them.
  const local = join(root, 'local');
  cpSync(source, local, { recursive: true, filter: (path) => !NOT_UPLOADED.test(path) });
  const manifestPath = join(local, 'package.json');
  const pkg = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const declaredSpec: string | undefined = pkg.dependencies?.['genkitx-temporal'];
  pkg.dependencies = { ...pkg.dependencies, 'genkitx-temporal': `file:${tarball}` }; // the test's rewrite (above)
  writeFileSync(manifestPath, JSON.stringify(pkg, null, 2));
  await timed('npmInstall', () => npm(['install', ...NPM_FLAGS], local));
  // 2. The cloud build: the upload (files and lock, no node_modules) in a clean folder, `npm ci --omit=dev`.
  const dir = join(root, 'upload');
  mkdirSync(dir);
  for (const entry of readdirSync(local)) {
    if (entry !== 'node_modules') cpSync(join(local, entry), join(dir, entry), { recursive: true });
  }
  await timed('npmCiOmitDev', () => npm(['ci', '--omit=dev', ...NPM_FLAGS], dir));
  const { stdout: du } = await run('du', ['-sm', 'node_modules'], { cwd: dir });
  const installMb = Number(du.split(/\s/)[0]);
  const result: DeployShaped = { declaredSpec, dir, installMb, timings };
  // 3. Discovery: the module loads with no settings (nothing may connect at import) …
  const env = { PATH: process.env.PATH!, HOME: process.env.HOME!, GCLOUD_PROJECT: 'demo-genkitx' };
  try {
    const { stdout } = await timed('load', () =>
      run(process.execPath, ['-e', 'console.log(JSON.stringify(Object.keys(require("./"))))'], {
        cwd: dir,
        env,
        timeout: 60_000,
      }),
    );
    result.exports = JSON.parse(stdout.trim().split('\n').pop()!);
  } catch (err) {
    result.loadError = (err as { stderr?: string }).stderr ?? String(err);
  }
  // … and the SDK's manifest writer, run from the functions folder as the CLI does (it ignores a lone dir argument).
  const out = join(root, 'manifest.json');
  try {
    await timed('manifest', () =>
      run(process.execPath, ['node_modules/firebase-functions/lib/bin/firebase-functions.js'], {
        cwd: dir,
        env: { ...env, FUNCTIONS_MANIFEST_OUTPUT_PATH: out },
        timeout: 60_000,
      }),
    );
    result.manifest = JSON.parse(readFileSync(out, 'utf8'));
  } catch (err) {
    result.manifestError = (err as { stderr?: string }).stderr ?? String(err);
  }
  return result;
}

async function npm(args: string[], cwd: string): Promise<void> {
  try {
    await run('npm', args, {
      cwd,
      // npm's own settings (registry, cache) from this environment; nothing of the repository's.
      env: {
        ...Object.fromEntries(Object.entries(process.env).filter(([k]) => /^npm_config_/i.test(k))),
        PATH: process.env.PATH!,
        HOME: process.env.HOME!,
      },
      timeout: 600_000,
      maxBuffer: 64 * 2 ** 20,
    });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string };
    throw new Error(`npm ${args[0]} failed in ${cwd}:\n${e.stdout ?? ''}${e.stderr ?? String(err)}`);
  }
}
