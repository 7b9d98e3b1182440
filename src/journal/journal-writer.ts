// The activity's side of the journal protocol: claim the run, append steps, report progress.
// Every write names the attempt's lease, so the workflow can refuse writes from a superseded (zombie) attempt.
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { AttemptLease, JournalEntry, SerializedFlowError, StepInFlight } from '../types';
import { attemptFailedSignal, claimAttemptUpdate, recordStepUpdate, stepStartedSignal } from '../workflows/messages';

/** Appends to one workflow's journal on behalf of one attempt. */
export class JournalWriter {
  private readonly handle: WorkflowHandle;

  constructor(client: Client, workflowId: string, runId: string, readonly lease: AttemptLease) {
    this.handle = client.workflow.getHandle(workflowId, runId);
  }

  /** Takes the run over from any older attempt and returns the steps recorded so far. */
  claim(): Promise<JournalEntry[]> {
    return this.handle.executeUpdate(claimAttemptUpdate, { args: [this.lease] });
  }

  /** Resolves once the workflow has durably accepted the step; rejects if this attempt lost its lease. */
  record(entry: JournalEntry): Promise<void> {
    return this.handle.executeUpdate(recordStepUpdate, { args: [this.lease, entry] });
  }

  /** Best effort and not awaited by the flow: progress reporting must never slow a step down. */
  stepStarted(step: StepInFlight): void {
    this.handle.signal(stepStartedSignal, this.lease, step).catch(() => undefined);
  }

  async attemptFailed(error: SerializedFlowError): Promise<void> {
    await this.handle.signal(attemptFailedSignal, this.lease, error).catch(() => undefined);
  }
}
