#!/usr/bin/env node
// Packs this repository's library into <app>/vendor/genkitx-temporal.tgz and points the app's package.json and
// package-lock.json at that tarball (`npm install --package-lock-only`), so `npm ci` and `docker build` in the app
// install exactly what was just built (`npm run build` first). For an app made from a kit template
// (cloudrun/worker, cloudrun/api) copied out of this repository, to build its image from an unreleased library; an
// app that installs genkitx-temporal from the npm registry does not need it. The templates in this repository are
// left alone: it refuses to rewrite them in place.
// Usage: node scripts/vendor-library.mjs <app folder>
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const library = resolve(dirname(fileURLToPath(import.meta.url)), '..');
if (!process.argv[2]) throw new Error('usage: node scripts/vendor-library.mjs <app folder>');
const app = resolve(process.argv[2]);
const inRepository = relative(join(library, 'cloudrun'), app);
if (!inRepository.startsWith('..') && !inRepository.startsWith('/')) {
  throw new Error(`${app} is a template in this repository: copy it out first (cp -r ${app} <your app>)`);
}
const vendor = join(app, 'vendor');
mkdirSync(vendor, { recursive: true });

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const [packed] = JSON.parse(
  execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', vendor], {
    cwd: library,
    encoding: 'utf8',
  }),
);
// One stable file name: package.json names it; the version stays in the package inside it.
renameSync(join(vendor, packed.filename), join(vendor, 'genkitx-temporal.tgz'));
execFileSync(
  npm,
  ['install', '--package-lock-only', '--prefer-offline', '--no-audit', '--no-fund', './vendor/genkitx-temporal.tgz'],
  { cwd: app, stdio: ['ignore', 'ignore', 'inherit'] },
);
process.stdout.write(`vendored genkitx-temporal ${packed.version} into ${vendor}; package.json and lock point at it\n`);
for (const stale of readdirSync(vendor)) {
  if (!['genkitx-temporal.tgz', 'README.md'].includes(stale))
    process.stderr.write(`note: ${stale} in vendor/ is unused\n`);
}
