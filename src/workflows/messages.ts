// Names of the messages the runGenkitFlow workflow answers. Imported by the workflow sandbox and by
// Node code (activity, client), so it may import only @temporalio/workflow and ../types.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AttemptLease,
  ChunkBatch,
  ClaimedRun,
  FlowProgress,
  JournalEntry,
  SerializedFlowError,
  StepInFlight,
} from '../types';

/** A new flow attempt takes over the run and receives the journal to replay. Older attempts lose their lease. */
export const claimAttemptUpdate = defineUpdate<ClaimedRun, [AttemptLease]>('genkit.claimAttempt');

/**
 * Appends completed steps (several when they completed in parallel), with the chunks streamed since the last
 * write, so a recorded step never outruns its chunks. Rejected unless the caller holds the current lease:
 * zombie attempts cannot write.
 */
export const recordStepsUpdate = defineUpdate<void, [AttemptLease, JournalEntry[], ChunkBatch | null]>(
  'genkit.recordSteps',
);

/** Appends streamed chunks at their offsets; chunks already stored (replays re-send them) are ignored. */
export const appendChunksUpdate = defineUpdate<void, [AttemptLease, ChunkBatch]>('genkit.appendChunks');

/** Informational: the attempt started a step. Fire-and-forget, so it costs the flow no round trip. */
export const stepStartedSignal = defineSignal<[AttemptLease, StepInFlight]>('genkit.stepStarted');

/** Informational: the attempt failed and will be retried (or not); shown as `lastError` in progress. */
export const attemptFailedSignal = defineSignal<[AttemptLease, SerializedFlowError]>('genkit.attemptFailed');

/**
 * Answers the input the run waits for (`waitForInput`, or a tool interrupt). The validator rejects a wrong name
 * or a value that does not match the requested schema, and the run keeps waiting.
 */
export const provideInputUpdate = defineUpdate<void, [name: string, value: unknown]>('genkit.provideInput');

/** Steps completed, the step in flight, the attempt, the last error and the inputs the run waits for. */
export const progressQuery = defineQuery<FlowProgress>('progress');

/** The journal as recorded so far. */
export const journalQuery = defineQuery<JournalEntry[]>('genkit.journal');

/** Chunks streamed so far, from `offset` on; `done` once the run has completed or failed. */
export const chunksQuery = defineQuery<ChunkBatch & { done: boolean }, [number]>('genkit.chunks');
