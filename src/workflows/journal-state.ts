// The workflow's deterministic view of a flow run: its step journal, the attempt lease, streamed chunks, inputs
// it waits for or was sent early, and the counters that decide retries, failover and continue-as-new.
// Sandbox code: imports only @temporalio/workflow, ../types, ../defaults and siblings.
import { ApplicationFailure } from '@temporalio/workflow';
import { MAX_EARLY_INPUTS, MAX_JOURNAL_BYTES, PAGE_BYTES, DEFAULT_CONTINUE_AS_NEW_AFTER } from '../common/defaults';
import {
  FailureTypes,
  type AnswerProvenance,
  type AttemptLease,
  type ChunkBatch,
  type ClaimedRun,
  type ContinuedRun,
  type EarlyInput,
  type FlowProgress,
  type InputRequest,
  type JournalEntry,
  type JournalPage,
  type JournalWrite,
  type JournalWriteResult,
  type PendingInput,
  type SerializedFlowError,
  type StepInFlight,
} from '../common/types';
import { addCall, emptyRunUsage, type RunUsage } from '../common/usage';
import { validateJsonSchema } from './json-schema';
import { jsonBytes } from './sizes';

/** -1, 0 or 1 as lease `a` is older than, the same as, or newer than lease `b`. */
function compareLeases(a: AttemptLease, b: AttemptLease): number {
  if (a.execution !== b.execution) return a.execution < b.execution ? -1 : 1;
  if (a.attempt !== b.attempt) return a.attempt < b.attempt ? -1 : 1;
  return 0;
}

/** A rejection the caller can act on by its `type` (validators run before anything is written to history). */
function reject(type: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true });
}

/** Chunks of one read of the stream, and where to find older ones. */
export interface ChunkRead extends ChunkBatch {
  /** The flow has completed or failed: no chunk will follow. */
  done: boolean;
  /** Offset of this execution's first chunk; older ones live in `previousRunId`. */
  base: number;
  previousRunId?: string;
}

/**
 * Journal entries by key, plus the lease of the one attempt allowed to append to them.
 * An attempt claims the lease before it replays; a newer claim fences out every older attempt.
 */
export class FlowJournalState {
  private readonly journal = new Map<string, JournalEntry>();
  private readonly sizes = new Map<string, number>();
  private journalBytes = 0;
  /** This execution's chunks; `chunks[i]` has run-wide offset `chunkBase + i`. */
  readonly chunks: unknown[] = [];
  readonly chunkBase: number;
  readonly previousRunId?: string;
  private lease: AttemptLease = { execution: 0, attempt: 0 };
  private executions: number;
  /** The flow attempt in progress (attempts lost to failover do not count). */
  flowAttempt: number;
  failoversWithoutProgress: number;
  private failovers = 0;
  private readonly continuations: number;
  /** Updates this execution accepted (Temporal caps them per execution). */
  private updates = 0;
  private inFlight?: StepInFlight;
  private waiting?: { request: InputRequest; pending: PendingInput };
  private readonly early: EarlyInput[];
  private readonly answeredKeys: Set<string>;
  lastError?: SerializedFlowError;
  status: FlowProgress['status'] = 'running';
  /** Model calls paid (each journal write of a live call) and replayed (handed to a new attempt from the journal). */
  readonly usage: RunUsage;
  /** The usage last written to the memo (JSON), so an unchanged total is not written again. */
  usageInMemo?: string;
  /** Journal writes (Updates) after which the run continues as new. */
  continueAsNewAfter = DEFAULT_CONTINUE_AS_NEW_AFTER;

  constructor(
    private readonly flowName: string,
    continued?: ContinuedRun,
    carried: JournalEntry[] = [],
  ) {
    this.executions = continued?.executions ?? 0;
    this.flowAttempt = continued?.flowAttempt ?? 1;
    this.failoversWithoutProgress = continued?.failoversWithoutProgress ?? 0;
    this.chunkBase = continued?.chunkBase ?? 0;
    this.previousRunId = continued?.previousRunId;
    this.early = continued?.earlyInputs ?? [];
    this.answeredKeys = new Set(continued?.answeredInputKeys ?? []);
    this.lastError = continued?.lastError;
    this.continuations = continued?.continuations ?? 0;
    this.usage = continued?.usage ?? emptyRunUsage();
    for (const entry of carried) this.put(entry);
  }

  nextExecution(): number {
    return ++this.executions;
  }

  get entryCount(): number {
    return this.journal.size;
  }

  get totalChunks(): number {
    return this.chunkBase + this.chunks.length;
  }

  // ---- claiming and writing (the attempt's side) ----

