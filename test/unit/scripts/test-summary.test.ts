// `npm test`'s closing line and exit status from vitest's JSON report: skipped tests are counted, and with CI=true
// any skipped test fails the run, listed by file and name.
import { describe, expect, it } from 'vitest';
import { mergeReports, summarize, type VitestJsonReport } from '../../../scripts/test-summary.mjs';

const root = '/repo';
type Status = 'passed' | 'failed' | 'skipped' | 'todo';
function report(files: Record<string, Array<[name: string, status: Status]>>, broken: string[] = []): VitestJsonReport {
  const all = Object.values(files).flat();
  const count = (...statuses: Status[]) => all.filter(([, s]) => statuses.includes(s)).length;
  return {
    numPassedTests: count('passed'),
    numFailedTests: count('failed'),
    numPendingTests: count('skipped'),
    numTodoTests: count('todo'),
    testResults: [
      ...Object.entries(files).map(([file, tests]) => ({
        name: `${root}/${file}`,
        status: tests.some(([, s]) => s === 'failed') ? 'failed' : 'passed',
        assertionResults: tests.map(([fullName, status]) => ({ fullName, status })),
      })),
      ...broken.map((file) => ({ name: `${root}/${file}`, status: 'failed', message: 'boom', assertionResults: [] })),
    ],
  };
}

describe('npm test summary', () => {
  it('counts passed, failed and skipped tests in the closing line', () => {
    const r = report({
      'test/a.test.ts': [
        ['a works', 'passed'],
        ['a fails', 'failed'],
      ],
      'test/b.test.ts': [
        ['b skipped', 'skipped'],
        ['b todo', 'todo'],
        ['b works', 'passed'],
      ],
    });
    const s = summarize(r, { runStatus: 1, ci: false, root });
    expect(s.line).toBe('2 passed, 1 failed, 2 skipped');
    expect(s.exitCode).toBe(1);
    expect(s.notes).toEqual([]);
  });

  it('outside CI a skipped test leaves a green run green', () => {
    const r = report({
      'test/infra/terraform.test.ts': [['terraform checks (skipped: Terraform is missing)', 'skipped']],
    });
    expect(summarize(r, { runStatus: 0, ci: false, root })).toMatchObject({ exitCode: 0, skipped: 1 });
  });

  it('with CI=true a skipped test fails a green run, named with its file', () => {
    const r = report({
      'test/ok.test.ts': [['works', 'passed']],
      'test/integration/python-interop.test.ts': [
        ['Python client (skipped: Python is missing: python3 is not on PATH) starts a flow', 'skipped'],
      ],
    });
    const s = summarize(r, { runStatus: 0, ci: true, root });
    expect(s.line).toBe('1 passed, 0 failed, 1 skipped');
    expect(s.exitCode).toBe(1);
    expect(s.notes[0]).toMatch(/^CI=true: 1 skipped test\(s\) fail the run/);
    expect(s.notes[1]).toBe(
      '  test/integration/python-interop.test.ts: Python client (skipped: Python is missing: python3 is not on PATH) starts a flow',
    );
  });

  it('with CI=true and a -t filter, tests filtered out are not held against the run', () => {
    const r = report({
      'test/a.test.ts': [
        ['wanted', 'passed'],
        ['filtered out', 'skipped'],
      ],
    });
    expect(summarize(r, { runStatus: 0, ci: true, nameFilter: true, root }).exitCode).toBe(0);
  });

  it('lists at most 20 skipped tests', () => {
    const tests = Array.from({ length: 25 }, (_, i): [string, Status] => [`t${i}`, 'skipped']);
    const s = summarize(report({ 'test/many.test.ts': tests }), { runStatus: 0, ci: true, root });
    expect(s.notes).toHaveLength(22);
    expect(s.notes.at(-1)).toBe('  … and 5 more');
  });

  it('a file that failed to load counts as failed, and so does a failed run without a report', () => {
    const r = report({ 'test/a.test.ts': [['works', 'passed']] }, ['test/broken.test.ts']);
    expect(summarize(r, { runStatus: 1, ci: false, root }).line).toBe('1 passed, 1 failed, 0 skipped');
    expect(summarize(undefined, { runStatus: 1, ci: false, root })).toMatchObject({ failed: 1, exitCode: 1 });
    expect(summarize(undefined, { runStatus: null, ci: false, root }).exitCode).toBe(1);
  });
});

