// Names of the messages the runGenkitFlow workflow answers. Imported by the workflow sandbox and by
// Node code (activity, client), so it may import only @temporalio/workflow and ../types.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AttemptLease, FlowProgress, JournalEntry, SerializedFlowError, StepInFlight } from '../types';

/** A new flow attempt takes over the run and receives the journal to replay. Older attempts lose their lease. */
export const claimAttemptUpdate = defineUpdate<JournalEntry[], [AttemptLease]>('genkit.claimAttempt');

/** Appends one completed step. Rejected unless the caller holds the current lease (zombie attempts cannot write). */
export const recordStepUpdate = defineUpdate<void, [AttemptLease, JournalEntry]>('genkit.recordStep');

/** Informational: the attempt started a step. Fire-and-forget, so it costs the flow no round trip. */
export const stepStartedSignal = defineSignal<[AttemptLease, StepInFlight]>('genkit.stepStarted');

/** Informational: the attempt failed and will be retried (or not); shown as `lastError` in progress. */
export const attemptFailedSignal = defineSignal<[AttemptLease, SerializedFlowError]>('genkit.attemptFailed');

/** Steps completed, the step in flight, the attempt and the last error. */
export const progressQuery = defineQuery<FlowProgress>('progress');

/** The journal as recorded so far. */
export const journalQuery = defineQuery<JournalEntry[]>('genkit.journal');
