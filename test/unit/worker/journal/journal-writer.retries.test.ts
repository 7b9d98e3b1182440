// A journal write meets the server's refusals: which ones it waits out (same Update ID) and which fail the attempt.
// From the third failed or timed-out workflow task on, Temporal refuses every Update with FAILED_PRECONDITION
// (WorkflowNotReady) until a task completes; under rolling restarts that refusal is temporary and must not fail a
// healthy run (it once did, in the rolling-SIGTERM test). A server that is restarting (UNAVAILABLE) is waited out
// just as long: the step's result was paid for, and giving up would run it again.
import { ServiceError } from '@temporalio/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GrpcStatus as status } from '../../../../src/client/grpc-errors';
import { JournalWriter, type JournalTransport } from '../../../../src/worker/journal/journal-writer';
import type { AttemptLease, JournalEntry, JournalWrite } from '../../../../src/common/types';
import { FlowJournalState } from '../../../../src/workflows/journal-state';

const lease: AttemptLease = { execution: 1, attempt: 1 };
const entry: JournalEntry = { key: '0', kind: 'step', name: 's0', output: 'x' };

/** The client's error for an Update RPC the server refused with `code` (as `rethrowGrpcError` builds it). */
function refused(code: number): ServiceError {
  return new ServiceError('Workflow Update failed', { cause: Object.assign(new Error('refused'), { code }) });
}

/** A transport whose writes fail with `code` for the first `failures` tries, then apply; it records Update IDs. */
function flakyTransport(code: number, failures: number, ids: string[]): JournalTransport {
  const state = new FlowJournalState('f');
  state.claim(lease);
  return {
    claim: async () => state.claim(lease),
    page: async (from) => state.page(from),
    write: async (l, w: JournalWrite, updateId) => {
      ids.push(updateId);
      if (ids.length <= failures) throw refused(code);
      return state.write(w, 0, l);
    },
  };
}

describe('journal write retries', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it.each([
    ['"workflow not ready" (FAILED_PRECONDITION)', status.FAILED_PRECONDITION],
    ['a server that is restarting (UNAVAILABLE)', status.UNAVAILABLE],
  ])('waits out %s for longer than its usual retries, one Update ID', async (_what, code) => {
    const ids: string[] = [];
    const writer = new JournalWriter(flakyTransport(code, 20, ids), lease);
    const done = writer.record(entry);
    await vi.advanceTimersByTimeAsync(50_000);
    await expect(done).resolves.toBeUndefined();
    expect(ids).toHaveLength(21);
    expect(new Set(ids).size).toBe(1);
  });

  it.each([status.FAILED_PRECONDITION, status.UNAVAILABLE])(
    'gives up on gRPC code %i after its window and fails the attempt',
    async (code) => {
      const ids: string[] = [];
      const writer = new JournalWriter(flakyTransport(code, 1_000, ids), lease);
      const done = writer.record(entry);
      const outcome = expect(done).rejects.toBeInstanceOf(Error);
      await vi.advanceTimersByTimeAsync(120_000);
      await outcome;
      expect(ids.length).toBeGreaterThan(8);
      expect(ids.length).toBeLessThan(60);
    },
  );

  it('keeps the usual retries for other transient codes (DEADLINE_EXCEEDED)', async () => {
    const ids: string[] = [];
    const writer = new JournalWriter(flakyTransport(status.DEADLINE_EXCEEDED, 1_000, ids), lease);
    const done = writer.record(entry);
    const outcome = expect(done).rejects.toBeInstanceOf(Error);
    await vi.advanceTimersByTimeAsync(120_000);
    await outcome;
    expect(ids).toHaveLength(8);
  });

  it('fails at once on a refusal no retry can fix (INVALID_ARGUMENT)', async () => {
    const ids: string[] = [];
    const writer = new JournalWriter(flakyTransport(status.INVALID_ARGUMENT, 1, ids), lease);
    await expect(writer.record(entry)).rejects.toMatchObject({ status: 'FAILED_PRECONDITION' });
    expect(ids).toHaveLength(1);
  });
});

describe('journal write Update IDs', () => {
  it('name the first step for the history view, and with encrypted payloads only the attempt and the write number', async () => {
    for (const [nameless, expected] of [
      [false, 'step 0 step s0 (attempt 1.1 write 1)'],
      [true, 'journal write 1 (attempt 1.1)'],
    ] as const) {
      const ids: string[] = [];
      const writer = new JournalWriter(flakyTransport(status.UNAVAILABLE, 0, ids), lease, undefined, nameless);
      writer.claimWithFirstWrite();
      await writer.record(entry);
      expect(ids).toEqual([expected]);
    }
  });
});
