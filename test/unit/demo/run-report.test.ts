// The demo's ledger report must catch what it claims to rule out: a finished step that ran again.
import { describe, expect, it } from 'vitest';
import type { LedgerLine } from '../../harness/ledger';
import { reportRun } from '../../../examples/demo/run-report';

const wf = 'run-1';
const line = (at: number, ev: LedgerLine['ev'], step: string, extra: Partial<LedgerLine> = {}): LedgerLine => ({
  ev,
  step,
  run: wf,
  pid: 1,
  at,
  ...extra,
});

describe('demo run report', () => {
  const healthy = [
    line(1, 'activity', 'flow'),
    line(2, 'model', 'plan'),
    line(3, 'start', 'step:a'),
    line(4, 'done', 'step:a'),
    line(5, 'model', 'draft', { fault: '503' }),
    line(6, 'activity', 'flow'),
    line(7, 'model', 'draft'),
  ];

  it('counts replays and the naive re-run cost from activity starts', () => {
    const report = reportRun([...healthy, line(8, 'activity', 'flow', { run: 'other-run' })], wf);
    expect(report.activities).toBe(2);
    expect(report.repeatedCompletedSteps).toEqual([]);
    expect(report.stepsReplayed).toBe(2); // plan and step:a, before activity 2
    expect(report.faults).toEqual([{ fault: '503', stage: 'draft' }]);
    expect(report.modelCalls).toEqual({ paid: 3, failed: 1, naiveRerun: 4 });
  });

  it('flags a step that finished twice, and one that started again after finishing', () => {
    expect(
      reportRun([...healthy, line(9, 'start', 'step:a'), line(10, 'done', 'step:a')], wf).repeatedCompletedSteps,
    ).toEqual(['step:a']);
    expect(reportRun([...healthy, line(9, 'start', 'step:a')], wf).repeatedCompletedSteps).toEqual(['step:a']);
    expect(reportRun([...healthy, line(9, 'model', 'plan')], wf).repeatedCompletedSteps).toEqual(['model:plan']);
  });

  it('does not count a failed model call or an unfinished step as finished', () => {
    const report = reportRun(
      [
        line(1, 'activity', 'flow'),
        line(2, 'model', 'x', { fault: '429' }),
        line(3, 'start', 'step:b'),
        line(4, 'activity', 'flow'),
        line(5, 'start', 'step:b'),
        line(6, 'done', 'step:b'),
      ],
      wf,
    );
    expect(report.repeatedCompletedSteps).toEqual([]);
    expect(report.completions).toEqual({ 'step:b': 1 });
    expect(report.stepsReplayed).toBe(0);
  });
});