  assertCanClaim(lease: AttemptLease): void {
    if (compareLeases(lease, this.lease) < 0) throw this.stale(lease);
  }

  claim(lease: AttemptLease): ClaimedRun {
    this.lease = lease;
    this.inFlight = undefined;
    this.updates++;
    // The claiming attempt replays the journal: every recorded model call is one it gets without paying.
    for (const entry of this.journal.values())
      if (isModelCall(entry)) addCall(this.usage.replayed, entry.name, entry.usage);
    const { byModel: _byModel, ...paid } = this.usage.paid;
    const claimed = { entryCount: this.journal.size, journalBytes: this.journalBytes, chunkCount: this.totalChunks };
    return paid.calls ? { ...claimed, paid } : claimed;
  }

  /** Entries in recording order from index `from`, about `PAGE_BYTES` at most (always at least one). */
  page(from: number, maxBytes = PAGE_BYTES): JournalPage {
    if (!Number.isInteger(from) || from < 0) throw new Error(`invalid journal index ${from}`);
    const all = [...this.journal.values()];
    const entries: JournalEntry[] = [];
    let bytes = 0;
    let i = from;
    for (; i < all.length; i++) {
      const size = this.sizes.get(all[i].key) ?? 0;
      if (entries.length && bytes + size > maxBytes) break;
      entries.push(all[i]);
      bytes += size;
    }
    return { entries, next: i < all.length ? i : undefined };
  }

  assertCanWrite(lease: AttemptLease, write: JournalWrite): void {
    // A claiming write may take the run over like a claim (never from a newer attempt); any other write needs the
    // current lease. Either way an older (zombie) attempt is refused.
    const order = compareLeases(lease, this.lease);
    if (write.claim ? order < 0 : order !== 0) throw this.stale(lease);
    for (const key of write.retract ?? []) {
      const recorded = this.journal.get(key);
      if (recorded && !recorded.retryable) {
        throw reject(FailureTypes.journalWriteRejected, `step ${key} did not fail retryably and cannot be retracted`);
      }
    }
    let added = 0;
    for (const entry of write.entries) {
      if (this.journal.has(entry.key) && !write.retract?.includes(entry.key)) {
        throw reject(FailureTypes.journalWriteRejected, `step ${entry.key} is already recorded`);
      }
      added += jsonBytes(entry);
    }
    if (this.journalBytes + added > MAX_JOURNAL_BYTES) {
      throw reject(
        FailureTypes.journalLimit,
        `the journal would hold ${this.journalBytes + added} bytes, above the ${MAX_JOURNAL_BYTES}-byte limit of one ` +
          'run: return smaller step results (store large data elsewhere and journal a reference)',
      );
    }
    if (write.chunks && write.chunks.offset > this.totalChunks) {
      throw reject(
        FailureTypes.journalWriteRejected,
        `chunk offset ${write.chunks.offset} leaves a gap: the stream has ${this.totalChunks} chunks`,
      );
    }
  }

  write(write: JournalWrite, historyLength = 0, lease?: AttemptLease): JournalWriteResult {
    if (write.claim && lease && compareLeases(lease, this.lease) > 0) {
      this.lease = lease;
      this.inFlight = undefined;
    }
    for (const key of write.retract ?? []) this.remove(key);
    if (write.chunks) this.appendChunks(write.chunks);
    for (const entry of write.entries) {
      this.put(entry);
      if (this.inFlight?.key === entry.key) this.inFlight = undefined;
      // A write carries only live steps: each model call in it was paid, also one made again after its result was lost.
      if (isModelCall(entry)) addCall(this.usage.paid, entry.name, entry.usage);
    }
    this.updates++;
    return { continueAsNew: this.shouldContinueAsNew(historyLength), updates: this.updates };
  }

  /** Appends the chunks not stored yet; a replaying attempt re-sends chunks that are already here. */
  private appendChunks(batch: ChunkBatch): void {
    batch.chunks.forEach((chunk, i) => {
      if (batch.offset + i === this.totalChunks) this.chunks.push(chunk);
    });
  }

  private put(entry: JournalEntry): void {
    const size = jsonBytes(entry);
    this.journal.set(entry.key, entry);
    this.sizes.set(entry.key, size);
    this.journalBytes += size;
  }

  private remove(key: string): void {
    if (!this.journal.has(key)) return;
    this.journal.delete(key);
    this.journalBytes -= this.sizes.get(key) ?? 0;
    this.sizes.delete(key);
  }

  /** Continue as new well before Temporal's cap of 2,000 Updates (or 51,200 events) per execution. */
  shouldContinueAsNew(historyLength = 0): boolean {
    return this.updates >= this.continueAsNewAfter || historyLength >= 40_000;
  }

