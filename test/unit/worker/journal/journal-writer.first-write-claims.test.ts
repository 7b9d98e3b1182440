// The first attempt of a run skips the claim round trip: its first journal write claims the run. Fencing must
// hold exactly as with a claim: a zombie (older) attempt can never write, and nobody writes without a lease.
import { describe, expect, it } from 'vitest';
import { JournalWriter } from '../../../../src/worker/journal/journal-writer';
import { FailureTypes, type AttemptLease, type JournalEntry, type JournalWrite } from '../../../../src/common/types';
import { FlowJournalState } from '../../../../src/workflows/journal-state';
import { inProcessTransport, rejectionType } from '../../../helpers/in-process-journal';

const entry = (key: string): JournalEntry => ({ key, kind: 'step', name: `s${key}`, output: key });
const write = (entries: JournalEntry[], claim?: boolean): JournalWrite => ({ entries, chunks: null, claim });

describe('claim with the first write', () => {
  const first: AttemptLease = { execution: 1, attempt: 1 };
  const second: AttemptLease = { execution: 2, attempt: 1 };

  it('a claiming write takes the run over; a plain write without a lease is refused', () => {
    const state = new FlowJournalState('f');
    expect(rejectionType(() => state.assertCanWrite(first, write([entry('0')])))).toBe(FailureTypes.staleAttempt);
    state.assertCanWrite(first, write([entry('0')], true));
    state.write(write([entry('0')], true), 0, first);
    // The lease is now held: plain writes of the same attempt go through.
    expect(rejectionType(() => state.assertCanWrite(first, write([entry('1')])))).toBeUndefined();
  });

  it('a zombie first attempt cannot write once a newer attempt has claimed, even with a claiming write', () => {
    const state = new FlowJournalState('f');
    state.claim(second); // the first attempt was lost before it wrote anything; the second claimed
    expect(rejectionType(() => state.assertCanWrite(first, write([entry('0')], true)))).toBe(FailureTypes.staleAttempt);
    expect(rejectionType(() => state.assertCanWrite(first, write([entry('0')])))).toBe(FailureTypes.staleAttempt);
  });

  it('a claiming write of the current holder does not move the lease back or fence anybody new', () => {
    const state = new FlowJournalState('f');
    state.claim(second);
    state.assertCanWrite(second, write([entry('0')], true));
    state.write(write([entry('0')], true), 0, second);
    expect(rejectionType(() => state.assertCanClaim(first))).toBe(FailureTypes.staleAttempt);
    expect(state.page(0).entries).toEqual([entry('0')]);
  });

  it('the writer sends no claim, marks only its first write as claiming, and a no-op attempt sends nothing', async () => {
    const state = new FlowJournalState('f');
    const sent: JournalWrite[] = [];
    const writer = new JournalWriter(inProcessTransport(state, sent), first);
    expect(writer.claimWithFirstWrite()).toEqual({ entries: [] });
    await writer.flush();
    expect(sent).toEqual([]);
    await writer.record(entry('0'));
    await writer.record(entry('1'));
    expect(sent.map((w) => w.claim)).toEqual([true, undefined]);
    expect(state.entries()).toEqual([entry('0'), entry('1')]);
    writer.close();

    // A later attempt claims the usual way; the first one is fenced out from then on.
    const later = new JournalWriter(inProcessTransport(state, sent), second);
    const { entries } = await later.claim();
    expect(entries).toEqual([entry('0'), entry('1')]);
    const zombie = new JournalWriter(inProcessTransport(state, []), first);
    zombie.claimWithFirstWrite();
    await expect(zombie.record(entry('2'))).rejects.toMatchObject({ name: 'AttemptSupersededError' });
    expect(state.entryCount).toBe(2);
  });
});

// The attempt's heartbeat details carry the journal size it knows; readers hide details that are older than the
// journal (progress.stepsCompleted), so the count must match the workflow's exactly, whatever the writes did.
describe("the writer's journal size matches the workflow's", () => {
  const retryable = (key: string): JournalEntry => ({
    ...entry(key),
    output: undefined,
    retryable: true,
    error: { name: 'E', message: 'x' },
  });

  it('through claims, deferred failures written with a later step, and retractions', async () => {
    const state = new FlowJournalState('f');
    const first: AttemptLease = { execution: 1, attempt: 1 };
    const writer = new JournalWriter(inProcessTransport(state, []), first);
    writer.claimWithFirstWrite();
    await writer.record(entry('0'));
    writer.defer(retryable('1')); // the flow caught it and went on: written along with step 2
    await writer.record(entry('2'));
    expect(writer.journalSize).toBe(state.progress().stepsCompleted);
    expect(writer.journalSize).toBe(3);
    writer.defer(retryable('3'));
    await writer.record(entry('4'));
    expect(writer.forget('3')).toBe(true); // the attempt failed with step 3's failure after all
    await writer.flush();
    expect(writer.journalSize).toBe(state.progress().stepsCompleted);
    expect(writer.journalSize).toBe(4);
    writer.close();

    const later = new JournalWriter(inProcessTransport(state, []), { execution: 2, attempt: 1 });
    await later.claim();
    expect(later.journalSize).toBe(4);
    expect(later.forget('0')).toBe(false); // not written by this attempt: nothing to retract
    await later.record(entry('3'));
    expect(later.journalSize).toBe(state.progress().stepsCompleted);
  });
});
