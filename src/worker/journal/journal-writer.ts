// The activity's side of the journal protocol: claim the run, read the journal, append steps and chunks.
// Every write names the attempt's lease, so the workflow refuses writes from a superseded (zombie) attempt.
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { MAX_CHUNK_BATCH_BYTES } from '../../common/defaults';
import { grpcCodeOf, GrpcStatus } from '../../client/grpc-errors';
import { FailureTypes, type FailureType } from '../../common/failures';
import type { AttemptLease, ChunkBatch, ClaimedRun, JournalEntry, JournalWrite } from '../../common/types';
import { claimAttemptUpdate, journalPageQuery, recordStepsUpdate } from '../../workflows/messages';
import { untilAborted } from '../until-aborted';

/** Queued chunks are sent at most this often at first; the interval grows with the run's Update count. */
export const CHUNK_FLUSH_INTERVAL_MS = 100;
const MAX_CHUNK_FLUSH_INTERVAL_MS = 2_000;

/** How often, and how patiently, a write that failed for a transient reason is sent again (same Update ID). */
const WRITE_RETRIES = 8;
const MAX_WRITE_BACKOFF_MS = 2_000;
/**
 * How long a write waits out a refusal that says "not now" rather than "no", with the same Update ID:
 * - FAILED_PRECONDITION: from the third failed or timed-out workflow task on, Temporal refuses Updates
 *   ("Workflow Task in failed state", WorkflowNotReady) until a task completes — seen under rolling restarts on a
 *   loaded machine. The run is healthy; the write waits.
 * - UNAVAILABLE: the server is restarting or unreachable. The step's result was paid for; giving up after the
 *   usual retries (~7 s) would throw it away and run the step again (seen in `npm run chaos`'s dev-server restart).
 *   If the server has timed the attempt out meanwhile, the write is refused as stale when it comes back.
 */
const PATIENT_WINDOW_MS = 60_000;
const PATIENT_GRPC_CODES = new Set<number>([GrpcStatus.FAILED_PRECONDITION, GrpcStatus.UNAVAILABLE]);

/** gRPC codes a later try may not get: the server was restarting, busy, or the call timed out. */
const TRANSIENT_GRPC_CODES = new Set<number>([
  GrpcStatus.CANCELLED,
  GrpcStatus.UNKNOWN,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.ABORTED,
  GrpcStatus.INTERNAL,
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.FAILED_PRECONDITION, // WorkflowNotReady: see PATIENT_WINDOW_MS
]);

/** A newer attempt has taken the run over (or the run has ended): this attempt must stop writing. */
export class AttemptSupersededError extends Error {
  override readonly name = 'AttemptSupersededError';
}

/** A journal write that no retry can fix; the attempt fails with it, non-retryably. */
export class JournalWriteError extends Error {
  override readonly name = 'JournalWriteError';
  constructor(
    readonly type: FailureType,
    readonly status: 'RESOURCE_EXHAUSTED' | 'FAILED_PRECONDITION',
    message: string,
  ) {
    super(message);
  }
}

/** What the writer can reach of the workflow: the handle's calls it makes (a seam for in-process tests). */
export interface JournalTransport {
  claim(lease: AttemptLease, updateId: string): Promise<ClaimedRun>;
  page(from: number): Promise<{ entries: JournalEntry[]; next?: number }>;
  write(
    lease: AttemptLease,
    write: JournalWrite,
    updateId: string,
  ): Promise<{ continueAsNew: boolean; updates: number }>;
}

