#!/usr/bin/env node
// `npm test`: runs every test (unit and integration, on a real Temporal dev server) with vitest, then prints
// one closing line `N passed, N failed, N skipped` and exits with vitest's status; with CI=true a skipped test
// fails the run (scripts/test-summary.mjs). Extra args go to vitest. GENKITX_TEST_REPORT moves the JSON report
// (default test-results.json).
//
// Two vitest runs, one report: first every project but integration-alone with several test files at once (most
// files wait on the dev server, timeouts, child processes or npm, not on the CPU), then integration-alone, one
// file at a time with nothing else running, because its assertions are wall-clock bounds the product promises
// (vitest.config.ts). With --project or --config in the args, one vitest run with the args as given.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCi, mergeReports, summarize } from './test-summary.mjs';

/** The project whose files run alone, and how many files the other projects run at once. */
const ALONE = 'integration-alone';
const FILES_AT_ONCE = 3;

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const report = resolve(root, process.env.GENKITX_TEST_REPORT || 'test-results.json');
rmSync(report, { force: true });

const args = process.argv.slice(2);
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const given = (...names) => args.some((a) => names.some((n) => a === n || a.startsWith(`${n}=`)));

const dir = mkdtempSync(join(tmpdir(), 'genkitx-temporal-tests-'));
const readJson = (file, otherwise) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : otherwise);

/**
 * One vitest run; its exit status, its JSON report (undefined when it wrote none) and its unhandled errors
 * (scripts/unhandled-errors-reporter.mjs, a reporter of vitest.config.ts).
 */
let runs = 0;
function runVitest(extra, outputFile) {
  rmSync(outputFile, { force: true });
  const errorsFile = join(dir, `unhandled-${++runs}.json`);
  const run = spawnSync(process.execPath, [vitest, 'run', `--outputFile.json=${outputFile}`, ...extra, ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, GENKITX_UNHANDLED_ERRORS: errorsFile },
  });
  return { status: run.status, report: readJson(outputFile, undefined), unhandledErrors: readJson(errorsFile, []) };
}

let runStatus;
let merged;
let unhandledErrors;
if (given('--project', '--config', '-c')) {
  ({ status: runStatus, report: merged, unhandledErrors } = runVitest([], report));
} else {
  // A file filter in the args may match files of one pass only: a pass with none is not a failure by itself.
  const atOnce = given('--maxWorkers') ? [] : [`--maxWorkers=${FILES_AT_ONCE}`];
  const first = runVitest([`--project=!${ALONE}`, '--passWithNoTests', ...atOnce], join(dir, 'first.json'));
  const alone = runVitest([`--project=${ALONE}`, '--passWithNoTests', '--maxWorkers=1'], join(dir, 'alone.json'));
  merged = mergeReports([first.report, alone.report]);
  unhandledErrors = [...first.unhandledErrors, ...alone.unhandledErrors];
  runStatus = first.status || alone.status;
  // Neither pass found a test file (a filter that matches nothing): fail as one vitest run does.
  if (runStatus === 0 && merged && merged.testResults.length === 0) {
    process.stderr.write('\nNo test files found\n');
    runStatus = 1;
  }
  if (merged) writeFileSync(report, JSON.stringify(merged));
}
rmSync(dir, { recursive: true, force: true });

const summary = summarize(merged, {
  runStatus,
  ci: isCi(),
  nameFilter: args.some((a) => a === '-t' || a.startsWith('--testNamePattern') || a.startsWith('-t=')),
  root,
  unhandledErrors,
});
if (merged && !given('--project', '--config', '-c')) process.stdout.write(`\nJSON report written to ${report}\n`);
// What failed goes just before the closing line, so the tail of a CI log names it.
const lines = [...summary.failures, summary.line, ...summary.notes];
process.stdout.write(`\n${lines.map((l) => `${l}\n`).join('')}`);
process.exit(summary.exitCode);
