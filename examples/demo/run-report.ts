// What the ledger says about one run: how often each step really ran, what a later activity (run of the flow body)
// replayed from the journal instead of running again, and what the model calls would have cost without the journal.
//
// Two words, one meaning each (as in the run console and docs/console.md): a *flow attempt* is what the retry policy
// counts (a retry starts the next one); an *activity* is one run of the flow body on a worker (one Temporal activity,
// `runGenkitFlowActivity`) — every flow attempt has one, and a failover (a worker lost) or the resumption after an
// input starts another activity in the same flow attempt.
import type { LedgerLine } from '../../test/harness/ledger';

export interface RunReport {
  workflowId: string;
  /** Activities (runs of the flow body) that began: the first, and one per retry, failover and resumption. */
  activities: number;
  /** Model calls, tool calls and steps that really ran and finished, by key (`model:<turn>`, `tool:…`, `step:…`). */
  completions: Record<string, number>;
  /** Keys that finished more than once, or started again after finishing: must be empty. */
  repeatedCompletedSteps: string[];
  /** Finished steps that a later activity got from the journal instead of running them again. */
  stepsReplayed: number;
  /** Provider failures the scripted model injected, in order, with the agent stage they hit. */
  faults: Array<{ fault: string; stage: string }>;
  modelCalls: {
    /** Real calls to the model (the failed ones included). */
    paid: number;
    failed: number;
    /** Calls without a journal: every activity from the start. */
    naiveRerun: number;
  };
}

export function reportRun(ledger: LedgerLine[], workflowId: string): RunReport {
  const lines = ledger.filter((l) => l.run === workflowId).sort((a, b) => a.at - b.at);
  const activityStarts = lines.filter((l) => l.ev === 'activity').map((l) => l.at);
  const finished = lines
    .filter((l) => l.ev === 'done' || (l.ev === 'model' && !l.fault))
    .map((l) => ({ key: l.ev === 'model' ? `model:${l.step}` : l.step, t: l.at, model: l.ev === 'model' }));

  const completions: Record<string, number> = {};
  for (const f of finished) completions[f.key] = (completions[f.key] ?? 0) + 1;
  const repeated = new Set(Object.keys(completions).filter((key) => completions[key] > 1));
  for (const start of lines.filter((l) => l.ev === 'start')) {
    if (finished.some((f) => f.key === start.step && f.t < start.at)) repeated.add(start.step);
  }

  // Activity k replays everything that had finished before it began.
  const replayedBefore = (t: number, onlyModel: boolean) =>
    finished.filter((f) => f.t < t && (!onlyModel || f.model)).length;
  const later = activityStarts.slice(1);
  const stepsReplayed = later.reduce((sum, t) => sum + replayedBefore(t, false), 0);
  const modelReplayed = later.reduce((sum, t) => sum + replayedBefore(t, true), 0);

  const modelLines = lines.filter((l) => l.ev === 'model');
  const failed = modelLines.filter((l) => l.fault).length;
  return {
    workflowId,
    activities: activityStarts.length,
    completions,
    repeatedCompletedSteps: [...repeated],
    stepsReplayed,
    faults: modelLines.flatMap((l) => (l.fault ? [{ fault: l.fault, stage: stageOfModelTurn(l.step) }] : [])),
    modelCalls: { paid: modelLines.length, failed, naiveRerun: modelLines.length + modelReplayed },
  };
}

/** The agent stage a model turn belongs to: `research:notes` → `research` (the research model's turn names). */
export function stageOfModelTurn(turn: string): string {
  return turn.split(':')[0];
}
