// One flow attempt's view of the journal: recorded steps are replayed, new ones are run and recorded.
import { AsyncLocalStorage } from 'node:async_hooks';
import { GenkitError } from 'genkit';
import { MAX_STEP_RESULT_BYTES } from '../../common/defaults';
import { isRetryable, serializeError } from '../../common/errors';
import { processState } from '../../common/process-state';
import type { FlowAttemptOutcome, InputRequest, JournalEntry, StepKind } from '../../common/types';
import {
  BUDGET_ANSWER_SCHEMA,
  BUDGET_INPUT_NAME,
  emptyTotals,
  exceededLimit,
  raisedLimit,
  tokensOf,
  type BudgetAnswer,
  type BudgetLimit,
  type CallUsage,
  type FlowBudget,
  type PriceTable,
  type UsageTotals,
} from '../../common/usage';
import { describeRequest, fingerprint } from '../../client/fingerprint';
import { deserializeError } from './deserialize-error';
import type { JournalWriter } from './journal-writer';
import { StepsInFlight } from './steps-in-flight';

/** The replayed flow asked for a different step than the journal holds at that position. */
export class NonDeterministicFlowError extends GenkitError {
  override readonly name = 'NonDeterministicFlowError';
  constructor(key: string, recorded: JournalEntry, kind: StepKind, name: string, about?: string) {
    const asked = `${kind} "${name}"${about ? ` (${about})` : ''}`;
    const was = `${recorded.kind} "${recorded.name}"${recorded.about ? ` (${recorded.about})` : ''}`;
    super({
      status: 'FAILED_PRECONDITION',
      message:
        `flow is not deterministic: step ${key} was recorded as ${was} but this attempt asked for ${asked}. ` +
        'A replay never hands one call the result of another: flow code must take the same path and make the same ' +
        'requests on every attempt (use step() for anything random or time-dependent), or set `durable: false`.',
      detail: {
        step: key,
        recorded: { kind: recorded.kind, name: recorded.name, about: recorded.about },
        asked: { kind, name, about },
      },
    });
  }
}

/** A step's result is too large to keep in Temporal's history. */
export class StepResultTooLargeError extends GenkitError {
  override readonly name = 'StepResultTooLargeError';
  constructor(key: string, kind: StepKind, name: string, bytes: number, limit = MAX_STEP_RESULT_BYTES) {
    super({
      status: 'FAILED_PRECONDITION',
      message:
        `the result of ${kind} step "${name}" (${key}) is ${bytes} bytes, above the ${limit}-byte ` +
        'limit for a journaled step. Return a smaller result (e.g. store the data elsewhere and return a reference).',
    });
  }
}

/** The run reached its budget: the approval was refused, or its policy is `fail`. Not retried. */
export class BudgetExceededError extends GenkitError {
  override readonly name = 'BudgetExceededError';
  constructor(
    reason: 'denied' | 'policy',
    over: 'tokens' | 'cost',
    spent: UsageTotals,
    limit: BudgetLimit,
    model: string,
  ) {
    super({
      status: 'RESOURCE_EXHAUSTED',
      message:
        `the run has spent ${spendingText(spent)} of its budget of ${limitText(limit)}; ` +
        (reason === 'denied'
          ? `the request to go on (a call of ${model}) was not approved`
          : `a call of ${model} would pass it (policy: fail)`),
      detail: { reason, over, spent: { tokens: tokensOf(spent), cost: spent.cost }, limit, model },
    });
  }
}

/** What the budget check of an attempt knows: the budget, the limit as raised by approvals, what the run spent. */
interface BudgetState {
  budget: FlowBudget;
  limit: BudgetLimit;
  spent: UsageTotals;
}

interface Scope {
  prefix: string;
  next: number;
  /** The step this scope belongs to (undefined for the flow body itself). */
  parent?: Scope;
  depth: number;
  /** Chunks the flow streamed while this step ran. */
  emitted: number;
}

interface Context {
  run: DurableRun;
  scope: Scope;
}

// Shared by the CJS and ESM copies of this package: a flow of one copy may run on a worker started by the other.
const contexts = processState('durableRunContexts', () => new AsyncLocalStorage<Context>());

/** The durable run of the flow attempt executing in this async context, if any. */
export function currentDurableRun(): DurableRun | undefined {
  return contexts.getStore()?.run;
}

