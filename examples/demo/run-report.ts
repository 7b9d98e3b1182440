// What the ledger says about one run: how often each step really ran, what a retry replayed from the journal
// instead of running again, and what the model calls would have cost without the journal.
import type { LedgerLine } from './ledger';

export interface RunReport {
  workflowId: string;
  /** Flow attempts that began (each retry, failover or resumption after an answer is one). */
  attempts: number;
  /** Real executions that finished, by key (`model:<turn>`, `tool:…`, `step:…`). */
  completions: Record<string, number>;
  /** Keys that finished more than once, or started again after finishing: must be empty. */
  repeatedCompletedSteps: string[];
  /** Finished executions that a later attempt got from the journal instead of running them again. */
  stepsReplayed: number;
  /** Provider failures the scripted model injected, in order (`429`, `503`). */
  faults: string[];
  modelCalls: {
    /** Real calls to the model (the failed ones included). */
    paid: number;
    failed: number;
    /** Calls a retry without a journal would have made: every attempt from the start. */
    naiveRerun: number;
  };
}

export function reportRun(ledger: LedgerLine[], workflowId: string): RunReport {
  const lines = ledger.filter((l) => l.wf === workflowId).sort((a, b) => a.t - b.t);
  const attemptStarts = lines.filter((l) => l.ev === 'attempt').map((l) => l.t);
  const finished = lines
    .filter((l) => l.ev === 'done' || (l.ev === 'model' && !l.fault))
    .map((l) => ({ key: l.ev === 'model' ? `model:${l.key}` : l.key, t: l.t, model: l.ev === 'model' }));

  const completions: Record<string, number> = {};
  for (const f of finished) completions[f.key] = (completions[f.key] ?? 0) + 1;
  const repeated = new Set(Object.keys(completions).filter((key) => completions[key] > 1));
  for (const start of lines.filter((l) => l.ev === 'start')) {
    if (finished.some((f) => f.key === start.key && f.t < start.t)) repeated.add(start.key);
  }

  // Attempt k replays everything that had finished before it began.
  const replayedBefore = (t: number, onlyModel: boolean) =>
    finished.filter((f) => f.t < t && (!onlyModel || f.model)).length;
  const later = attemptStarts.slice(1);
  const stepsReplayed = later.reduce((sum, t) => sum + replayedBefore(t, false), 0);
  const modelReplayed = later.reduce((sum, t) => sum + replayedBefore(t, true), 0);

  const modelLines = lines.filter((l) => l.ev === 'model');
  const failed = modelLines.filter((l) => l.fault).length;
  return {
    workflowId,
    attempts: attemptStarts.length,
    completions,
    repeatedCompletedSteps: [...repeated],
    stepsReplayed,
    faults: modelLines.flatMap((l) => (l.fault ? [l.fault] : [])),
    modelCalls: { paid: modelLines.length, failed, naiveRerun: modelLines.length + modelReplayed },
  };
}