  private stale(lease: AttemptLease): ApplicationFailure {
    return reject(
      FailureTypes.staleAttempt,
      `stale flow attempt ${describe(lease)}: attempt ${describe(this.lease)} holds the run`,
    );
  }

  /** The `stepStarted` signal of activities of older versions (current ones heartbeat their step in flight). */
  stepStarted(lease: AttemptLease, step: StepInFlight): void {
    // A newer lease: the run's first attempt, which claims the run with its first write (not written yet).
    if (compareLeases(lease, this.lease) >= 0) this.inFlight = step;
  }

  /** An attempt failed (as the workflow saw it): the flow's error is shown as `lastError`. */
  attemptEnded(error: SerializedFlowError | undefined): void {
    if (error) this.lastError = error;
    this.inFlight = undefined;
  }

  /** The `attemptFailed` signal of activities from before the workflow read failures itself (kept for them). */
  attemptFailed(lease: AttemptLease, error: SerializedFlowError): void {
    if (compareLeases(lease, this.lease) === 0) {
      this.lastError = error;
      this.inFlight = undefined;
    }
  }

  /** An attempt was lost to a worker shutdown or crash; returns false when too many were lost without progress. */
  failover(entriesBefore: number, limit: number): boolean {
    this.failovers++;
    this.failoversWithoutProgress = this.journal.size > entriesBefore ? 1 : this.failoversWithoutProgress + 1;
    return this.failoversWithoutProgress <= limit;
  }

  // ---- chunks (readers) ----

  readChunks(offset: number, maxBytes = PAGE_BYTES): ChunkRead {
    if (!Number.isInteger(offset) || offset < 0) throw new Error(`invalid chunk offset ${offset}`);
    const chunks: unknown[] = [];
    let bytes = 0;
    for (let i = Math.max(0, offset - this.chunkBase); i < this.chunks.length; i++) {
      const size = jsonBytes(this.chunks[i]);
      if (chunks.length && bytes + size > maxBytes) break;
      chunks.push(this.chunks[i]);
      bytes += size;
    }
    const done = this.status === 'completed' || this.status === 'failed';
    return { offset, chunks, done, base: this.chunkBase, previousRunId: this.previousRunId };
  }

  // ---- inputs ----

  /** The run now waits for `request` (no attempt runs until it arrives or times out). */
  awaitInput(request: InputRequest, now: Date): void {
    const expiresAt =
      request.timeoutMs !== undefined ? new Date(now.getTime() + request.timeoutMs).toISOString() : undefined;
    this.waiting = {
      request,
      pending: {
        name: request.name,
        schema: request.schema,
        description: request.description,
        interrupt: request.interrupt,
        requestedAt: now.toISOString(),
        expiresAt,
      },
    };
    // An answer that arrived before the run asked for it is delivered now (if it matches the schema).
    for (let i = 0; i < this.early.length; i++) {
      const early = this.early[i];
      if (early.name !== request.name) continue;
      this.early.splice(i--, 1);
      const problems = validateJsonSchema(early.value, request.schema as Record<string, unknown> | undefined);
      if (!problems.length) return this.provide(early.value, early.answeredBy);
      this.waiting.pending.rejected = `a value sent at ${early.receivedAt} did not match: ${problems.join('; ')}`;
    }
  }

  /** Nothing has reached the run yet: no attempt claimed or wrote, no input arrived. */
  get untouched(): boolean {
    return this.updates === 0 && this.early.length === 0 && this.answeredKeys.size === 0;
  }

  get isWaiting(): boolean {
    return this.waiting !== undefined;
  }

  /**
   * Rejects a value that does not match the schema of the input the run waits for. A value for an input the run
   * has not asked for yet is accepted and kept until it does; `answerKey` makes a retried answer a no-op.
   */
  assertCanProvide(name: string, value: unknown, answerKey?: string, answeredBy?: AnswerProvenance): void {
    if (typeof name !== 'string' || !name)
      throw reject(FailureTypes.invalidInput, 'the input name must be a non-empty string');
    if (answerKey !== undefined && this.answeredKeys.has(answerKey)) return;
    const provenance = provenanceProblem(answeredBy);
    if (provenance) throw reject(FailureTypes.invalidInput, provenance);
    if (this.status === 'completed' || this.status === 'failed') {
      throw reject(FailureTypes.notAccepted, `the run has ${this.status}; it takes no more input`);
    }
    if (this.waiting?.request.name === name) {
      const problems = validateJsonSchema(value, this.waiting.request.schema as Record<string, unknown> | undefined);
      if (problems.length)
        throw reject(FailureTypes.invalidInput, `invalid value for input "${name}": ${problems.join('; ')}`);
      return;
    }
    if (this.early.length >= MAX_EARLY_INPUTS) {
      throw reject(FailureTypes.journalLimit, `the run already keeps ${MAX_EARLY_INPUTS} values it has not asked for`);
    }
  }

