// What the terminal shows while the run goes: the run's own progress events (its stream, through the API) merged
// with what the ledger saw (model faults, new activities: runs of the flow body) and what the demo did (the SIGKILL).
// The two sources arrive independently — the ledger at once, the stream in batches — so the ledger's lines wait, in
// their own order, until the stage they belong to has been shown, and every fault line names its stage.
import type { Progress } from './agent-schemas';
import type { LedgerLine } from '../../test/harness/ledger';
import { stageOfModelTurn } from './run-report';

const marks: Record<Progress['status'], string> = { started: '…', done: '✓', waiting: '⏸', skipped: '–' };

/** What the terminal says about each injected provider failure (after `⚠ <stage>: `). */
const FAULT_TEXT: Record<string, string> = {
  '429':
    'the model answered 429 RESOURCE_EXHAUSTED with Retry-After 1 s → this activity ends; the next flow attempt waits as told',
  '503': 'the model answered 503 UNAVAILABLE → this activity ends; the next flow attempt starts after a backoff',
};

export class RunNarration {
  private readonly shown = new Set<string>();
  /** Lines waiting for their stage (or for an earlier line that waits), in the order they happened. */
  private readonly queue: Array<{ stage?: string; text: string }> = [];
  private activities = 0;

  constructor(private readonly say: (line: string) => void) {}

  /** A progress event from the run's stream. */
  progress(event: Progress): void {
    if (event.status === 'waiting') return; // printed with the approval
    this.say(`  ${marks[event.status]} ${event.stage}${event.detail ? `: ${event.detail}` : ''}`);
    this.shown.add(event.stage);
    this.flush();
  }

  /** A ledger line of this run: a model fault (under its stage), or an activity (a run of the flow body) starting. */
  ledger(line: LedgerLine): void {
    if (line.ev === 'activity') {
      this.activities++;
      if (this.activities > 1)
        this.push(`↻ activity #${this.activities} starts on pid ${line.pid}: finished steps come from the journal`);
      return;
    }
    if (line.ev !== 'model' || !line.fault) return;
    const stage = stageOfModelTurn(line.step);
    this.push(`⚠ ${stage}: ${FAULT_TEXT[line.fault] ?? `the model failed (${line.fault})`}`, stage);
  }

  /** Something the demo did itself during `stage` (the SIGKILL). */
  event(text: string, stage?: string): void {
    this.push(text, stage);
  }

  /** Shows whatever still waits (a stage the stream never showed). */
  finish(): void {
    for (const line of this.queue.splice(0)) this.say(`  ${line.text}`);
  }

  private push(text: string, stage?: string): void {
    this.queue.push({ stage, text });
    this.flush();
  }

  private flush(): void {
    while (this.queue.length && (this.queue[0].stage === undefined || this.shown.has(this.queue[0].stage))) {
      this.say(`  ${this.queue.shift()!.text}`);
    }
  }
}
