// Names of the messages the runGenkitFlow workflow answers. Imported by the workflow sandbox and by
// Node code (activity, client), so it may import only @temporalio/workflow and ../types.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  AnswerProvenance,
  AttemptLease,
  ClaimedRun,
  FlowProgress,
  JournalEntry,
  JournalPage,
  JournalWrite,
  JournalWriteResult,
  SerializedFlowError,
  StepInFlight,
} from '../common/types';
import type { ChunkRead } from './journal-state';

export type { ChunkRead };

/** A new flow attempt takes over the run. Older attempts lose their lease. The entries follow by `journalPageQuery`. */
export const claimAttemptUpdate = defineUpdate<ClaimedRun, [AttemptLease]>('genkit.claimAttempt');

/** The journal from entry `from` on, one page (about 1 MiB) at a time. */
export const journalPageQuery = defineQuery<JournalPage, [from: number]>('genkit.journalPage');

/**
 * Appends completed steps (several when they completed in parallel) with the chunks streamed since the last
 * write, so a recorded step never outruns its chunks. Rejected unless the caller holds the current lease:
 * zombie attempts cannot write. Answers whether the run wants to continue as new.
 */
export const recordStepsUpdate = defineUpdate<JournalWriteResult, [AttemptLease, JournalWrite]>('genkit.recordSteps');

/**
 * Informational, and sent only by activities of older versions: the attempt started a slow step. Current activities
 * publish the step in flight in their heartbeat details instead (no workflow task, no history event); the handler
 * stays so that during a rolling deploy a run whose attempt still runs on an old worker keeps showing its step
 * (the `progress` query's `stepInFlight`, which `getFlowRun` falls back to for such attempts).
 */
export const stepStartedSignal = defineSignal<[AttemptLease, StepInFlight]>('genkit.stepStarted');

/** Informational: the attempt failed and will be retried (or not); shown as `lastError` in progress. */
export const attemptFailedSignal = defineSignal<[AttemptLease, SerializedFlowError]>('genkit.attemptFailed');

/**
 * Answers an input of the run (`waitForInput`, or a tool interrupt). A value for the input the run waits for
 * must match its schema (else rejected, and the run keeps waiting); a value for an input the run has not
 * reached yet is kept and delivered when it does. The same `answerKey` twice is applied once. `answeredBy` is
 * recorded with the answer in the journal (who answered).
 */
export const provideInputUpdate = defineUpdate<
  void,
  [name: string, value: unknown, answerKey?: string, answeredBy?: AnswerProvenance]
>('genkit.provideInput');

/** Steps completed, the step in flight, the attempt, the last error and the inputs the run waits for. */
export const progressQuery = defineQuery<FlowProgress>('progress');

/** The journal of this execution as recorded so far (use `journalPageQuery` for large journals). */
export const journalQuery = defineQuery<JournalEntry[]>('genkit.journal');

/**
 * Chunks streamed so far from run-wide `offset` on (about 1 MiB at most per read); `done` once the run has
 * completed or failed. Offsets below `base` live in the execution `previousRunId` (before a continue-as-new).
 */
export const chunksQuery = defineQuery<ChunkRead, [offset: number]>('genkit.chunks');