describe('what failed, listed just above the closing line', () => {
  it('names failed tests with the first line of their failure, and files that failed without one', () => {
    const r = report({ 'test/a.test.ts': [['a fails', 'failed']] }, ['test/broken.test.ts']);
    r.testResults[0]!.assertionResults[0]!.failureMessages = [
      '\nAssertionError: expected 1 to be 2\n    at a.test.ts:3',
    ];
    const s = summarize(r, { runStatus: 1, ci: false, root });
    expect(s.failures).toEqual([
      'Failed:',
      '  test/a.test.ts: a fails: AssertionError: expected 1 to be 2',
      '  test/broken.test.ts (the file, no single test): boom',
    ]);
  });

  it('counts an unhandled error as a failure and names the test it came from, with its stack', () => {
    const r = report({ 'test/a.test.ts': [['works', 'passed']] });
    const s = summarize(r, {
      runStatus: 1,
      ci: false,
      root,
      unhandledErrors: [
        {
          name: 'TypeError',
          message: 'x is undefined',
          testFile: `${root}/test/a.test.ts`,
          testName: 'works',
          stack: '    at f (a.ts:1:2)',
        },
        { name: 'Error', message: 'late\nsecond line' },
      ],
    });
    expect(s.line).toBe('1 passed, 2 failed, 0 skipped');
    expect(s.failures).toEqual([
      'Failed:',
      '  unhandled TypeError (test/a.test.ts: works): x is undefined\n      at f (a.ts:1:2)',
      '  unhandled Error (no test): late',
    ]);
  });

  it('a failed run that names nothing says so, rather than listing nothing', () => {
    const s = summarize(report({ 'test/a.test.ts': [['works', 'passed']] }), { runStatus: 1, ci: false, root });
    expect(s.failures).toEqual(['vitest exited with status 1 and named no failed test: read its output above']);
    expect(
      summarize(report({ 'test/a.test.ts': [['works', 'passed']] }), { runStatus: 0, ci: false, root }).failures,
    ).toEqual([]);
  });

  it('lists at most 20 failures', () => {
    const tests = Array.from({ length: 23 }, (_, i): [string, Status] => [`t${i}`, 'failed']);
    const s = summarize(report({ 'test/many.test.ts': tests }), { runStatus: 1, ci: false, root });
    expect(s.failures).toHaveLength(22);
    expect(s.failures.at(-1)).toBe('  … and 3 more');
  });
});

describe("npm test's two vitest runs, one report", () => {
  it('adds the counts and keeps every file, so the closing line counts both runs', () => {
    const first = report({
      'test/a.test.ts': [
        ['a works', 'passed'],
        ['a skipped', 'skipped'],
      ],
    });
    const alone = report({
      'test/b.test.ts': [
        ['b fails', 'failed'],
        ['b todo', 'todo'],
        ['b works', 'passed'],
      ],
    });
    const merged = mergeReports([first, alone])!;
    expect(merged.testResults.map((f) => f.name)).toEqual([`${root}/test/a.test.ts`, `${root}/test/b.test.ts`]);
    expect(summarize(merged, { runStatus: 1, ci: false, root }).line).toBe('2 passed, 1 failed, 2 skipped');
    // With CI=true the skipped test of either run is named.
    expect(summarize(merged, { runStatus: 0, ci: true, root }).notes).toContain(`  test/a.test.ts: a skipped`);
  });

  it('a run that wrote no report is left out; none at all is undefined (the failed status still fails the run)', () => {
    const first = report({ 'test/a.test.ts': [['a works', 'passed']] }, ['test/broken.test.ts']);
    expect(summarize(mergeReports([first, undefined]), { runStatus: 1, ci: false, root }).line).toBe(
      '1 passed, 1 failed, 0 skipped',
    );
    expect(mergeReports([undefined, undefined])).toBeUndefined();
  });
});
