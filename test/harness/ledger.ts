// The demo's ledger: everything that really ran in a worker (an activity — a run of the flow body — starting, a step or
// tool starting and finishing, a model call) appends one JSON line to the file named by DEMO_LEDGER. The file lives outside the
// workers, so the demo can count what really ran, and what a killed worker did, without trusting the workers.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { Context } from '@temporalio/activity';

export interface LedgerLine {
  /**
   * activity: the flow body began on a worker (a new flow attempt, a failover, or the resumption after an input);
   * start/done: a step or tool; model: one real model call (fault: it failed).
   */
  ev: 'activity' | 'start' | 'done' | 'model';
  key: string;
  /** The workflow the line belongs to ('local' outside a durable run). */
  wf: string;
  pid: number;
  t: number;
  fault?: string;
}

/** Appends a line (one `write` with O_APPEND: lines from several processes never interleave). */
export function note(ev: LedgerLine['ev'], key: string, extra: Partial<LedgerLine> = {}): void {
  const file = process.env.DEMO_LEDGER;
  if (!file) return;
  const line: LedgerLine = { ev, key, wf: currentWorkflowId(), pid: process.pid, t: Date.now(), ...extra };
  appendFileSync(file, JSON.stringify(line) + '\n');
}

/** Every line so far (a torn last line of a process killed mid-write is skipped). */
export function readLedger(file: string): LedgerLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as LedgerLine];
      } catch {
        return [];
      }
    });
}

const injected = new Set<string>();

/**
 * True the first time it is asked for `fault` in the whole demo (across worker processes, through the ledger),
 * so an injected provider failure happens once, like a bad minute at the provider.
 */
export function firstTime(fault: string): boolean {
  const file = process.env.DEMO_LEDGER;
  if (!file) {
    if (injected.has(fault)) return false;
    injected.add(fault);
    return true;
  }
  return !readLedger(file).some((line) => line.fault === fault);
}

function currentWorkflowId(): string {
  try {
    return Context.current().info.workflowExecution?.workflowId ?? 'local';
  } catch {
    return 'local';
  }
}
