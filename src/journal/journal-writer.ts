// The activity's side of the journal protocol: claim the run, append steps and chunks, report progress.
// Every write names the attempt's lease, so the workflow refuses writes from a superseded (zombie) attempt.
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { AttemptLease, ChunkBatch, ClaimedRun, JournalEntry, SerializedFlowError, StepInFlight } from '../types';
import {
  appendChunksUpdate,
  attemptFailedSignal,
  claimAttemptUpdate,
  recordStepUpdate,
  stepStartedSignal,
} from '../workflows/messages';

/** A step still running after this long shows as `stepInFlight` in the progress query. */
export const STEP_REPORT_DELAY_MS = 250;

/** Streamed chunks are sent in batches at most this often, so history stays small. */
export const CHUNK_FLUSH_INTERVAL_MS = 100;

/** Appends to one workflow's journal and chunk stream on behalf of one attempt. */
export class JournalWriter {
  private readonly handle: WorkflowHandle;
  /** Writes go out one at a time, in order: chunk offsets must never leave a gap. */
  private queue: Promise<unknown> = Promise.resolve();
  private pending: ChunkBatch | undefined;
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
    this.pending ??= { offset: index, chunks: [] };
    this.pending.chunks.push(chunk);
    this.flushTimer ??= setTimeout(() => void this.flush().catch(() => undefined), CHUNK_FLUSH_INTERVAL_MS);
  }

  /** Sends queued chunks now; resolves when every earlier write is acknowledged. */
  flush(): Promise<void> {
    const batch = this.takePending();
    return this.enqueue(() =>
      batch ? this.handle.executeUpdate(appendChunksUpdate, { args: [this.lease, batch] }) : undefined,
    );
  }

  /**
   * Resolves once the workflow has durably accepted the step (with any chunks still queued before it);
   * rejects if this attempt lost its lease.
   */
  record(entry: JournalEntry): Promise<void> {
    return this.enqueue(() => {
      const batch = this.takePending();
      return this.handle.executeUpdate(recordStepUpdate, {
        args: [this.lease, entry, batch ?? null],
        // The update ID is what the Web UI shows for the history event: name the step.
        updateId: `step ${entry.key} ${entry.kind} ${entry.name} (attempt ${this.attemptLabel})`,
      });
    });
  }

  /**
   * Reports the step in flight (for the `progress` query) if it is still running after
   * `STEP_REPORT_DELAY_MS`; returns the function that cancels the report. Fast steps are never reported: a
   * signal costs a workflow task, which would queue in front of the step's own recordStep update.
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

  /** Stops the flush timer (queued chunks are dropped; call flush() first to keep them). */
  close(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  private get attemptLabel(): string {
    return `${this.lease.execution}.${this.lease.attempt}`;
  }

  private takePending(): ChunkBatch | undefined {
    this.close();
    const batch = this.pending;
    this.pending = undefined;
    return batch;
  }

  private enqueue<T>(write: () => Promise<T> | T | undefined): Promise<void> {
    const next = this.queue.then(write);
    // One failed write must not wedge the queue for the ones after it; each caller still sees its own error.
    this.queue = next.catch(() => undefined);
    return next.then(() => undefined);
  }
}