/** The transport over a Temporal client, pinned to one workflow execution. */
export function temporalTransport(client: Client, workflowId: string, runId: string): JournalTransport {
  // Made at the first call: an attempt that writes nothing (a flow without steps, on its first attempt) needs none.
  let made: ReturnType<Client['workflow']['getHandle']> | undefined;
  const handle = () => (made ??= client.workflow.getHandle(workflowId, runId));
  return {
    claim: (lease, updateId) => handle().executeUpdate(claimAttemptUpdate, { args: [lease], updateId }),
    page: (from) => handle().query(journalPageQuery, from),
    write: (lease, write, updateId) => handle().executeUpdate(recordStepsUpdate, { args: [lease, write], updateId }),
  };
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Appends to one workflow's journal and chunk stream on behalf of one attempt.
 *
 * One write is in flight at a time (chunk offsets must never leave a gap). Whatever queues up meanwhile — steps
 * that completed in parallel, chunks — goes out together in the next write (group commit), so parallel tool
 * calls cost one round trip, not one each. A write that fails for a transient reason is sent again with the same
 * Update ID (the server applies it once); one that cannot succeed fails every later write too, so the attempt
 * fails instead of silently losing steps or chunks.
 */
export class JournalWriter {
  private writing = false;
  private entries: JournalEntry[] = [];
  /** Retryable failures the flow may have caught: written only along with a later step (see `defer`). */
  private deferred: JournalEntry[] = [];
  private retractions: string[] = [];
  private chunks: ChunkBatch | undefined;
  private chunkBytes = 0;
  private waiters: Waiter[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private nextChunkOffset = 0;
  private writes = 0;
  private updates = 0;
  private broken: unknown;
  private closed = false;
  /** The next write claims the run (see `claimWithFirstWrite`). */
  private claimPending = false;
  /** Keys written so far by this attempt (to tell a written failure from a deferred one). */
  private readonly written = new Set<string>();
  /** The workflow asked to continue as new: the attempt should finish its steps in flight and stop. */
  continueAsNewRequested = false;
  /**
   * Entries the journal holds as far as this attempt knows: what it read when it claimed, plus what its writes
   * added or retracted since (the workflow records nothing else while an attempt runs). Equals the `progress`
   * query's `stepsCompleted` once the last write is acknowledged, so readers can tell stale heartbeat details.
   */
  journalSize = 0;

  constructor(
    private readonly transport: JournalTransport,
    readonly lease: AttemptLease,
    private readonly signal?: AbortSignal,
    /** Leave step and tool names out of Update IDs (payloads are encrypted; the IDs are plaintext in history). */
    private readonly namelessUpdateIds = false,
  ) {}

  /**
   * For the run's first attempt (nothing recorded, no older attempt): no claim round trip; the first write carries
   * the claim instead, so the attempt is fenced exactly as if it had claimed (a newer claim still wins).
   */
  claimWithFirstWrite(): { entries: JournalEntry[] } {
    this.claimPending = true;
    this.nextChunkOffset = 0;
    return { entries: [] };
  }

  /** Takes the run over from any older attempt, then reads the journal page by page. */
  async claim(): Promise<{ claimed: ClaimedRun; entries: JournalEntry[] }> {
    const claimed = await this.send(() => this.transport.claim(this.lease, `claim ${this.attemptLabel}`));
    this.nextChunkOffset = claimed.chunkCount;
    this.journalSize = claimed.entryCount;
    const entries: JournalEntry[] = [];
    for (let from: number | undefined = 0; from !== undefined && entries.length < claimed.entryCount;) {
      const page = await this.send(() => this.transport.page(from!));
      entries.push(...page.entries);
      from = page.next;
    }
    return { claimed, entries };
  }

  /**
   * Queues the flow's chunk number `index` (0-based over the whole run). Chunks an earlier attempt already
   * stored are dropped here, so a replay never streams anything twice.
   */
  chunk(index: number, chunk: unknown): void {
    if (index < this.nextChunkOffset || this.closed) return;
    this.nextChunkOffset = index + 1;
    this.chunks ??= { offset: index, chunks: [] };
    this.chunks.chunks.push(chunk);
    this.chunkBytes += Buffer.byteLength(JSON.stringify(chunk) ?? '');
    if (this.chunkBytes >= MAX_CHUNK_BATCH_BYTES) return this.pump();
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      this.pump();
    }, this.chunkFlushIntervalMs);
  }

  /**
   * A long stream must not spend one Update per 100 ms: the interval grows with the Updates the execution has
   * taken (100 ms at first, 2 s from about 2,000 on; the run continues as new long before that).
   */
  private get chunkFlushIntervalMs(): number {
    return Math.min(MAX_CHUNK_FLUSH_INTERVAL_MS, CHUNK_FLUSH_INTERVAL_MS * (1 + Math.floor(this.updates / 100)));
  }

  /**
   * Resolves once everything queued so far is acknowledged. `withDeferred` also writes the retryable failures the
   * flow caught (at the end of an attempt that completed or suspended: the flow went on past them).
   */
  flush({ withDeferred = false } = {}): Promise<void> {
    if (withDeferred) this.promoteDeferred();
    return this.enqueue();
  }

  /**
   * Resolves once the workflow has durably accepted the step (with the chunks queued before it); rejects if
   * this attempt lost its lease or the write cannot succeed.
   */
  record(entry: JournalEntry): Promise<void> {
    this.promoteDeferred();
    return this.enqueue(entry);
  }

  /**
   * Keeps a retryable failure without writing it yet: if the flow caught it and went on, the next step's write
   * carries it (so replay sees the same failure at the same position); if it ends the attempt, it is dropped and
   * the next attempt runs that step again.
   */
  defer(entry: JournalEntry): void {
    this.deferred.push(entry);
  }

  /**
   * The attempt failed with the failure of step `key`: forget it, so the next attempt runs the step again.
   * Returns false when there was nothing to forget.
   */
  forget(key: string): boolean {
    const i = this.deferred.findIndex((e) => e.key === key);
    if (i >= 0) {
      this.deferred.splice(i, 1);
      return true;
    }
    if (!this.written.has(key)) return false;
    this.retractions.push(key);
    return true;
  }

  /** Drops the failures not written yet (the attempt failed: nothing after them was written either). */
  dropDeferred(): void {
    this.deferred = [];
  }

  /** Stops the chunk timer and refuses further writes (chunks still queued are dropped: flush() first). */
  close(): void {
    this.closed = true;
    this.stopTimer();
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w.reject(new AttemptSupersededError('the flow attempt has ended')));
  }

  private stopTimer(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  private get attemptLabel(): string {
    return `${this.lease.execution}.${this.lease.attempt}`;
  }

  private promoteDeferred(): void {
    if (!this.deferred.length) return;
    this.entries.push(...this.deferred);
    this.deferred = [];
  }

  private enqueue(entry?: JournalEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.broken) return reject(this.broken);
      if (this.closed) return reject(new AttemptSupersededError('the flow attempt has ended'));
      if (entry) this.entries.push(entry);
      this.waiters.push({ resolve, reject });
      this.pump();
    });
  }

  /** Sends everything queued, unless a write is in flight (then its completion sends it). */
  private pump(): void {
    if (this.writing || this.closed) return;
    if (!this.entries.length && !this.chunks && !this.retractions.length && !this.waiters.length) return;
    this.stopTimer();
    const write: JournalWrite = { entries: this.entries, chunks: this.chunks ?? null };
    if (this.retractions.length) write.retract = this.retractions;
    const waiters = this.waiters;
    this.entries = [];
    this.chunks = undefined;
    this.chunkBytes = 0;
    this.retractions = [];
    this.waiters = [];
    if (this.broken) return waiters.forEach((w) => w.reject(this.broken));
    this.writing = true;
    this.write(write)
      .then(
        () => waiters.forEach((w) => w.resolve()),
        (err) => {
          this.broken ??= err;
          waiters.forEach((w) => w.reject(err));
        },
      )
      .finally(() => {
        this.writing = false;
        this.pump();
      });
  }

  private async write(write: JournalWrite): Promise<void> {
    if (!write.entries.length && !write.chunks && !write.retract) return;
    if (this.claimPending) write.claim = true;
    const updateId = this.updateId(write);
    const result = await this.send(() => this.transport.write(this.lease, write, updateId));
    this.claimPending = false;
    // The workflow removes the retracted entries, then adds the written ones (a retracted key may come back).
    for (const key of write.retract ?? []) if (this.written.delete(key)) this.journalSize--;
    for (const entry of write.entries) this.written.add(entry.key);
    this.journalSize += write.entries.length;
    this.updates = result.updates;
    if (result.continueAsNew) this.continueAsNewRequested = true;
  }

  /**
   * A bounded, unique ID for each write (Temporal refuses IDs over 1,000 characters): the attempt, a sequence
   * number, and the first step's name for the history view (not when payloads are encrypted). A retried send
   * reuses it, so it applies once; nothing else reads it (the attempt and the number alone make it unique).
   */
  private updateId(write: JournalWrite): string {
    const seq = ++this.writes;
    if (this.namelessUpdateIds) return `journal write ${seq} (attempt ${this.attemptLabel})`;
    const first = write.entries[0];
    const what = first
      ? `step ${first.key} ${first.kind} ${first.name.slice(0, 80)}` +
        (write.entries.length > 1 ? ` (+${write.entries.length - 1} more)` : '')
      : `${write.chunks?.chunks.length ?? 0} chunks`;
    return `${what} (attempt ${this.attemptLabel} write ${seq})`;
  }

  /**
   * Sends one call, again on transient failures; maps final failures to what the attempt should do. An abort ends
   * the wait at once: a call waits for a workflow task, and a stopping worker polls none, so without this its
   * attempt (and its shutdown) could wait forever on a claim or write no worker will answer.
   */
  private async send<T>(call: () => Promise<T>): Promise<T> {
    const started = Date.now();
    for (let tries = 1; ; tries++) {
      try {
        if (this.signal?.aborted) throw this.signal.reason;
        return await untilAborted(call(), this.signal);
      } catch (err) {
        const mapped = classifyWriteError(err);
        const code = grpcCodeOf(err);
        const patient = code !== undefined && PATIENT_GRPC_CODES.has(code) && Date.now() - started < PATIENT_WINDOW_MS;
        if (mapped || (tries >= WRITE_RETRIES && !patient) || this.signal?.aborted) throw mapped ?? err;
        await new Promise((r) => setTimeout(r, Math.min(MAX_WRITE_BACKOFF_MS, 100 * 2 ** (tries - 1))));
      }
    }
  }
}