/** What a step asks for, so a replay can check it asks for the same thing. */
export interface StepRequest {
  /** Hashed into the entry's fingerprint. */
  value: unknown;
  /** A model call: the usage its result reports, recorded with the entry. */
  usageOf?: (output: unknown) => CallUsage | undefined;
}

/** The first step a replay-only run asked for beyond its journal. */
export interface StepPastJournal {
  key: string;
  kind: StepKind;
  name: string;
  /** What it asks for (model and tool requests, `ai.run` inputs). */
  about?: string;
}

type Suspension = Exclude<FlowAttemptOutcome, { kind: 'completed' }>;

/**
 * Replays and records the steps of one attempt. Steps are keyed by position (`"2"`, and `"2.0"` for the first
 * step nested inside step 2), so a replayed step's children are never asked for and numbering stays aligned.
 * Every outcome the flow observed is recorded — results, and failures it caught — so positions never drift; a
 * failure that ends the attempt is not kept, so the next attempt runs that step again.
 */
export class DurableRun {
  private readonly recorded = new Map<string, JournalEntry>();
  private readonly root: Scope = { prefix: '', next: 0, depth: 0, emitted: 0 };
  private readonly failedSteps = new WeakMap<object, string>();
  private live = 0;
  private quietWaiters: Array<{ depth: number; resolve: () => void }> = [];
  private suspending = false;
  private closed = false;
  private nextChunk = 0;
  stepsCompleted = 0;
  /** Steps running longer than the report delay: the attempt's heartbeat details show the latest. */
  readonly stepsInFlight = new StepsInFlight();
  /** A step result above this many bytes (as JSON) fails the step with `StepResultTooLarge`. */
  maxStepBytes = MAX_STEP_RESULT_BYTES;
  /**
   * Replay only (the upgrade check): a step or input past the journal never runs or suspends anything; it is
   * handed to this callback (the first one only) and never settles. Nothing live can happen in this mode.
   */
  replayOnly?: (next: StepPastJournal) => void;
  /**
   * Replay only, for a run that waits for an input: the first position past the journal is where its answer will
   * be recorded, so a `changed()` there sees it (the old branch) as the real resumed attempt will.
   */
  awaitsInput = false;
  /** Which branch each `changed()` ID took in this attempt (the upgrade check counts the old ones). */
  readonly changes = new Map<string, 'old' | 'new'>();
  /** The highest position recorded in each scope (by key prefix): a position below it was passed by the run. */
  private readonly lastRecorded = new Map<string, number>();
  /** Set when replay diverged; the attempt fails with it even if the flow caught it. */
  divergence?: NonDeterministicFlowError;
  /** Prices each live model call's cost is computed with. */
  prices: PriceTable = {};
  private budgetState?: BudgetState;
  /** Resolves when the attempt must stop early: the flow waits for input, or the run continues as new. */
  readonly suspended: Promise<Suspension>;
  private suspend!: (outcome: Suspension) => void;

  constructor(
    entries: JournalEntry[],
    private readonly writer: JournalWriter,
    private readonly nonRetryableStatuses: readonly string[] | undefined,
    /** The attempt's abort signal (cancellation or worker shutdown), handed to step functions. */
    readonly signal: AbortSignal,
    /** Streams a chunk at its run-wide offset. */
    private readonly streamChunk: (index: number, chunk: unknown) => void = (i, c) => writer.chunk(i, c),
  ) {
    for (const entry of entries) {
      this.recorded.set(entry.key, entry);
      const dot = entry.key.lastIndexOf('.');
      const prefix = entry.key.slice(0, dot + 1);
      const index = Number(entry.key.slice(dot + 1));
      if (index > (this.lastRecorded.get(prefix) ?? -1)) this.lastRecorded.set(prefix, index);
    }
    this.stepsCompleted = entries.length;
    this.suspended = new Promise((resolve) => (this.suspend = resolve));
  }

  /** Runs `fn` with this run as the current one. */
  enter<T>(fn: () => T): T {
    return contexts.run({ run: this, scope: this.root }, fn);
  }

  /** The attempt is over: steps started from now on never run (and never settle). */
  close(): void {
    this.closed = true;
    this.stepsInFlight.close();
  }

