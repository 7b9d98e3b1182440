#!/usr/bin/env node
// Packs the genkitx-temporal library of this repository into vendor/ and points package-lock.json at that exact
// tarball (its sha512), so `npm ci --omit=dev` installs what was just built. Run it before `docker build` (the
// image installs the library from vendor/, like any published version). A project that installs genkitx-temporal
// from the npm registry does not need this step.
// Usage: node vendor-library.mjs [app folder, default: this folder]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const library = resolve(here, '../..');
const app = resolve(process.argv[2] ?? here);
const vendor = join(app, 'vendor');
mkdirSync(vendor, { recursive: true });

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const [packed] = JSON.parse(execFileSync(npm, ['pack', '--json', '--pack-destination', vendor], { cwd: library, encoding: 'utf8' }));
// The lock names one stable file; the version stays in the package inside it.
const tarball = join(vendor, 'genkitx-temporal.tgz');
renameSync(join(vendor, packed.filename), tarball);

const integrity = 'sha512-' + createHash('sha512').update(readFileSync(tarball)).digest('base64');
const lockFile = join(app, 'package-lock.json');
const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
const entry = lock.packages['node_modules/genkitx-temporal'];
if (!entry) throw new Error(`${lockFile} has no genkitx-temporal entry`);
entry.integrity = integrity;
entry.version = packed.version;
writeFileSync(lockFile, JSON.stringify(lock, null, 2) + '\n');
process.stdout.write(`vendored genkitx-temporal ${packed.version} (${integrity.slice(0, 20)}…) into ${vendor}\n`);
for (const stale of readdirSync(vendor)) if (stale !== 'genkitx-temporal.tgz') process.stderr.write(`note: ${stale} in vendor/ is unused\n`);