  /** Delivers the value to the waiting flow, or keeps it until the run waits for `name`. */
  receive(name: string, value: unknown, now: Date, answerKey?: string, answeredBy?: AnswerProvenance): void {
    if (answerKey !== undefined) {
      if (this.answeredKeys.has(answerKey)) return;
      this.answeredKeys.add(answerKey);
    }
    this.updates++;
    if (this.waiting?.request.name === name) this.provide(value, answeredBy);
    else this.early.push({ name, value, receivedAt: now.toISOString(), ...(answeredBy ? { answeredBy } : {}) });
  }

  /** Records the answer (and who gave it, when the sender said) as the journal entry the waiting flow will replay. */
  private provide(value: unknown, answeredBy?: AnswerProvenance): void {
    const { request } = this.waiting!;
    this.put({
      key: request.key,
      kind: 'input',
      name: request.name,
      output: value,
      ...(answeredBy ? { answeredBy } : {}),
    });
    this.waiting = undefined;
  }

  /** Stops waiting after a timeout: records the default, or returns false when there is none. */
  timeOut(): boolean {
    if (!this.waiting) return true; // the value arrived in the same activation as the timer
    const { request } = this.waiting;
    if (!request.hasDefault) return false;
    this.provide(request.defaultValue);
    return true;
  }

  // ---- reading and carrying ----

  entries(): JournalEntry[] {
    return [...this.journal.values()];
  }

  /** What the next execution needs to go on where this one stops. */
  continued(runId: string): ContinuedRun {
    return {
      executions: this.executions,
      flowAttempt: this.flowAttempt,
      failoversWithoutProgress: this.failoversWithoutProgress,
      chunkBase: this.totalChunks,
      previousRunId: runId,
      earlyInputs: this.early,
      answeredInputKeys: [...this.answeredKeys],
      lastError: this.lastError,
      continuations: this.continuations + 1,
      ...(this.hasUsage ? { usage: this.usage } : {}),
    };
  }

  /** The journal split into pages of about `maxBytes`, for continue-as-new arguments. */
  pages(maxBytes = PAGE_BYTES): { pages: JournalEntry[][]; bytes: number } {
    const pages: JournalEntry[][] = [];
    let from: number | undefined = 0;
    while (from !== undefined) {
      const page = this.page(from, maxBytes);
      if (page.entries.length) pages.push(page.entries);
      from = page.next;
    }
    return { pages, bytes: this.journalBytes };
  }

  progress(): FlowProgress {
    return {
      flowName: this.flowName,
      status: this.waiting ? 'waiting' : this.status,
      pendingInputs: this.waiting ? [this.waiting.pending] : [],
      earlyInputs: this.early.map((e) => e.name),
      stepsCompleted: this.journal.size,
      stepInFlight: this.inFlight,
      attempt: this.flowAttempt,
      lastError: this.lastError,
      failovers: this.failovers,
      continuations: this.continuations,
      ...(this.hasUsage ? { usage: this.usage } : {}),
    };
  }

  /** Some model call was paid or replayed. */
  get hasUsage(): boolean {
    return this.usage.paid.calls > 0 || this.usage.replayed.calls > 0;
  }
}

/** A model call that returned (a failed call's entry holds its error). */
function isModelCall(entry: JournalEntry): boolean {
  return entry.kind === 'model' && entry.error === undefined;
}

/** Why `answeredBy` is not a provenance the journal can keep (strings `by` and `via`, short), or `undefined`. */
function provenanceProblem(answeredBy: AnswerProvenance | undefined): string | undefined {
  if (answeredBy === undefined || answeredBy === null) return undefined;
  const { by, via, linkId } = answeredBy as Partial<AnswerProvenance>;
  const short = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= MAX_PROVENANCE_LENGTH;
  if (short(by) && short(via) && (linkId === undefined || short(linkId))) return undefined;
  return `answeredBy must be { by, via, linkId? } with strings of 1 to ${MAX_PROVENANCE_LENGTH} characters`;
}

/** Longest `by`, `via` or `linkId` of an answer's provenance. */
const MAX_PROVENANCE_LENGTH = 256;

function describe(lease: AttemptLease): string {
  return `${lease.execution}.${lease.attempt}`;
}