/** The error to fail with at once, or undefined when the call may succeed if sent again. */
function classifyWriteError(err: unknown): Error | undefined {
  if (err instanceof WorkflowNotFoundError) {
    return new AttemptSupersededError('the run has ended (or continued as new): this attempt stops');
  }
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    const type = cause instanceof ApplicationFailure ? cause.type : undefined;
    if (type === FailureTypes.staleAttempt) return new AttemptSupersededError(cause!.message);
    if (type === FailureTypes.journalLimit) return new JournalWriteError(type, 'RESOURCE_EXHAUSTED', cause!.message);
    return new JournalWriteError(
      FailureTypes.journalWriteRejected,
      'FAILED_PRECONDITION',
      `the workflow refused a journal write: ${cause?.message ?? err.message}`,
    );
  }
  const code = grpcCodeOf(err);
  if (code === GrpcStatus.NOT_FOUND) return new AttemptSupersededError('the run has ended: this attempt stops'); // NOT_FOUND
  if (code !== undefined && !TRANSIENT_GRPC_CODES.has(code)) {
    return new JournalWriteError(
      FailureTypes.journalWriteRejected,
      'FAILED_PRECONDITION',
      `the server refused a journal write (gRPC code ${code}): ${(err as Error).message}`,
    );
  }
  return undefined;
}
