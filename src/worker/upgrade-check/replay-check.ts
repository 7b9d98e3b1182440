// Replays one run's journal against a flow's code in this process, with nothing live allowed: every model call,
// tool, `ai.run`, `step()` and `waitForInput` is answered from the journal, and the first one past its end stops
// the replay without running (see DurableRun.replayOnly). What the run's next attempt would meet, found without it.
import { serializeError } from '../../common/errors';
import type { JournalEntry, StepKind } from '../../common/types';
import { DurableRun, type StepPastJournal } from '../journal/durable-run';
import { JournalWriter, type JournalTransport } from '../journal/journal-writer';
import type { AnyFlow } from '../registry';

/** A step as the journal recorded it or as the new code asked for it. */
export interface StepRequestSummary {
  kind: StepKind;
  name: string;
  /** What it asked for: the last message of a model request, a tool's input (clipped). */
  about?: string;
}

/**
 * How a replay ended. Compatible: `journal-end` (the code reached the point where the run is now, asking for the
 * same kind of thing), `completed` (it finished on the journal alone). Incompatible: `changed-step` (it asked for
 * another step, or the same step with another request, at a journaled position), `changed-input` (the run waits
 * for an input the new code does not ask for there), `failed` (the new code threw). Unchecked: `timed-out` (the
 * code awaited something that is not journaled for longer than the check waits) and `unreadable` (the run's
 * journal could not be read: no worker of its task queue answered).
 */
export type ReplayEnd =
  'journal-end' | 'completed' | 'changed-step' | 'changed-input' | 'failed' | 'timed-out' | 'unreadable';

export interface ReplayVerdict {
  status: 'compatible' | 'incompatible' | 'unchecked';
  end: ReplayEnd;
  /** The journal position (`"2"`, `"2.0"`) where the replay stopped or diverged. */
  step?: string;
  /** What the journal (or the run's pending input) holds there. */
  recorded?: StepRequestSummary;
  /** What the new code asked for there. */
  asked?: StepRequestSummary;
  /** One line for people. */
  message: string;
  /** The branch each `changed()` ID the replay met takes in this run (`old`: its journal passed that point). */
  changes?: Record<string, 'old' | 'new'>;
}

/** What of a run the replay needs. */
export interface RunToReplay {
  input: unknown;
  context?: Record<string, unknown>;
  entries: JournalEntry[];
  /** Names of the inputs the run waits for now (its `progress`), if any. */
  waitingFor?: string[];
}

/** The check never writes: a transport that refuses, should anything ever try. */
const NO_WRITES: JournalTransport = {
  claim: () => Promise.reject(new Error('the upgrade check never claims a run')),
  page: () => Promise.reject(new Error('the upgrade check reads journals before replaying')),
  write: () => Promise.reject(new Error('the upgrade check never writes to a run')),
};

/**
 * Replays `run` against `flow` (a journaled flow: its Genkit instance has the `temporal()` plugin) and says whether
 * the run could resume on it. Never calls a model, a tool or a step function.
 *
 * @example
 * ```ts
 * const verdict = await replayAgainst(newFlow, { input, entries }); // { status: 'compatible', end: 'journal-end', … }
 * ```
 */
export async function replayAgainst(
  flow: AnyFlow,
  run: RunToReplay,
  options: { timeoutMs?: number } = {},
): Promise<ReplayVerdict> {
  const changes: Record<string, 'old' | 'new'> = {};
  const verdict = await replayOnce(flow, run, options, changes);
  return Object.keys(changes).length ? { ...verdict, changes } : verdict;
}

async function replayOnce(
  flow: AnyFlow,
  run: RunToReplay,
  { timeoutMs = 10_000 }: { timeoutMs?: number },
  changes: Record<string, 'old' | 'new'>,
): Promise<ReplayVerdict> {
  const abort = new AbortController();
  const writer = new JournalWriter(NO_WRITES, { execution: 0, attempt: 0 }, abort.signal);
  const durable = new DurableRun(run.entries, writer, undefined, abort.signal, () => undefined);
  let reachedEnd!: (next: StepPastJournal) => void;
  const pastJournal = new Promise<StepPastJournal>((resolve) => (reachedEnd = resolve));
  durable.replayOnly = reachedEnd;
  durable.awaitsInput = Boolean(run.waitingFor?.length);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timed-out'>((resolve) => (timer = setTimeout(() => resolve('timed-out'), timeoutMs)));
  try {
    const invoke = () =>
      flow.run(run.input, { context: run.context, abortSignal: abort.signal, onChunk: (c) => durable.emit(c) });
    const completed = durable.enter(invoke).then(
      () => 'completed' as const,
      (err: unknown) => ({ error: err }),
    );
    const outcome = await Promise.race([completed, pastJournal, timedOut]);
    // A divergence counts even when the flow caught it (the real attempt fails with it too).
    if (durable.divergence) return diverged(durable.divergence.detail as DivergenceDetail);
    if (outcome === 'timed-out') {
      return {
        status: 'unchecked',
        end: 'timed-out',
        message: `the replay waited over ${timeoutMs} ms for something that is not journaled`,
      };
    }
    if (outcome === 'completed') {
      if (run.waitingFor?.length) {
        return {
          status: 'incompatible',
          end: 'changed-input',
          recorded: { kind: 'input', name: run.waitingFor[0] },
          message: `the run waits for input "${run.waitingFor[0]}" but the new code completes without asking for it`,
        };
      }
      return { status: 'compatible', end: 'completed', message: 'the new code completes on the journal alone' };
    }
    if ('error' in outcome) {
      const error = serializeError(outcome.error);
      return { status: 'incompatible', end: 'failed', message: `the new code fails on replay: ${error.message}` };
    }
    return atJournalEnd(outcome, run.waitingFor);
  } finally {
    for (const [id, branch] of durable.changes) changes[id] = branch;
    clearTimeout(timer);
    durable.close();
    abort.abort();
  }
}

interface DivergenceDetail {
  step: string;
  recorded: StepRequestSummary;
  asked: StepRequestSummary;
}

function diverged({ step, recorded, asked }: DivergenceDetail): ReplayVerdict {
  return {
    status: 'incompatible',
    end: 'changed-step',
    step,
    recorded,
    asked,
    message: `step ${step} was recorded as ${describe(recorded)} but the new code asks for ${describe(asked)}`,
  };
}

/** The code reached the end of the journal: compatible, unless the run waits there for an input it does not ask. */
function atJournalEnd(next: StepPastJournal, waitingFor: string[] = []): ReplayVerdict {
  const asked: StepRequestSummary = { kind: next.kind, name: next.name, about: next.about };
  if (waitingFor.length && !(next.kind === 'input' && waitingFor.includes(next.name))) {
    const recorded: StepRequestSummary = { kind: 'input', name: waitingFor[0] };
    return {
      status: 'incompatible',
      end: 'changed-input',
      step: next.key,
      recorded,
      asked,
      message: `the run waits for input "${waitingFor[0]}" at step ${next.key} but the new code asks for ${describe(asked)}`,
    };
  }
  return {
    status: 'compatible',
    end: 'journal-end',
    step: next.key,
    asked,
    message: `the new code replays the journal and reaches the run's position (step ${next.key}, ${describe(asked)})`,
  };
}

function describe(s: StepRequestSummary): string {
  return `${s.kind} "${s.name}"${s.about ? ` (${s.about})` : ''}`;
}
