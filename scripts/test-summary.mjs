// The closing line of `npm test` (`N passed, N failed, N skipped`) and its exit status, from vitest's JSON report.
// With CI=true a skipped test fails the run: a suite skipped in CI (a missing Terraform, Chromium, Python, …)
// checks nothing while the run looks green. Kept apart from scripts/run-tests.mjs so it can be tested alone.
import { relative } from 'node:path';

/** Whether this run is CI (`CI=true`, as GitHub Actions and most CI services set it). */
export function isCi(env = process.env) {
  return env.CI === 'true' || env.CI === '1';
}

const SKIPPED = new Set(['skipped', 'pending', 'todo']);
const MAX_LISTED = 20;

/**
 * @param {object | undefined} report vitest's JSON report (undefined when vitest wrote none)
 * @param {{ runStatus: number | null, ci: boolean, nameFilter?: boolean, root?: string }} options
 *   `runStatus`: vitest's exit status; `nameFilter`: a `-t` pattern was given (vitest reports the tests it
 *   filtered out as skipped, so they are not held against the run).
 * @returns {{ passed: number, failed: number, skipped: number, line: string, notes: string[], exitCode: number }}
 */
export function summarize(report, { runStatus, ci, nameFilter = false, root = process.cwd() }) {
  const files = report?.testResults ?? [];
  const passed = report?.numPassedTests ?? 0;
  // A file that fails to load fails no single test, and neither does a crashed run: neither may read as green.
  const brokenFiles = files.filter(
    (f) => f.status === 'failed' && !f.assertionResults.some((t) => t.status === 'failed'),
  ).length;
  let failed = (report?.numFailedTests ?? 0) + brokenFiles;
  if (runStatus !== 0 && failed === 0) failed = 1;
  const skipped = (report?.numPendingTests ?? 0) + (report?.numTodoTests ?? 0);

  const notes = [];
  let exitCode = runStatus ?? 1;
  if (ci && skipped > 0 && !nameFilter) {
    const listed = files.flatMap((f) =>
      f.assertionResults.filter((t) => SKIPPED.has(t.status)).map((t) => `  ${relative(root, f.name)}: ${t.fullName}`),
    );
    notes.push(`CI=true: ${skipped} skipped test(s) fail the run (a test skipped in CI checks nothing):`);
    notes.push(...listed.slice(0, MAX_LISTED));
    if (listed.length > MAX_LISTED) notes.push(`  … and ${listed.length - MAX_LISTED} more`);
    if (exitCode === 0) exitCode = 1;
  }
  return { passed, failed, skipped, line: `${passed} passed, ${failed} failed, ${skipped} skipped`, notes, exitCode };
}

/**
 * One JSON report from several vitest runs' reports (`npm test` runs vitest twice): counts added, files listed
 * in run order. Undefined when no run wrote a report; a run that wrote none is left out (its status fails the run).
 * @param {Array<object | undefined>} reports
 */
export function mergeReports(reports) {
  const written = reports.filter(Boolean);
  if (written.length === 0) return undefined;
  const merged = { ...written[0] };
  for (const key of Object.keys(written[0])) {
    if (typeof written[0][key] === 'number' && key.startsWith('num')) {
      merged[key] = written.reduce((sum, r) => sum + (r[key] ?? 0), 0);
    }
  }
  merged.success = written.every((r) => r.success !== false);
  merged.testResults = written.flatMap((r) => r.testResults ?? []);
  return merged;
}
