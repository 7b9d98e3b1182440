// A stopping worker aborts its flow attempts. A journal call already sent (a claim, a page read, a write) waits for
// a workflow task; if no worker polls workflow tasks any more, that wait never ends, and the attempt, and with it
// the worker's shutdown, would hang on it. The abort must end the wait at once.
import { describe, expect, it } from 'vitest';
import { JournalWriter, type JournalTransport } from '../../../../src/worker/journal/journal-writer';
import type { AttemptLease, JournalEntry } from '../../../../src/common/types';

const lease: AttemptLease = { execution: 1, attempt: 2 };
const entry: JournalEntry = { key: '0', kind: 'step', name: 's0', output: 'x' };
const never = () => new Promise<never>(() => undefined);
/** A transport whose every call is accepted and never answered (the workflow task that would answer it never runs). */
const unanswered: JournalTransport = { claim: never, page: never, write: never };

class StopReason extends Error {}

describe('a journal call in flight when the attempt is aborted', () => {
  it.each([
    ['a claim', (w: JournalWriter) => w.claim()],
    ['a write', (w: JournalWriter) => w.record(entry)],
    ['a flush', (w: JournalWriter) => (w.chunk(0, 'c'), w.flush())],
  ])('%s rejects with the abort reason as soon as the signal fires', async (_what, call) => {
    const abort = new AbortController();
    const writer = new JournalWriter(unanswered, lease, abort.signal);
    const pending = call(writer);
    const reason = new StopReason('worker stopping');
    setTimeout(() => abort.abort(reason), 5);
    await expect(pending).rejects.toBe(reason);
  });

  it('a writer aborted before the call never sends it', async () => {
    const abort = new AbortController();
    abort.abort(new StopReason('already stopped'));
    let sent = 0;
    const counting: JournalTransport = { claim: () => (sent++, never()), page: never, write: never };
    await expect(new JournalWriter(counting, lease, abort.signal).claim()).rejects.toBeInstanceOf(StopReason);
    expect(sent).toBe(0);
  });
});
