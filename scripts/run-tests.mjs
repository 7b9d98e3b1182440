#!/usr/bin/env node
// `npm test`: runs every test (unit and integration, on a real Temporal dev server) with vitest, then prints
// one closing line `N passed, N failed, N skipped` and exits with vitest's status; with CI=true a skipped test
// fails the run (scripts/test-summary.mjs). Extra args go to vitest. GENKITX_TEST_REPORT moves the JSON report
// (default test-results.json).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCi, summarize } from './test-summary.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const report = resolve(root, process.env.GENKITX_TEST_REPORT || 'test-results.json');
rmSync(report, { force: true });

const args = process.argv.slice(2);
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const run = spawnSync(process.execPath, [vitest, 'run', `--outputFile.json=${report}`, ...args], {
  cwd: root,
  stdio: 'inherit',
});

const summary = summarize(existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : undefined, {
  runStatus: run.status,
  ci: isCi(),
  nameFilter: args.some((a) => a === '-t' || a.startsWith('--testNamePattern') || a.startsWith('-t=')),
  root,
});
process.stdout.write(`\n${summary.line}\n${summary.notes.map((n) => `${n}\n`).join('')}`);
process.exit(summary.exitCode);
