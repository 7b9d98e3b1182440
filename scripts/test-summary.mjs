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
 * @param {{ runStatus: number | null, ci: boolean, nameFilter?: boolean, root?: string,
 *   unhandledErrors?: Array<{ name: string, message: string, testFile?: string, testName?: string, stack?: string }> }} options
 *   `runStatus`: vitest's exit status; `nameFilter`: a `-t` pattern was given (vitest reports the tests it
 *   filtered out as skipped, so they are not held against the run); `unhandledErrors`: what
 *   scripts/unhandled-errors-reporter.mjs wrote.
 * @returns {{ passed: number, failed: number, skipped: number, line: string, failures: string[], notes: string[],
 *   exitCode: number }}
 */
export function summarize(report, { runStatus, ci, nameFilter = false, root = process.cwd(), unhandledErrors = [] }) {
  const files = report?.testResults ?? [];
  const passed = report?.numPassedTests ?? 0;
  // A file that fails to load (or whose hook fails) fails no single test, an unhandled error fails none either,
  // and neither does a crashed run: none of them may read as green.
  const brokenFiles = files.filter(
    (f) => f.status === 'failed' && !f.assertionResults.some((t) => t.status === 'failed'),
  );
  let failed = (report?.numFailedTests ?? 0) + brokenFiles.length + unhandledErrors.length;
  if (runStatus !== 0 && failed === 0) failed = 1;
  const failures = listFailures(files, brokenFiles, unhandledErrors, root);
  if (failures.length === 0 && runStatus !== 0) {
    failures.push(`vitest exited with status ${runStatus} and named no failed test: read its output above`);
  }
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
  return {
    passed,
    failed,
    skipped,
    line: `${passed} passed, ${failed} failed, ${skipped} skipped`,
    failures,
    notes,
    exitCode,
  };
}

/** The first line of a message, trimmed: enough to tell failures apart in a list. */
const firstLine = (text) =>
  (text ?? '')
    .split('\n')
    .find((l) => l.trim())
    ?.trim() ?? '';
/** `: <first line>`, or nothing when there is no message. */
const withReason = (text) => {
  const line = firstLine(text);
  return line ? `: ${line}` : '';
};

/**
 * What failed, one line each (at most MAX_LISTED), so the end of a CI log names it: failed tests with the first
 * line of their failure, files that failed without a failed test, and unhandled errors with the test they came from.
 */
function listFailures(files, brokenFiles, unhandledErrors, root) {
  const lines = [
    ...files.flatMap((f) =>
      f.assertionResults
        .filter((t) => t.status === 'failed')
        .map((t) => `  ${relative(root, f.name)}: ${t.fullName}${withReason(t.failureMessages?.[0])}`),
    ),
    ...brokenFiles.map((f) => `  ${relative(root, f.name)} (the file, no single test)${withReason(f.message)}`),
    ...unhandledErrors.map((e) => {
      const where = e.testFile ? `${relative(root, e.testFile)}${e.testName ? `: ${e.testName}` : ''}` : 'no test';
      const stack = e.stack ? `\n${e.stack.replace(/^\s*/gm, '      ')}` : '';
      return `  unhandled ${e.name} (${where})${withReason(e.message)}${stack}`;
    }),
  ];
  if (lines.length === 0) return [];
  const listed = lines.slice(0, MAX_LISTED);
  if (lines.length > MAX_LISTED) listed.push(`  … and ${lines.length - MAX_LISTED} more`);
  return ['Failed:', ...listed];
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
