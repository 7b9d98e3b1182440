// The ledger: everything that really ran in a worker process (a flow body beginning, a step or tool starting and
// finishing, a model call) appends one JSON line to the file named by LEDGER_FILE. The file lives outside the
// workers, so a test, a benchmark or the demo counts what really ran, and what a killed worker did, without trusting
// the workers. One line per paid execution, keyed by run and step: a double payment is two `start` (or `model`)
// lines with the same key, and a `start` after that key's `done` is a journaled step run again.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { Context } from '@temporalio/activity';

export interface LedgerLine {
  /**
   * activity: the flow body began on a worker (a new flow attempt, a failover, or the resumption after an input);
   * start: a step or tool began (a real, paid execution); done: it finished (where noted after `step()` returned:
   * the journal holds its result, so a later `start` of it is a repeat);
   * model: one real model call (`fault`: it failed);
   * stall: the worker process's event loop went unserved for `ms` (it used `cpuMs` of CPU meanwhile).
   */
  ev: 'activity' | 'start' | 'done' | 'model' | 'stall';
  /** What ran: `step:charge`, `tool:lookup`, `model:research`, `s3`, … */
  step: string;
  /** The run it belongs to: the workflow id in a durable run (or a label the flow passes), 'local' outside one. */
  run: string;
  pid: number;
  /** Epoch milliseconds. */
  at: number;
  fault?: string;
  /** A model call that answered: the tokens (input + output) it reported, what the provider bills. */
  tokens?: number;
  /** A stall: how long the event loop went unserved, and the process's CPU time in that span. */
  ms?: number;
  cpuMs?: number;
}

/** Appends a line (one `write` with O_APPEND: lines from several processes never interleave). No-op without LEDGER_FILE. */
export function note(ev: LedgerLine['ev'], step: string, extra: Partial<LedgerLine> = {}): void {
  const file = process.env.LEDGER_FILE;
  if (!file) return;
  const line: LedgerLine = { ev, step, run: currentWorkflowId(), pid: process.pid, at: Date.now(), ...extra };
  appendFileSync(file, JSON.stringify(line) + '\n');
}

/** Every line so far, in file order (a torn last line of a process killed mid-write is skipped). */
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

/** A step that started again after it was done (its journal write acknowledged): the journal's one promise broken. */
export interface RepeatedStep {
  run: string;
  step: string;
  doneAt: number;
  startedAgainAt: number;
}

/** Every step that started again after its `done`, and how many steps started more than once at all. */
export function checkNoRepeats(lines: readonly LedgerLine[]): { repeated: RepeatedStep[]; reExecuted: number } {
  const done = new Map<string, number>();
  const starts = new Map<string, number>();
  const repeated: RepeatedStep[] = [];
  for (const line of [...lines].sort((a, b) => a.at - b.at)) {
    const key = `${line.run} ${line.step}`;
    if (line.ev === 'done') {
      if (!done.has(key)) done.set(key, line.at);
      continue;
    }
    if (line.ev !== 'start') continue;
    starts.set(key, (starts.get(key) ?? 0) + 1);
    const doneAt = done.get(key);
    // Same millisecond cannot be ordered; only a start strictly after the `done` is a repeat.
    if (doneAt !== undefined && line.at > doneAt)
      repeated.push({ run: line.run, step: line.step, doneAt, startedAgainAt: line.at });
  }
  return { repeated, reExecuted: [...starts.values()].filter((n) => n > 1).length };
}

const injected = new Set<string>();

/**
 * True the first time it is asked for `fault` (across worker processes, through the ledger, when LEDGER_FILE is
 * set), so an injected provider failure happens once, like a bad minute at the provider.
 */
export function firstTime(fault: string): boolean {
  const file = process.env.LEDGER_FILE;
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