  /**
   * Returns the step's recorded result (or rethrows its recorded failure), or runs `fn`, records what happened
   * and returns it. `request` is what the step asks for (a model request, a tool input): a replay that asks for
   * something else fails with `NonDeterministicFlow` instead of returning another call's result.
   */
  async step<T>(kind: StepKind, name: string, fn: () => Promise<T>, request?: StepRequest): Promise<T> {
    const scope = this.scope();
    const key = `${scope.prefix}${scope.next++}`;
    const print = request && { fp: fingerprint(request.value), about: describeRequest(kind, request.value) };
    const recorded = this.recorded.get(key);
    if (recorded) return this.replay(key, recorded, kind, name, print) as T;
    if (this.replayOnly) return this.pastJournal({ key, kind, name, about: print?.about });
    // Checked and counted in the same tick: a suspension decided meanwhile must see this step as in flight.
    const blocked = this.gate(scope);
    if (blocked) return blocked;

    const child: Scope = { prefix: `${key}.`, next: 0, parent: scope, depth: scope.depth + 1, emitted: 0 };
    const startedAt = new Date().toISOString();
    const started = this.stepsInFlight.start({ key, kind, name, attempt: this.writer.lease.attempt, startedAt });
    // A slow step keeps its start, so the run console can show how long it took (a fast one shows as "under 250 ms").
    const entry = (fields: Partial<JournalEntry>): JournalEntry => ({
      key,
      kind,
      name,
      ...print,
      ...fields,
      ...(started.reported ? { startedAt } : {}),
    });
    this.live++;
    try {
      let output: T;
      try {
        output = await contexts.run({ run: this, scope: child }, fn);
      } catch (err) {
        if (this.signal.aborted || this.closed || err instanceof NonDeterministicFlowError) throw err;
        const error = serializeError(err);
        if (isRetryable(err, this.nonRetryableStatuses)) {
          // Kept only if the flow goes on past it (it caught the failure); see JournalWriter.defer.
          this.writer.defer(entry({ error, retryable: true, ...emitted(kind, child) }));
          this.noteFailure(err, key);
        } else {
          // An error no retry can fix is part of the run's history: replay must throw it again.
          await this.write(entry({ error, ...emitted(kind, child) }));
        }
        throw err;
      }
      const json = output === undefined ? undefined : JSON.stringify(output);
      const bytes = json === undefined ? 0 : Buffer.byteLength(json);
      if (bytes > this.maxStepBytes) throw new StepResultTooLargeError(key, kind, name, bytes, this.maxStepBytes);
      const stored = json === undefined ? undefined : JSON.parse(json);
      const usage = request?.usageOf?.(stored);
      await this.write(entry({ output: stored, ...emitted(kind, child), ...(usage ? { usage } : {}) }));
      if (kind === 'model') this.spend(usage);
      // Return what replay will return, so both paths see identical (JSON) values.
      return stored as T;
    } finally {
      started.end();
      this.live--;
      this.wakeQuietWaiters();
    }
  }

  /**
   * Returns the recorded answer to this input, or suspends the attempt: the returned promise then never
   * settles, and the workflow waits for the value and starts a new attempt that replays up to here.
   */
  async waitForInput<T>(request: Omit<InputRequest, 'key'>): Promise<T> {
    const scope = this.scope();
    const key = `${scope.prefix}${scope.next++}`;
    const recorded = this.recorded.get(key);
    if (recorded) return this.replay(key, recorded, 'input', request.name) as T;
    if (this.replayOnly) return this.pastJournal({ key, kind: 'input', name: request.name });
    return this.gate(scope) ?? this.suspendWhenQuiet(scope, { kind: 'suspended', input: { ...request, key } });
  }

  /**
   * Sets the run's budget for this attempt: `paid` is what the run's calls cost before it (the claim's answer).
   * Approvals recorded in the journal raise the limit as the attempt replays them.
   */
  setBudget(budget: FlowBudget | undefined, paid: UsageTotals | undefined): void {
    const spent = { ...emptyTotals(), ...paid };
    this.budgetState = budget && { budget, limit: { tokens: budget.tokens, cost: budget.cost }, spent };
  }

