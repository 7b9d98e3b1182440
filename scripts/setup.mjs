#!/usr/bin/env node
// Brings a fresh clone to a runnable state: Node dependencies (when missing or stale), the Temporal CLI, a
// Terraform CLI for the offline infra checks, and Debian's Chromium for the browser tests.
// Runs before `npm run demo` and `npm test`, so those two commands are all a new machine needs.
import { execSync } from 'node:child_process';
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
if (stale) {
  process.stderr.write('[setup] installing Node dependencies\n');
  execSync(existsSync(lockFile) ? 'npm ci --no-audit --no-fund' : 'npm install --no-audit --no-fund', {
    cwd: root,
    stdio: 'inherit',
  });
}

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
