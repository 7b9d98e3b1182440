#!/usr/bin/env node
// Brings a fresh clone to a runnable state: Node dependencies (when missing or stale), the Temporal CLI, a
// Terraform CLI for the offline infra checks, and Debian's Chromium for the browser tests.
// Runs before `npm run demo` and `npm test`, so those two commands are all a new machine needs.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveTemporalCli } from './temporal-cli.mjs';
import { installTerraform, resolveTerraform } from './terraform.mjs';
import { installChromium, resolveChromium } from './chromium.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const installedMarker = join(root, 'node_modules', '.package-lock.json');
const lockFile = join(root, 'package-lock.json');

const stale =
  !existsSync(installedMarker) ||
  (existsSync(lockFile) && statSync(lockFile).mtimeMs > statSync(installedMarker).mtimeMs);
// npm installs in a process of its own while the tools below are found or installed (each waits on the network
// or the disk more than on the CPU); the script waits for it at the end.
const nodeDependencies = stale ? installNodeDependencies() : Promise.resolve(0);

const cli = resolveTemporalCli();
if (cli) process.stderr.write(`[setup] Temporal CLI: ${cli}\n`);
else
  process.stderr.write(
    '[setup] no Temporal CLI found; the Temporal SDK will try to download the dev server (needs internet)\n',
  );

const terraform = resolveTerraform() ?? installTerraform();
if (terraform) process.stderr.write(`[setup] Terraform CLI: ${terraform}\n`);
else process.stderr.write('[setup] NO TERRAFORM CLI: the terraform fmt/test checks in test/infra will be SKIPPED\n');

const chromium = resolveChromium() ?? installChromium();
if (chromium) process.stderr.write(`[setup] Chromium: ${chromium}\n`);
else process.stderr.write('[setup] NO CHROMIUM: the run-console browser tests will be SKIPPED\n');

const npmStatus = await nodeDependencies;
if (npmStatus !== 0) {
  process.stderr.write(`[setup] installing Node dependencies failed (npm exited ${npmStatus})\n`);
  process.exit(1);
}

/** `npm ci` (or `npm install` without a lock file); resolves with npm's exit status. */
function installNodeDependencies() {
  process.stderr.write('[setup] installing Node dependencies\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const args = [existsSync(lockFile) ? 'ci' : 'install', '--no-audit', '--no-fund'];
  const child = spawn(npm, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  return new Promise((done) => {
    child.on('error', (err) => (process.stderr.write(`[setup] ${err.message}\n`), done(1)));
    child.on('close', (code) => done(code ?? 1));
  });
}