  /**
   * Called before each model call, in the same tick the call takes its position. At a position where an approval
   * was recorded: the approval is replayed (the limit rises) or its refusal thrown. At a live position, once the
   * run has spent its budget: the attempt suspends on the input `budget:approval` (the returned promise never
   * settles), or, with `onExceed: 'fail'`, `BudgetExceededError` is thrown. Otherwise returns undefined at once.
   * The size of the coming call is unknown, so the check is on what the run has spent: a call started under the
   * limit may pass it.
   */
  budgetGate(model: string): Promise<never> | undefined {
    const scope = this.scope();
    const key = `${scope.prefix}${scope.next}`;
    const recorded = this.recorded.get(key);
    const state = this.budgetState;
    if (recorded?.kind === 'input' && recorded.name === BUDGET_INPUT_NAME) {
      scope.next++;
      const answer = (recorded.output ?? { approved: false }) as BudgetAnswer;
      const budget = state?.budget ?? {};
      const limit = state?.limit ?? {};
      if (!answer.approved) {
        throw new BudgetExceededError(
          'denied',
          exceededLimit(state?.spent ?? emptyTotals(), limit) ?? 'tokens',
          state?.spent ?? emptyTotals(),
          limit,
          model,
        );
      }
      if (state) state.limit = raisedLimit(limit, budget, answer);
      return undefined;
    }
    const passed = recorded !== undefined || (this.lastRecorded.get(scope.prefix) ?? -1) > scope.next;
    if (!state || passed || this.replayOnly) return undefined;
    const over = exceededLimit(state.spent, state.limit);
    if (!over) return undefined;
    if (state.budget.onExceed === 'fail')
      throw new BudgetExceededError('policy', over, state.spent, state.limit, model);
    scope.next++;
    const more = raisedLimit({ tokens: 0, cost: 0 }, state.budget, { approved: true });
    const ask = [
      state.budget.tokens !== undefined ? `${more.tokens} more tokens` : undefined,
      state.budget.cost !== undefined ? `$${more.cost} more` : undefined,
    ].filter(Boolean);
    const input: InputRequest = {
      name: BUDGET_INPUT_NAME,
      key,
      schema: BUDGET_ANSWER_SCHEMA,
      description:
        `The run has spent ${spendingText(state.spent)} of its budget of ${limitText(state.limit)}. ` +
        `Approve ${ask.join(' / ')} for the next call of ${model}?`,
      hasDefault: false,
    };
    return this.gate(scope) ?? this.suspendWhenQuiet(scope, { kind: 'suspended', input });
  }

  /** A live model call of this attempt was recorded: the budget check counts what it cost. */
  private spend(usage: CallUsage | undefined): void {
    const spent = this.budgetState?.spent;
    if (!spent || !usage) return;
    spent.inputTokens += usage.inputTokens;
    spent.outputTokens += usage.outputTokens;
    spent.cost += usage.cost ?? 0;
  }

  /**
   * Which branch of the change `id` this run takes, decided at the next position: its marker recorded there → the
   * new branch (position consumed); another entry there or past it (the run got past this point on the old code)
   * → the old branch (position left to the old branch's own step); nothing there or after it (a new run, or one
   * that had not come this far) → the marker is recorded, like a step, and the new branch is taken.
   */
  async changed(id: string): Promise<boolean> {
    const scope = this.scope();
    const key = `${scope.prefix}${scope.next}`;
    const recorded = this.recorded.get(key);
    const passed = recorded !== undefined || (this.lastRecorded.get(scope.prefix) ?? -1) > scope.next;
    if (recorded?.kind === 'change' && recorded.name === id) {
      scope.next++;
      return this.took(id, true);
    }
    if (passed || (this.replayOnly && this.awaitsInput)) return this.took(id, false);
    scope.next++;
    // Replay only: nothing is written; the run will record the marker here and take the new branch.
    if (this.replayOnly) return this.took(id, true);
    // Queued in the same tick the position is taken, so every later step's write carries it too (or comes after).
    const blocked = this.gate(scope);
    if (blocked) return blocked;
    await this.write({ key, kind: 'change', name: id });
    return this.took(id, true);
  }

  private took(id: string, isNew: boolean): boolean {
    // Old wins: one run taking the old branch of `id` anywhere keeps that branch needed.
    if (this.changes.get(id) !== 'old') this.changes.set(id, isNew ? 'new' : 'old');
    return isNew;
  }

  /** Streams one of the flow's chunks, numbered over the whole run and counted to the steps it ran in. */
  emit(chunk: unknown): void {
    const index = this.nextChunk++;
    for (let s: Scope | undefined = contexts.getStore()?.scope; s && s !== this.root; s = s.parent) s.emitted++;
    this.streamChunk(index, chunk);
  }

  /**
   * The attempt completed or suspended: the flow went on past the retryable failures it caught, so they are
   * written now (replay meets them at the same place). A divergence fails the attempt even if the flow caught it.
   */
  async finish(): Promise<void> {
    if (this.divergence) throw this.divergence;
    await this.writer.flush({ withDeferred: true });
  }

