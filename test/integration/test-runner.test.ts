// scripts/run-tests.mjs (`npm test`) on a tiny fixture suite (test/fixtures/test-runner), as CI runs it: the
// closing line counts skipped tests, and with CI=true a suite skipped for a missing tool fails the run, naming
// the tool, and so does any other skipped test.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../helpers/run-command';

const root = resolve(__dirname, '../..');

async function runTests(env: Record<string, string>) {
  const report = join(mkdtempSync(join(tmpdir(), 'runner-')), 'report.json');
  // Not this vitest's own variables: the runner starts a vitest of its own.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
  delete base.CI;
  delete base.FORCE_COLOR;
  const r = await runCommand(
    process.execPath,
    ['scripts/run-tests.mjs', '--config', 'test/fixtures/test-runner/vitest.config.ts'],
    {
      cwd: root,
      env: { ...base, GENKITX_TEST_REPORT: report, NO_COLOR: '1', ...env },
      timeout: 60_000,
    },
  );
  const output = `${r.stdout}${r.stderr}`;
  return {
    status: r.status,
    output,
    closing: r.stdout.trim().split('\n'),
    report: existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : undefined,
  };
}

// Each nested run may take up to the 60 s runTests allows it.
describe('npm test runner', { timeout: 70_000 }, () => {
  it('counts skipped tests and stays green outside CI', async () => {
    const r = await runTests({ FAKE_TOOL_MISSING: 'fake-tool is not on PATH' });
    expect(r.status, r.output).toBe(0);
    expect(r.closing.at(-1)).toBe('1 passed, 0 failed, 2 skipped');
    expect(r.output).toContain('SKIPPING "fake tool checks": FakeTool is missing (fake-tool is not on PATH)');
  });

  it('with CI=true a missing tool is a failed test naming it, and the skipped test fails the run', async () => {
    const r = await runTests({ CI: 'true', FAKE_TOOL_MISSING: 'fake-tool is not on PATH' });
    expect(r.status, r.output).toBe(1);
    expect(r.output).toContain('1 passed, 1 failed, 1 skipped');
    expect(r.output).toContain('FakeTool is missing (fake-tool is not on PATH)');
    expect(r.output).toContain('fake tool checks > needs FakeTool');
    expect(r.output).toContain('CI=true: 1 skipped test(s) fail the run');
    expect(r.output).toContain('test/fixtures/test-runner/tools.fixture.ts: is skipped on purpose');
  });

  it('with CI=true and the tool present, only the test skipped on purpose fails the run', async () => {
    const r = await runTests({ CI: 'true' });
    expect(r.status, r.output).toBe(1);
    expect(r.closing).toContain('2 passed, 0 failed, 1 skipped');
    expect(r.report?.numPassedTests, 'the report is where GENKITX_TEST_REPORT says').toBe(2);
  });

  it('names what failed just above the closing line: a failed test, and an error left behind by a passing one', async () => {
    const r = await runTests({ FAKE_FAILURES: '1' });
    expect(r.status, r.output).toBe(1);
    // The unhandled error fails no test, but it is counted, so the line cannot read as one failure short.
    expect(r.closing.at(-1)).toBe('1 passed, 2 failed, 0 skipped');
    const end = r.closing.slice(r.closing.lastIndexOf('Failed:'));
    expect(end[1]).toBe(
      "  test/fixtures/test-runner/failures.fixture.ts: fails an assertion: AssertionError: the fixture failed on purpose: expected 'the answer' to be 'another answer' // Object.is equality",
    );
    expect(end[2]).toBe(
      '  unhandled RangeError (test/fixtures/test-runner/failures.fixture.ts: passes, then leaves an error behind): left behind by the fixture',
    );
    expect(end.join('\n'), 'with where it was thrown').toContain('failures.fixture.ts:');
  });
});
