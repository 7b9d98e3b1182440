// The chaos run's judge (test/harness/ledger.ts): a journaled step that starts again must be caught; a step re-run
// because a fault hit it before its acknowledgement must not be.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { causesReport, summarise } from '../../harness/chaos';
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
    summarise('test', { fault: 1 }, outcomes, [], {
      expected,
      started: Date.now(),
      exits: [],
      attempts: outcomes.map(() => []),
      timeline: [],
      ...extra,
    });

  it('passes runs that return the expected outputs', () => {
    expect(judge([done(['a', 'b']), done(['c', 'd'])]).violations).toEqual([]);
  });

  it('flags a wrong output, a failed or lost run, a retried run where attempts must be 1', () => {
    expect(judge([done(['a', 'b']), done(['c', 'x'])]).wrongOutput).toBe(1);
    const failed = judge([done(['a', 'b']), { ok: false, reason: 'failed', detail: 'boom' }]);
    expect(failed.failed).toBe(1);
    expect(failed.violations).toHaveLength(1);
    expect(judge([done(['a', 'b']), { ok: false, reason: 'lost', detail: 'gone' }]).lost).toBe(1);
    expect(judge([done(['a', 'b'], 2), done(['c', 'd'])], { attemptsMustBeOne: true }).violations).toContain(
      '1 runs spent an attempt on a shutdown',
    );
  });

  it('accounts for every worker exit: a SIGTERMed worker must exit 0, a SIGKILLed one die of it, none exit alone', () => {
    const exits = [
      { pid: 1, sent: 'SIGTERM' as const, exit: 0 },
      { pid: 2, sent: 'SIGKILL' as const, exit: 'SIGKILL' },
      { pid: 3, sent: 'SIGTERM' as const, exit: 1, output: 'Error: boom' },
      { pid: 4, sent: 'none' as const, exit: 1, output: 'crashed' },
    ];
    const report = judge([done(['a', 'b']), done(['c', 'd'])], { exits });
    expect(report.badExits).toBe(2);
    expect(report.workerCrashes).toBe(1);
    expect(report.workerExits).toEqual({ 'SIGTERM → 0': 1, 'SIGKILL → SIGKILL': 1, 'SIGTERM → 1': 1, 'none → 1': 1 });
    // The output of a bad exit is in the violation, so a failure message shows why the worker exited.
    expect(report.violations.join('\n')).toMatch(/worker 3 exited 1 \(sent: SIGTERM\)[^]*Error: boom/);
    expect(causesReport(report).join('\n')).toMatch(/worker 4 \(sent none\) exited 1[^]*crashed/);
  });

  it('lists every retried run with its causes from history, and flags one spent on a cause of ours', () => {
    const heartbeatLoss = {
      n: 1,
      scheduledAt: 0,
      startedAt: 0,
      endedAt: 5_000,
      pid: 9,
      end: 'timed out' as const,
      type: 'timeout:HEARTBEAT',
    };
    const refused = {
      n: 2,
      scheduledAt: 5_000,
      startedAt: 5_000,
      endedAt: 6_000,
      pid: 8,
      end: 'failed' as const,
      type: 'JournalWriteRejected',
      message: 'no',
    };
    const completed = { n: 3, scheduledAt: 6_500, startedAt: 6_500, endedAt: 7_000, pid: 8, end: 'completed' as const };
    const timeline = [{ kind: 'SIGKILL' as const, pid: 9, at: 1_000 }];
    const report = judge([done(['a', 'b'], 2), done(['c', 'd'])], {
      attempts: [[heartbeatLoss, refused, completed], [completed]],
      timeline,
    });
    expect(report.failoverCauses).toEqual({ 'fault: timeout:HEARTBEAT, worker got SIGKILL': 1 });
    expect(report.retryCauses).toEqual({ 'ours: JournalWriteRejected, no fault in flight': 1 });
    expect(report.retriedRuns).toEqual([
      {
        run: 'run 0',
        attempts: [expect.stringMatching(/^ours: attempt 2 JournalWriteRejected .* on worker 8.*: no$/)],
      },
    ]);
    expect(report.runsRetriedForOurs).toBe(1);
    expect(report.violations).toEqual(['1 runs spent an attempt on a cause of ours']);
    // The same failure while the server was down is the restart's cost.
    const outage = judge([done(['a', 'b'], 2), done(['c', 'd'])], {
      attempts: [[heartbeatLoss, refused, completed], [completed]],
      timeline: [...timeline, { kind: 'server down', at: 4_000, until: 5_500 }],
    });
    expect(outage.runsRetriedForOurs).toBe(0);
    expect(outage.violations).toEqual([]);
    // A run whose own attempt count disagrees with its history is not taken on trust.
    expect(judge([done(['a', 'b'], 2), done(['c', 'd'])]).runsRetriedForOurs).toBe(1);
  });

  it('flags a reference run that disagrees with the expected output', () => {
    const report = judge([done(['a', 'b']), done(['c', 'd'])], { reference: [done(['a', 'z'])] });
    expect(report.violations[0]).toMatch(/reference run 0/);
  });
});
