// The workflow-side rules of the journal, as pure logic: lease fencing, chunk offsets, inputs, limits.
import { describe, expect, it } from 'vitest';
import { MAX_EARLY_INPUTS, MAX_JOURNAL_BYTES } from '../../../src/common/defaults';
import { FailureTypes, type JournalEntry } from '../../../src/common/types';
import { FlowJournalState } from '../../../src/workflows/journal-state';
import { rejectionType } from '../../helpers/in-process-journal';
import { validateJsonSchema } from '../../../src/workflows/json-schema';

const entry = (key: string, extra: Partial<JournalEntry> = {}): JournalEntry => ({
  key,
  kind: 'step',
  name: `s${key}`,
  output: key,
  ...extra,
});
const write = (
  entries: JournalEntry[],
  more: { retract?: string[]; chunks?: { offset: number; chunks: unknown[] } } = {},
) => ({
  entries,
  chunks: more.chunks ?? null,
  retract: more.retract,
});

describe('attempt lease', () => {
  it('fences out a zombie attempt once a newer attempt has claimed the run', () => {
    const state = new FlowJournalState('f');
    const first = { execution: 1, attempt: 1 };
    const second = { execution: 2, attempt: 1 };
    expect(state.claim(first)).toEqual({ entryCount: 0, journalBytes: 0, chunkCount: 0 });
    state.assertCanWrite(first, write([entry('0')]));
    state.write(write([entry('0')]));
    expect(() => state.assertCanClaim(second)).not.toThrow();
    expect(state.claim(second)).toMatchObject({ entryCount: 1 });
    expect(state.page(0).entries).toEqual([entry('0')]);
    expect(rejectionType(() => state.assertCanWrite(first, write([entry('1')])))).toBe(FailureTypes.staleAttempt);
    expect(rejectionType(() => state.assertCanClaim(first))).toBe(FailureTypes.staleAttempt);
    expect(rejectionType(() => state.assertCanWrite(second, write([entry('1'), entry('0')])))).toBe(
      FailureTypes.journalWriteRejected,
    );
  });

  it('orders leases by execution first, then attempt', () => {
    const state = new FlowJournalState('f');
    state.claim({ execution: 1, attempt: 5 });
    expect(() => state.assertCanClaim({ execution: 2, attempt: 1 })).not.toThrow();
    state.claim({ execution: 2, attempt: 1 });
    expect(rejectionType(() => state.assertCanClaim({ execution: 1, attempt: 9 }))).toBe(FailureTypes.staleAttempt);
  });
});

describe('journal', () => {
  it('retracts only retryable failures, and only for the lease holder', () => {
    const state = new FlowJournalState('f');
    const lease = { execution: 1, attempt: 1 };
    state.claim(lease);
    const failed = entry('0', {
      output: undefined,
      error: { message: 'busy', status: 'UNAVAILABLE' },
      retryable: true,
    });
    state.write(write([failed, entry('1')]));
    expect(rejectionType(() => state.assertCanWrite(lease, write([], { retract: ['1'] })))).toBe(
      FailureTypes.journalWriteRejected,
    );
    state.assertCanWrite(lease, write([], { retract: ['0'] }));
    state.write(write([], { retract: ['0'] }));
    expect(state.entries().map((e) => e.key)).toEqual(['1']);
  });

  it('pages entries by size, at least one per page, in recording order', () => {
    const state = new FlowJournalState('f');
    state.claim({ execution: 1, attempt: 1 });
    const big = 'x'.repeat(600 * 1024);
    state.write(write([entry('0', { output: big }), entry('1', { output: big }), entry('2')]));
    const first = state.page(0);
    expect(first.entries.map((e) => e.key)).toEqual(['0']);
    expect(state.page(first.next!).entries.map((e) => e.key)).toEqual(['1', '2']);
    expect(state.page(1).next).toBeUndefined();
    expect(() => state.page(-1)).toThrow();
  });

  it('refuses a write past the journal budget with JournalLimitExceeded', () => {
    const state = new FlowJournalState('f');
    const lease = { execution: 1, attempt: 1 };
    state.claim(lease);
    const huge = entry('0', { output: 'x'.repeat(MAX_JOURNAL_BYTES) });
    expect(rejectionType(() => state.assertCanWrite(lease, write([huge])))).toBe(FailureTypes.journalLimit);
  });

  it('asks to continue as new once the execution has taken its budget of Updates', () => {
    const state = new FlowJournalState('f');
    state.continueAsNewAfter = 3;
    state.claim({ execution: 1, attempt: 1 });
    expect(state.write(write([entry('0')]))).toEqual({ continueAsNew: false, updates: 2 });
    expect(state.write(write([entry('1')]))).toEqual({ continueAsNew: true, updates: 3 });
  });

  it('carries the journal, counters, early inputs and answered keys into the next execution', () => {
    const state = new FlowJournalState('f');
    state.claim({ execution: 1, attempt: 1 });
    state.write(write([entry('0')], { chunks: { offset: 0, chunks: ['a', 'b'] } }));
    state.receive('later', 42, new Date(0), 'key-1');
    const { pages } = state.pages();
    const next = new FlowJournalState('f', state.continued('run-1'), pages.flat());
    expect(next.entries()).toEqual([entry('0')]);
    expect(next.totalChunks).toBe(2);
    expect(next.readChunks(0)).toMatchObject({ chunks: [], base: 2, previousRunId: 'run-1' });
    expect(next.progress()).toMatchObject({ earlyInputs: ['later'], continuations: 1 });
    next.receive('later', 43, new Date(0), 'key-1'); // a retry of an answer given before the continue-as-new
    expect(next.progress().earlyInputs).toEqual(['later']);
  });

  it('counts failovers in a row without progress, and starts over when the flow made progress', () => {
    const state = new FlowJournalState('f');
    state.claim({ execution: 1, attempt: 1 });
    expect(state.failover(0, 2)).toBe(true);
    expect(state.failover(0, 2)).toBe(true);
    expect(state.failover(0, 2)).toBe(false);
    state.write(write([entry('0')]));
    expect(state.failover(0, 2)).toBe(true);
    expect(state.progress().failovers).toBe(4);
  });
});

