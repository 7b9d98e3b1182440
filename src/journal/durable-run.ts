// One flow attempt's view of the journal: recorded steps are replayed, new ones are run and recorded.
import { AsyncLocalStorage } from 'node:async_hooks';
import { GenkitError } from 'genkit';
import { MAX_STEP_RESULT_BYTES } from '../defaults';
import { deserializeError, isRetryable, serializeError } from '../errors';
import type { InputRequest, JournalEntry, StepKind } from '../types';
import type { JournalWriter } from './journal-writer';

/** The replayed flow asked for a different step than the journal holds at that position. */
export class NonDeterministicFlowError extends GenkitError {
  constructor(key: string, recorded: JournalEntry, kind: StepKind, name: string) {
    super({
      status: 'FAILED_PRECONDITION',
      message:
        `flow is not deterministic: step ${key} was recorded as ${recorded.kind} "${recorded.name}" but this attempt ` +
        `asked for ${kind} "${name}". Flow code must take the same path on every attempt (use step() for ` +
        'anything random or time-dependent), or set `durable: false`.',
    });
  }
}

/** A step's result is too large to keep in Temporal's history. */
export class StepResultTooLargeError extends GenkitError {
  constructor(key: string, kind: StepKind, name: string, bytes: number) {
    super({
      status: 'FAILED_PRECONDITION',
      message:
        `the result of ${kind} step "${name}" (${key}) is ${bytes} bytes, above the ${MAX_STEP_RESULT_BYTES}-byte ` +
        'limit for a journaled step. Return a smaller result (e.g. store the data elsewhere and return a reference).',
    });
  }
}

interface Scope {
  run: DurableRun;
  prefix: string;
  next: number;
}

const scopes = new AsyncLocalStorage<Scope>();

/** The durable run of the flow attempt executing in this async context, if any. */
export function currentDurableRun(): DurableRun | undefined {
  return scopes.getStore()?.run;
}

/**
 * Replays and records the steps of one attempt. Steps are keyed by position (`"2"`, and `"2.0"` for the first
 * step nested inside step 2), so a replayed step's children are never asked for and numbering stays aligned.
 */
export class DurableRun {
  private readonly recorded = new Map<string, JournalEntry>();
  private readonly root: Scope;
  stepsCompleted = 0;
  /** Set when replay diverged; the attempt fails with it even if the flow caught it. */
  divergence?: NonDeterministicFlowError;
  /** Resolves when the flow waits for input that has not arrived: the attempt then ends as suspended. */
  readonly suspended: Promise<InputRequest>;
  private suspend!: (request: InputRequest) => void;

  constructor(
    entries: JournalEntry[],
    private readonly writer: JournalWriter,
    private readonly nonRetryableStatuses: readonly string[] | undefined,
    /** The attempt's abort signal (cancellation or worker shutdown), handed to step functions. */
    readonly signal: AbortSignal,
  ) {
    for (const entry of entries) this.recorded.set(entry.key, entry);
    this.stepsCompleted = entries.length;
    this.root = { run: this, prefix: '', next: 0 };
    this.suspended = new Promise((resolve) => (this.suspend = resolve));
  }

  /** Runs `fn` with this run as the current one. */
  enter<T>(fn: () => T): T {
    return scopes.run(this.root, fn);
  }

  /** Returns the step's recorded result, or runs `fn`, records its result and returns it. */
  async step<T>(kind: StepKind, name: string, fn: () => Promise<T>): Promise<T> {
    const key = this.nextKey();
    const recorded = this.recorded.get(key);
    if (recorded) return this.replay(key, recorded, kind, name) as T;

    const cancelReport = this.writer.reportStepInFlight({
      key,
      kind,
      name,
      attempt: this.writer.lease.attempt,
      startedAt: new Date().toISOString(),
    });
    let output: T;
    try {
      output = await scopes.run({ run: this, prefix: `${key}.`, next: 0 }, fn).finally(cancelReport);
    } catch (err) {
      // An error no retry can fix is part of the run's history: replay must throw it again, not re-run the step.
      if (
        !this.signal.aborted &&
        !(err instanceof NonDeterministicFlowError) &&
        !isRetryable(err, this.nonRetryableStatuses)
      ) {
        await this.write({ key, kind, name, error: serializeError(err) });
      }
      throw err;
    }
    const json = output === undefined ? undefined : JSON.stringify(output);
    const bytes = json === undefined ? 0 : Buffer.byteLength(json);
    if (bytes > MAX_STEP_RESULT_BYTES) throw new StepResultTooLargeError(key, kind, name, bytes);
    const stored = json === undefined ? undefined : JSON.parse(json);
    await this.write({ key, kind, name, output: stored });
    // Return what replay will return, so both paths see identical (JSON) values.
    return stored as T;
  }

  /**
   * Returns the recorded answer to this input, or suspends the attempt: the returned promise then never
   * settles, and the workflow waits for the value and starts a new attempt that replays up to here.
   */
  async waitForInput<T>(request: Omit<InputRequest, 'key'>): Promise<T> {
    const key = this.nextKey();
    const recorded = this.recorded.get(key);
    if (recorded) return this.replay(key, recorded, 'input', request.name) as T;
    this.suspend({ ...request, key });
    return new Promise<T>(() => undefined);
  }

  private nextKey(): string {
    const scope = scopes.getStore() ?? this.root;
    return `${scope.prefix}${scope.next++}`;
  }

  private replay(key: string, recorded: JournalEntry, kind: StepKind, name: string): unknown {
    if (recorded.kind !== kind || recorded.name !== name) {
      this.divergence ??= new NonDeterministicFlowError(key, recorded, kind, name);
      throw this.divergence;
    }
    if (recorded.error) throw deserializeError(recorded.error);
    return recorded.output;
  }

  private async write(entry: JournalEntry): Promise<void> {
    await this.writer.record(entry);
    this.stepsCompleted++;
  }
}
