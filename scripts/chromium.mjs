#!/usr/bin/env node
// Finds (or installs) the headless Chromium that the browser tests drive with playwright-core
// (test/integration/run-console.browser.test.ts). Playwright's own browser download needs a host these machines
// cannot reach, so the browser is Debian's `chromium` package from the distribution's own mirrors.
// Order: CHROMIUM_PATH -> /usr/bin/chromium. `installChromium()` (run by scripts/setup.mjs) installs the package
// with apt-get when it is missing, only as root on a Debian-like system; elsewhere the browser tests skip and say why.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The Debian package, and the binary it installs. */
export const CHROMIUM_PACKAGE = 'chromium';
const DEFAULT_PATH = '/usr/bin/chromium';

function works(path) {
  const r = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The Chromium binary's path, or undefined when there is none. */
export function resolveChromium() {
  const path = process.env.CHROMIUM_PATH || DEFAULT_PATH;
  return existsSync(path) && works(path) ? path : undefined;
}

/** Installs Debian's chromium with apt-get (as root only); returns its path, or undefined with the reason logged. */
export function installChromium() {
  const why = (message) => {
    process.stderr.write(`[setup] ${message}\n`);
    return undefined;
  };
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get'))
    return why('no apt-get here: cannot install chromium');
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return why('not root: cannot apt-get install chromium (run `sudo apt-get install -y chromium`)');
  }
  const apt = (...args) =>
    spawnSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 15 * 60_000,
    }).status === 0;
  process.stderr.write(`[setup] installing Debian's ${CHROMIUM_PACKAGE} for the browser tests\n`);
  const install = () => apt('install', '-y', '--no-install-recommends', CHROMIUM_PACKAGE);
  // A fresh machine may have no package lists yet: update once, then try again.
  if (!install() && !(apt('update') && install())) return why(`apt-get install ${CHROMIUM_PACKAGE} failed`);
  return resolveChromium();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = resolveChromium() ?? (process.argv.includes('--install') ? installChromium() : undefined);
  if (!path) process.exit(1);
  process.stdout.write(`${path}\n`);
}
