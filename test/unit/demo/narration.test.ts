// The demo's terminal narration: the ledger (faults, new activities) arrives before the run's stream shows the stage
// it belongs to, so a fault line must wait for its stage and name it; an activity that a fault started comes
// after that fault. The order below is the one a real `npm run demo` produced (the 429 was read before "plan").
import { describe, expect, it } from 'vitest';
import type { LedgerLine } from '../../harness/ledger';
import { RunNarration } from '../../../examples/demo/narration';

const ledger = (ev: LedgerLine['ev'], step: string, extra: Partial<LedgerLine> = {}): LedgerLine => ({
  ev,
  step,
  run: 'run-1',
  pid: 7,
  at: 0,
  ...extra,
});

function narrate(steps: Array<(n: RunNarration) => void>): string[] {
  const lines: string[] = [];
  const narration = new RunNarration((line) => lines.push(line.trim()));
  for (const step of steps) step(narration);
  narration.finish();
  return lines;
}

describe('demo narration', () => {
  it('shows each fault under the stage it happened in, and the activity it caused after it', () => {
    const lines = narrate([
      (n) => n.ledger(ledger('activity', 'flow')),
      (n) => n.ledger(ledger('model', 'plan')),
      (n) => n.ledger(ledger('model', 'research:search')),
      (n) => n.ledger(ledger('model', 'research:notes', { fault: '429' })),
      (n) => n.ledger(ledger('activity', 'flow', { pid: 8 })),
      (n) => n.progress({ stage: 'plan', status: 'started' }),
      (n) => n.progress({ stage: 'plan', status: 'done', detail: 'two queries' }),
      (n) => n.progress({ stage: 'research', status: 'started' }),
      (n) => n.progress({ stage: 'research', status: 'done', detail: '2 sources' }),
      (n) => n.progress({ stage: 'fact-check', status: 'started' }),
      (n) => n.event('💥 fact-check: SIGKILL worker-2 (pid 8) in the middle of the step', 'fact-check'),
      (n) => n.ledger(ledger('model', 'draft', { fault: '503' })),
      (n) => n.progress({ stage: 'fact-check', status: 'done' }),
      (n) => n.progress({ stage: 'draft', status: 'started' }),
    ]);
    expect(lines).toEqual([
      '… plan',
      '✓ plan: two queries',
      '… research',
      expect.stringMatching(/^⚠ research: the model answered 429 RESOURCE_EXHAUSTED with Retry-After 1 s/),
      '↻ activity #2 starts on pid 8: finished steps come from the journal',
      '✓ research: 2 sources',
      '… fact-check',
      '💥 fact-check: SIGKILL worker-2 (pid 8) in the middle of the step',
      '✓ fact-check',
      '… draft',
      expect.stringMatching(/^⚠ draft: the model answered 503 UNAVAILABLE/),
    ]);
  });

  it('shows at the end what still waits for a stage the stream never showed', () => {
    const lines = narrate([(n) => n.ledger(ledger('model', 'draft', { fault: '503' }))]);
    expect(lines).toEqual([expect.stringMatching(/^⚠ draft: /)]);
  });
});
