// The workflow-side rules of the journal, as pure logic: lease fencing, chunk offsets, pending input.
import { describe, expect, it } from 'vitest';
import { FlowJournalState } from '../../src/workflows/journal-state';
import { validateJsonSchema } from '../../src/workflows/json-schema';

const entry = (key: string) => ({ key, kind: 'step' as const, name: `s${key}`, output: key });

describe('attempt lease', () => {
  it('fences out a zombie attempt once a newer attempt has claimed the run', () => {
    const state = new FlowJournalState('f');
    const first = { execution: 1, attempt: 1 };
    const second = { execution: 1, attempt: 2 };
    expect(state.claim(first)).toEqual({ entries: [], chunkCount: 0 });
    state.assertCanRecord(first, [entry('0')], null);
    state.record([entry('0')], null);
    expect(() => state.assertCanClaim(second)).not.toThrow();
    expect(state.claim(second).entries).toEqual([entry('0')]);
    expect(() => state.assertCanRecord(first, [entry('1')], null)).toThrow(
      /stale flow attempt 1.1: attempt 1.2 holds the run/,
    );
    expect(() => state.assertCanClaim(first)).toThrow(/stale/);
    expect(() => state.assertCanRecord(second, [entry('1'), entry('0')], null)).toThrow(/already recorded/);
  });

  it('orders leases by execution first, then attempt', () => {
    const state = new FlowJournalState('f');
    state.claim({ execution: 1, attempt: 5 });
    expect(() => state.assertCanClaim({ execution: 2, attempt: 1 })).not.toThrow();
    state.claim({ execution: 2, attempt: 1 });
    expect(() => state.assertCanClaim({ execution: 1, attempt: 9 })).toThrow(/stale/);
  });
});

describe('chunks', () => {
  it('stores each offset once and rejects gaps', () => {
    const state = new FlowJournalState('f');
    const lease = { execution: 1, attempt: 1 };
    state.claim(lease);
    state.appendChunks({ offset: 0, chunks: ['a', 'b'] });
    state.appendChunks({ offset: 1, chunks: ['b', 'c'] }); // a replay re-sends b
    expect(state.chunks).toEqual(['a', 'b', 'c']);
    expect(() => state.assertCanAppend(lease, { offset: 5, chunks: ['x'] })).toThrow(/gap/);
    expect(() => state.assertCanAppend({ execution: 0, attempt: 1 }, { offset: 3, chunks: ['d'] })).toThrow(/stale/);
  });
});

describe('pending input', () => {
  it('accepts only the awaited name and a value matching the schema, then records it under the wait key', () => {
    const state = new FlowJournalState('f');
    expect(() => state.assertCanProvide('approval', true)).toThrow(/not waiting/);
    state.awaitInput({ name: 'approval', key: '3', schema: { type: 'boolean' }, hasDefault: false }, new Date(0));
    expect(state.progress()).toMatchObject({
      status: 'waiting',
      pendingInputs: [{ name: 'approval', requestedAt: '1970-01-01T00:00:00.000Z' }],
    });
    expect(() => state.assertCanProvide('other', true)).toThrow(/waiting for input "approval", not "other"/);
    expect(() => state.assertCanProvide('approval', 'yes')).toThrow(/must be boolean, got string/);
    state.provide(true);
    expect(state.entries()).toEqual([{ key: '3', kind: 'input', name: 'approval', output: true }]);
    expect(state.isWaiting).toBe(false);
  });

  it('records the default on timeout, and reports when there is none', () => {
    const state = new FlowJournalState('f');
    state.awaitInput({ name: 'a', key: '0', hasDefault: true, defaultValue: null, timeoutMs: 5 }, new Date(0));
    expect(state.progress().pendingInputs[0].expiresAt).toBe('1970-01-01T00:00:00.005Z');
    expect(state.timeOut()).toBe(true);
    expect(state.entries()[0].output).toBeNull();
    state.awaitInput({ name: 'b', key: '1', hasDefault: false }, new Date(0));
    expect(state.timeOut()).toBe(false);
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
