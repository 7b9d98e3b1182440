// The ledger the bench worker processes append to (bench-flows.ts `note`), read back and checked.
import { existsSync, readFileSync } from 'node:fs';

export interface LedgerLine {
  at: number;
  pid: number;
  event: 'start' | 'acked';
  run: string;
  step: string;
}

export function readBenchLedger(file: string): LedgerLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [at, pid, event, run, step] = line.split(' ');
      return { at: Number(at), pid: Number(pid), event: event as LedgerLine['event'], run, step };
    });
}

/** A step that started again after its journal write was acknowledged: the journal's one promise broken. */
export interface RepeatedStep {
  run: string;
  step: string;
  ackedAt: number;
  startedAgainAt: number;
}

/** Every journaled step that ran again after its acknowledgement, and how many steps ran more than once at all. */
export function checkNoRepeats(lines: LedgerLine[]): { repeated: RepeatedStep[]; reExecuted: number } {
  const acked = new Map<string, number>();
  const starts = new Map<string, number>();
  const repeated: RepeatedStep[] = [];
  for (const line of [...lines].sort((a, b) => a.at - b.at)) {
    const key = `${line.run} ${line.step}`;
    if (line.event === 'acked') {
      if (!acked.has(key)) acked.set(key, line.at);
      continue;
    }
    starts.set(key, (starts.get(key) ?? 0) + 1);
    const ackedAt = acked.get(key);
    // Same millisecond cannot be ordered; only a start strictly after the acknowledgement is a repeat.
    if (ackedAt !== undefined && line.at > ackedAt)
      repeated.push({ run: line.run, step: line.step, ackedAt, startedAgainAt: line.at });
  }
  return { repeated, reExecuted: [...starts.values()].filter((n) => n > 1).length };
}
