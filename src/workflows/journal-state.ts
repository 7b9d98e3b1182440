// The workflow's deterministic view of a flow run's step journal, attempt lease, chunks and pending input.
// Sandbox code: imports only ../types and siblings.
import type {
  AttemptLease,
  ChunkBatch,
  ClaimedRun,
  FlowProgress,
  InputRequest,
  JournalEntry,
  PendingInput,
  SerializedFlowError,
  StepInFlight,
} from '../types';
import { validateJsonSchema } from './json-schema';

/** -1, 0 or 1 as lease `a` is older than, the same as, or newer than lease `b`. */
function compareLeases(a: AttemptLease, b: AttemptLease): number {
  if (a.execution !== b.execution) return a.execution < b.execution ? -1 : 1;
  if (a.attempt !== b.attempt) return a.attempt < b.attempt ? -1 : 1;
  return 0;
}

/**
 * Journal entries by key, plus the lease of the one attempt allowed to append to them.
 * An attempt claims the lease before it replays; a newer claim fences out every older attempt.
 */
export class FlowJournalState {
  private readonly journal = new Map<string, JournalEntry>();
  /** Every chunk the flow streamed, in order; offsets index into it. */
  readonly chunks: unknown[] = [];
  private lease: AttemptLease = { execution: 0, attempt: 0 };
  private executions = 0;
  private inFlight?: StepInFlight;
  private waiting?: { request: InputRequest; pending: PendingInput };
  private lastError?: SerializedFlowError;
  status: FlowProgress['status'] = 'running';

  constructor(private readonly flowName: string) {}

  nextExecution(): number {
    return ++this.executions;
  }

  assertCanClaim(lease: AttemptLease): void {
    if (compareLeases(lease, this.lease) < 0) {
      throw new Error(`stale flow attempt ${describe(lease)}: attempt ${describe(this.lease)} holds the run`);
    }
  }

  claim(lease: AttemptLease): ClaimedRun {
    this.lease = lease;
    this.inFlight = undefined;
    return { entries: this.entries(), chunkCount: this.chunks.length };
  }

  assertCanRecord(lease: AttemptLease, entries: JournalEntry[], batch: ChunkBatch | null): void {
    this.assertHoldsLease(lease);
    for (const entry of entries) {
      if (this.journal.has(entry.key)) throw new Error(`step ${entry.key} is already recorded`);
    }
    if (batch) this.assertCanAppend(lease, batch);
  }

  record(entries: JournalEntry[], batch: ChunkBatch | null): void {
    if (batch) this.appendChunks(batch);
    for (const entry of entries) {
      this.journal.set(entry.key, entry);
      if (this.inFlight?.key === entry.key) this.inFlight = undefined;
    }
  }

  assertCanAppend(lease: AttemptLease, batch: ChunkBatch): void {
    this.assertHoldsLease(lease);
    if (batch.offset > this.chunks.length) {
      throw new Error(`chunk offset ${batch.offset} leaves a gap: the stream has ${this.chunks.length} chunks`);
    }
  }

  /** Appends the chunks not stored yet; a replaying attempt re-sends chunks that are already here. */
  appendChunks(batch: ChunkBatch): void {
    batch.chunks.forEach((chunk, i) => {
      if (batch.offset + i === this.chunks.length) this.chunks.push(chunk);
    });
  }

  private assertHoldsLease(lease: AttemptLease): void {
    if (compareLeases(lease, this.lease) !== 0) {
      throw new Error(`stale flow attempt ${describe(lease)}: attempt ${describe(this.lease)} holds the run`);
    }
  }

  stepStarted(lease: AttemptLease, step: StepInFlight): void {
    if (compareLeases(lease, this.lease) === 0) this.inFlight = step;
  }

  attemptFailed(lease: AttemptLease, error: SerializedFlowError): void {
    if (compareLeases(lease, this.lease) === 0) {
      this.lastError = error;
      this.inFlight = undefined;
    }
  }

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
  }

  get isWaiting(): boolean {
    return this.waiting !== undefined;
  }

  /** Rejects a value the run is not waiting for, or one that does not match the requested schema. */
  assertCanProvide(name: string, value: unknown): void {
    if (!this.waiting) throw new Error(`the run is not waiting for input "${name}"`);
    if (this.waiting.request.name !== name) {
      throw new Error(`the run is waiting for input "${this.waiting.request.name}", not "${name}"`);
    }
    const problems = validateJsonSchema(value, this.waiting.request.schema as Record<string, unknown> | undefined);
    if (problems.length) throw new Error(`invalid value for input "${name}": ${problems.join('; ')}`);
  }

  /** Records the answer as the journal entry the waiting flow will replay. */
  provide(value: unknown): void {
    const { request } = this.waiting!;
    this.journal.set(request.key, { key: request.key, kind: 'input', name: request.name, output: value });
    this.waiting = undefined;
  }

  /** Stops waiting after a timeout: records the default, or returns false when there is none. */
  timeOut(): boolean {
    const { request } = this.waiting!;
    if (!request.hasDefault) return false;
    this.provide(request.defaultValue);
    return true;
  }

  entries(): JournalEntry[] {
    return [...this.journal.values()];
  }

  progress(): FlowProgress {
    return {
      flowName: this.flowName,
      status: this.waiting ? 'waiting' : this.status,
      pendingInputs: this.waiting ? [this.waiting.pending] : [],
      stepsCompleted: this.journal.size,
      stepInFlight: this.inFlight,
      attempt: this.lease.attempt,
      lastError: this.lastError,
    };
  }
}

function describe(lease: AttemptLease): string {
  return `${lease.execution}.${lease.attempt}`;
}