describe('chunks', () => {
  it('stores each offset once and rejects gaps', () => {
    const state = new FlowJournalState('f');
    const lease = { execution: 1, attempt: 1 };
    state.claim(lease);
    state.write(write([], { chunks: { offset: 0, chunks: ['a', 'b'] } }));
    state.write(write([], { chunks: { offset: 1, chunks: ['b', 'c'] } })); // a replay re-sends b
    expect(state.chunks).toEqual(['a', 'b', 'c']);
    expect(state.readChunks(1).chunks).toEqual(['b', 'c']);
    expect(rejectionType(() => state.assertCanWrite(lease, write([], { chunks: { offset: 5, chunks: ['x'] } })))).toBe(
      FailureTypes.journalWriteRejected,
    );
    expect(() => state.readChunks(-1)).toThrow();
    expect(() => state.readChunks(0.5)).toThrow();
    expect(() => state.readChunks(Number.NaN)).toThrow();
  });
});

describe('inputs', () => {
  it('accepts only a value matching the awaited schema, then records it under the wait key', () => {
    const state = new FlowJournalState('f');
    state.awaitInput({ name: 'approval', key: '3', schema: { type: 'boolean' }, hasDefault: false }, new Date(0));
    expect(state.progress()).toMatchObject({
      status: 'waiting',
      pendingInputs: [{ name: 'approval', requestedAt: '1970-01-01T00:00:00.000Z' }],
    });
    expect(rejectionType(() => state.assertCanProvide('approval', 'yes'))).toBe(FailureTypes.invalidInput);
    state.assertCanProvide('approval', true);
    state.receive('approval', true, new Date(0));
    expect(state.entries()).toEqual([{ key: '3', kind: 'input', name: 'approval', output: true }]);
    expect(state.isWaiting).toBe(false);
  });

  it('records who answered with the answer, for a waiting input and for an early one', () => {
    const state = new FlowJournalState('f');
    const ana = { by: 'ana@example.com', via: 'approval-link', linkId: 'l1' };
    state.awaitInput({ name: 'approval', key: '0', schema: { type: 'boolean' }, hasDefault: false }, new Date(0));
    state.assertCanProvide('approval', true, 'k0', ana);
    state.receive('approval', true, new Date(0), 'k0', ana);
    const bob = { by: 'bob', via: 'api' };
    state.receive('later', 'x', new Date(0), 'k1', bob); // early: kept with its provenance
    const next = new FlowJournalState('f', state.continued('run-1'), state.pages().pages.flat());
    next.awaitInput({ name: 'later', key: '1', hasDefault: false }, new Date(0));
    expect(next.entries()).toEqual([
      { key: '0', kind: 'input', name: 'approval', output: true, answeredBy: ana },
      { key: '1', kind: 'input', name: 'later', output: 'x', answeredBy: bob },
    ]);
  });

  it('refuses a malformed provenance before anything is recorded', () => {
    const state = new FlowJournalState('f');
    state.awaitInput({ name: 'approval', key: '0', hasDefault: false }, new Date(0));
    for (const bad of [
      { by: '', via: 'api' },
      { by: 'a' },
      { by: 'a', via: 'x'.repeat(300) },
      'ana',
      { by: 1, via: 'api' },
    ]) {
      expect(rejectionType(() => state.assertCanProvide('approval', true, undefined, bad as never))).toBe(
        FailureTypes.invalidInput,
      );
    }
    state.assertCanProvide('approval', true, undefined, { by: 'ana', via: 'api' });
  });

  it('keeps an early answer and delivers it when the run waits for it; a bad early value leaves the wait open', () => {
    const state = new FlowJournalState('f');
    state.assertCanProvide('approval', true);
    state.receive('approval', 'not a boolean', new Date(0));
    state.receive('approval', true, new Date(0));
    expect(state.progress().earlyInputs).toEqual(['approval', 'approval']);
    state.awaitInput({ name: 'approval', key: '0', schema: { type: 'boolean' }, hasDefault: false }, new Date(0));
    expect(state.isWaiting).toBe(false);
    expect(state.entries()).toEqual([{ key: '0', kind: 'input', name: 'approval', output: true }]);

    state.receive('other', 1, new Date(0));
    state.awaitInput({ name: 'other', key: '1', schema: { type: 'string' }, hasDefault: false }, new Date(0));
    expect(state.isWaiting).toBe(true);
    expect(state.progress().pendingInputs[0].rejected).toMatch(/must be string/);
  });

  it('applies an answer key once, even to a later wait for the same name', () => {
    const state = new FlowJournalState('f');
    state.awaitInput({ name: 'ok', key: '0', hasDefault: false }, new Date(0));
    state.receive('ok', 1, new Date(0), 'k');
    state.awaitInput({ name: 'ok', key: '1', hasDefault: false }, new Date(0));
    state.assertCanProvide('ok', 2, 'k'); // a retried call passes validation …
    state.receive('ok', 2, new Date(0), 'k'); // … and changes nothing
    expect(state.isWaiting).toBe(true);
    expect(state.entries()).toHaveLength(1);
  });

  it('bounds the values kept for later, and refuses input once the run has ended', () => {
    const state = new FlowJournalState('f');
    for (let i = 0; i < MAX_EARLY_INPUTS; i++) state.receive(`n${i}`, i, new Date(0));
    expect(rejectionType(() => state.assertCanProvide('one-more', 1))).toBe(FailureTypes.journalLimit);
    state.status = 'completed';
    expect(rejectionType(() => state.assertCanProvide('n0', 1))).toBe(FailureTypes.notAccepted);
  });

  it('records the default on timeout, reports when there is none, and survives an answer in the same activation', () => {
    const state = new FlowJournalState('f');
    state.awaitInput({ name: 'a', key: '0', hasDefault: true, defaultValue: null, timeoutMs: 5 }, new Date(0));
    expect(state.progress().pendingInputs[0].expiresAt).toBe('1970-01-01T00:00:00.005Z');
    expect(state.timeOut()).toBe(true);
    expect(state.entries()[0].output).toBeNull();
    state.awaitInput({ name: 'b', key: '1', hasDefault: false }, new Date(0));
    expect(state.timeOut()).toBe(false);
    state.receive('b', 'late', new Date(0)); // the value and the timer fire in the same activation
    expect(state.timeOut()).toBe(true);
  });
});

