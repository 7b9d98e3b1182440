// The workflow's real journal state behind a journal transport, in-process: each call runs the Update's validator
// and handler the way the workflow does, so attempts can be driven against it without a server or a worker.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { JournalTransport } from '../../src/worker/journal/journal-writer';
import type { JournalWrite } from '../../src/common/types';
import type { FlowJournalState } from '../../src/workflows/journal-state';

/** Runs an Update's validator the way the client reports a rejection (WorkflowUpdateFailedError around it). */
function validated(validator: () => void): void {
  try {
    validator();
  } catch (err) {
    throw new WorkflowUpdateFailedError('Workflow Update failed', err as Error);
  }
}

/** A transport onto `state`; every write it is asked to send is copied into `sent` (refused ones too). */
export function inProcessTransport(state: FlowJournalState, sent: JournalWrite[] = []): JournalTransport {
  return {
    claim: async (lease) => {
      validated(() => state.assertCanClaim(lease));
      return state.claim(lease);
    },
    page: async (from) => state.page(from),
    write: async (lease, w) => {
      sent.push(structuredClone(w));
      validated(() => state.assertCanWrite(lease, w));
      return state.write(w, 0, lease);
    },
  };
}

/** The failure type a validator threw (decisions are made on it, never on the message). */
export function rejectionType(fn: () => void): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof ApplicationFailure ? (err.type ?? undefined) : 'not an ApplicationFailure';
  }
  return undefined;
}
