// The chaos run's judge (test/harness/ledger.ts): a journaled step that starts again must be caught; a step re-run
// because a fault hit it before its acknowledgement must not be.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarise } from '../../harness/chaos';
import { checkNoRepeats, readLedger } from '../../harness/ledger';

/** Writes `<at> <pid> <ev> <run> <step>` rows as ledger lines and reads them back. */
const ledgerOf = (rows: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'ledger-')), 'ledger.jsonl');
  const lines = rows
    .split('\n')
    .filter(Boolean)
    .map((row) => {
      const [at, pid, ev, run, step] = row.split(' ');
      return JSON.stringify({ ev, step, run, pid: Number(pid), at: Number(at) }) + '\n';
    });
  writeFileSync(file, lines.join(''));
  return readLedger(file);
};

describe('chaos ledger check', () => {
  it('catches a step that starts again after its journal write was acknowledged', () => {
    const lines = ledgerOf('100 1 start r1 s0\n150 1 done r1 s0\n160 1 start r1 s1\n400 2 start r1 s0\n');
    const { repeated } = checkNoRepeats(lines);
    expect(repeated).toEqual([{ run: 'r1', step: 's0', doneAt: 150, startedAgainAt: 400 }]);
  });

  it('allows a step re-run that was never acknowledged (in flight at a SIGKILL), and counts it', () => {
    const lines = ledgerOf('100 1 start r1 s0\n300 2 start r1 s0\n350 2 done r1 s0\n360 2 start r2 s0\n');
    expect(checkNoRepeats(lines)).toEqual({ repeated: [], reExecuted: 1 });
  });

  it('keeps runs apart and reads lines in time order whatever the file order', () => {
    const lines = ledgerOf('500 2 start r1 s0\n100 1 start r1 s0\n200 1 done r1 s0\n100 1 start r2 s0\n');
    expect(checkNoRepeats(lines).repeated).toHaveLength(1);
    expect(checkNoRepeats(lines.filter((l) => l.run === 'r2')).repeated).toHaveLength(0);
  });
});

describe('chaos scenario judge', () => {
  const expected = [
    ['a', 'b'],
    ['c', 'd'],
  ];
  const done = (output: string[], attempt = 1) => ({ ok: true as const, output, attempt, failovers: 0 });
  const judge = (outcomes: Parameters<typeof summarise>[2], extra: Partial<Parameters<typeof summarise>[4]> = {}) =>
    summarise('test', { fault: 1 }, outcomes, [], { expected, started: Date.now(), exits: [], crashes: [], ...extra });

  it('passes runs that return the expected outputs', () => {
    expect(judge([done(['a', 'b']), done(['c', 'd'])]).violations).toEqual([]);
  });

  it('flags a wrong output, a failed or lost run, a retried run where attempts must be 1, and a bad exit', () => {
    expect(judge([done(['a', 'b']), done(['c', 'x'])]).wrongOutput).toBe(1);
    const failed = judge([done(['a', 'b']), { ok: false, reason: 'failed', detail: 'boom' }]);
    expect(failed.failed).toBe(1);
    expect(failed.violations).toHaveLength(1);
    expect(judge([done(['a', 'b']), { ok: false, reason: 'lost', detail: 'gone' }]).lost).toBe(1);
    expect(judge([done(['a', 'b'], 2), done(['c', 'd'])], { attemptsMustBeOne: true }).violations).toHaveLength(1);
    expect(judge([done(['a', 'b']), done(['c', 'd'])], { exits: [0, 1] }).badExits).toBe(1);
  });

  it('flags a reference run that disagrees with the expected output', () => {
    const report = judge([done(['a', 'b']), done(['c', 'd'])], { reference: [done(['a', 'z'])] });
    expect(report.violations[0]).toMatch(/reference run 0/);
  });
});