describe('validateJsonSchema', () => {
  const schema = {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1 },
      age: { type: 'integer', minimum: 0 },
      tags: { type: 'array', items: { type: 'string' }, maxItems: 2 },
      mode: { enum: ['a', 'b'] },
      note: { type: ['string', 'null'] },
      pick: { anyOf: [{ type: 'number' }, { type: 'boolean' }] },
    },
    required: ['name'],
    additionalProperties: false,
  };
  it('accepts a valid value', () => {
    expect(validateJsonSchema({ name: 'x', age: 3, tags: ['t'], mode: 'a', note: null, pick: true }, schema)).toEqual(
      [],
    );
  });
  it('lists every problem with its path', () => {
    expect(validateJsonSchema({ age: 1.5, tags: ['t', 2, 'u'], mode: 'c', extra: 1, pick: 'no' }, schema)).toEqual([
      '$.name: is required',
      '$.age: must be integer, got number',
      '$.tags: must have at most 2 items',
      '$.tags[1]: must be string, got number',
      '$.mode: must be one of "a", "b"',
      '$.extra: is not allowed',
      '$.pick: matches none of the allowed shapes',
    ]);
  });
  it('treats a missing schema as anything goes', () => {
    expect(validateJsonSchema({ anything: [1] }, undefined)).toEqual([]);
  });
});
