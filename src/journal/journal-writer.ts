// The activity's side of the journal protocol: claim the run, append steps and chunks, report progress.
// Every write names the attempt's lease, so the workflow refuses writes from a superseded (zombie) attempt.
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { AttemptLease, ChunkBatch, ClaimedRun, JournalEntry, SerializedFlowError, StepInFlight } from '../types';
import {
  appendChunksUpdate,
  attemptFailedSignal,
  claimAttemptUpdate,
  recordStepsUpdate,
  stepStartedSignal,
} from '../workflows/messages';

/** A step still running after this long shows as `stepInFlight` in the progress query. */
export const STEP_REPORT_DELAY_MS = 250;

/** Streamed chunks are sent in batches at most this often, so history stays small. */
export const CHUNK_FLUSH_INTERVAL_MS = 100;

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Appends to one workflow's journal and chunk stream on behalf of one attempt.
 *
 * One write is in flight at a time (chunk offsets must never leave a gap). Whatever queues up meanwhile — steps
 * that completed in parallel, chunks — goes out together in the next write (group commit), so parallel tool
 * calls cost one round trip, not one each.
 */
export class JournalWriter {
  private readonly handle: WorkflowHandle;
  private writing = false;
  private entries: JournalEntry[] = [];
  private chunks: ChunkBatch | undefined;
  private waiters: Waiter[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private nextChunkOffset = 0;

  constructor(
    client: Client,
    workflowId: string,
    runId: string,
    readonly lease: AttemptLease,
  ) {
    this.handle = client.workflow.getHandle(workflowId, runId);
  }

  /** Takes the run over from any older attempt; returns the steps recorded and the chunks stored so far. */
  async claim(): Promise<ClaimedRun> {
    const claimed = await this.handle.executeUpdate(claimAttemptUpdate, {
      args: [this.lease],
      updateId: `claim attempt ${this.attemptLabel}`,
    });
    this.nextChunkOffset = claimed.chunkCount;
    return claimed;
  }

  /**
   * Queues the flow's chunk number `index` (0-based over the whole run). Chunks an earlier attempt already
   * stored are dropped here, so a replay never streams anything twice.
   */
  chunk(index: number, chunk: unknown): void {
    if (index < this.nextChunkOffset) return;
    this.nextChunkOffset = index + 1;
    this.chunks ??= { offset: index, chunks: [] };
    this.chunks.chunks.push(chunk);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      this.pump();
    }, CHUNK_FLUSH_INTERVAL_MS);
  }

  /** Resolves once everything queued so far (steps and chunks) is acknowledged. */
  flush(): Promise<void> {
    return this.enqueue();
  }

  /**
   * Resolves once the workflow has durably accepted the step (with the chunks queued before it); rejects if
   * this attempt lost its lease.
   */
  record(entry: JournalEntry): Promise<void> {
    return this.enqueue(entry);
  }

  /**
   * Reports the step in flight (for the `progress` query) if it is still running after
   * `STEP_REPORT_DELAY_MS`; returns the function that cancels the report. Fast steps are never reported: a
   * signal costs a workflow task, which would queue in front of the step's own write.
   */
  reportStepInFlight(step: StepInFlight): () => void {
    const timer = setTimeout(() => {
      this.handle.signal(stepStartedSignal, this.lease, step).catch(() => undefined);
    }, STEP_REPORT_DELAY_MS);
    return () => clearTimeout(timer);
  }

  async attemptFailed(error: SerializedFlowError): Promise<void> {
    await this.handle.signal(attemptFailedSignal, this.lease, error).catch(() => undefined);
  }

  /** Stops the chunk timer (chunks still queued are dropped; call flush() first to keep them). */
  close(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  private get attemptLabel(): string {
    return `${this.lease.execution}.${this.lease.attempt}`;
  }

  private enqueue(entry?: JournalEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      if (entry) this.entries.push(entry);
      this.waiters.push({ resolve, reject });
      this.pump();
    });
  }

  /** Sends everything queued, unless a write is in flight (then its completion sends it). */
  private pump(): void {
    if (this.writing || (!this.entries.length && !this.chunks && !this.waiters.length)) return;
    this.close();
    const entries = this.entries;
    const chunks = this.chunks;
    const waiters = this.waiters;
    this.entries = [];
    this.chunks = undefined;
    this.waiters = [];
    this.writing = true;
    this.write(entries, chunks)
      .then(
        () => waiters.forEach((w) => w.resolve()),
        (err) => waiters.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        this.writing = false;
        this.pump();
      });
  }

  private async write(entries: JournalEntry[], chunks: ChunkBatch | undefined): Promise<void> {
    if (entries.length) {
      await this.handle.executeUpdate(recordStepsUpdate, {
        args: [this.lease, entries, chunks ?? null],
        // The update ID is what the Web UI shows for the history event: name the step(s).
        updateId: `${entries.map((e) => `step ${e.key} ${e.kind} ${e.name}`).join(', ')} (attempt ${this.attemptLabel})`,
      });
    } else if (chunks) {
      await this.handle.executeUpdate(appendChunksUpdate, { args: [this.lease, chunks] });
    }
  }
}