  /**
   * The attempt failed with `err`. The failure of the step that ended it is not kept — retracted if a later
   * step's write already carried it — so the next attempt runs that step again; failures still deferred are
   * dropped (nothing after them was written). Returns what the attempt fails with: a divergence, else `err`.
   * Queues the retraction only: the caller flushes the writer.
   */
  abandon(err: unknown): unknown {
    const failedStep = this.failedStepOf(err);
    if (failedStep !== undefined) this.writer.forget(failedStep);
    this.writer.dropDeferred();
    return this.divergence ?? err;
  }

  /** The key of the step whose failure `err` is (or wraps), if a step of this attempt failed with it. */
  failedStepOf(err: unknown): string | undefined {
    for (let e = err as { cause?: unknown } | undefined, depth = 0; e && depth < 8; e = e.cause as typeof e, depth++) {
      if (typeof e !== 'object') return undefined;
      const key = this.failedSteps.get(e);
      if (key !== undefined) return key;
    }
    return undefined;
  }

  private pastJournal<T>(next: StepPastJournal): Promise<T> {
    const report = this.replayOnly;
    this.replayOnly = () => undefined; // the first one counts: later ones (parallel branches) are ignored
    report?.(next);
    return never();
  }

  private scope(): Scope {
    const ctx = contexts.getStore();
    return ctx?.run === this ? ctx.scope : this.root;
  }

  private replay(
    key: string,
    recorded: JournalEntry,
    kind: StepKind,
    name: string,
    print?: { fp: string; about: string },
  ) {
    if (recorded.kind !== kind || recorded.name !== name || (recorded.fp && print && recorded.fp !== print.fp)) {
      this.divergence ??= new NonDeterministicFlowError(key, recorded, kind, name, print?.about);
      throw this.divergence;
    }
    // The chunks this step streamed are stored already: skip their offsets. (A replayed model call streams
    // its recorded chunks to the flow again, which counts them as they come.)
    if (kind !== 'model' && recorded.emitted) this.nextChunk += recorded.emitted;
    if (recorded.error) {
      const err = deserializeError(recorded.error);
      if (recorded.retryable) this.noteFailure(err, key);
      throw err;
    }
    return recorded.output;
  }

  private noteFailure(err: unknown, key: string): void {
    if (err && typeof err === 'object') this.failedSteps.set(err, key);
  }

  /**
   * Lets a new live step start, unless the attempt has ended, is about to suspend (new top-level work waits:
   * the attempt stops before it), or the run asked to continue as new (the attempt stops here, once the steps
   * in flight have been recorded).
   */
  private gate(scope: Scope): Promise<never> | undefined {
    // Code still running after its attempt ended (a body that ignored its abortSignal) hangs here: it must not
    // start side effects, and a rejection nobody awaits any more would crash the worker process.
    if (this.closed) return never();
    if (this.suspending && scope === this.root) return never();
    if (this.writer.continueAsNewRequested) return this.suspendWhenQuiet(scope, { kind: 'continueAsNew' });
    return undefined;
  }

  /** Suspends the attempt once every step in flight outside `scope`'s own ancestors has been recorded. */
  private suspendWhenQuiet(scope: Scope, outcome: Suspension): Promise<never> {
    this.suspending = true;
    if (this.live > scope.depth) this.quietWaiters.push({ depth: scope.depth, resolve: () => this.suspend(outcome) });
    else this.suspend(outcome);
    return never();
  }

  private wakeQuietWaiters(): void {
    this.quietWaiters = this.quietWaiters.filter((w) => {
      if (this.live > w.depth) return true;
      w.resolve();
      return false;
    });
  }

  private async write(entry: JournalEntry): Promise<void> {
    if (this.closed) return never();
    try {
      await this.writer.record(entry);
    } catch (err) {
      if (this.closed) return never(); // see gate(): the attempt has ended, nobody awaits this step any more
      throw err;
    }
    this.stepsCompleted++;
  }
}

/** How many chunks a (non-model) step streamed, for its entry. */
function emitted(kind: StepKind, scope: Scope): { emitted?: number } {
  return kind !== 'model' && scope.emitted ? { emitted: scope.emitted } : {};
}

function spendingText(spent: UsageTotals): string {
  return `${tokensOf(spent)} tokens ($${spent.cost})`;
}

function limitText(limit: BudgetLimit): string {
  const parts = [
    limit.tokens !== undefined ? `${limit.tokens} tokens` : '',
    limit.cost !== undefined ? `$${limit.cost}` : '',
  ];
  return parts.filter(Boolean).join(' / ') || 'nothing';
}

function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}
