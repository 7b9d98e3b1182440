// The value a flow gets from waitForInput is the schema's parse of the answer (src/worker/journal/wait-for-input.ts).
import { GenkitError, z } from 'genkit';
import { describe, expect, it } from 'vitest';
import { isRetryable, serializeError } from '../../../../src/common/errors';
import { DurableRun } from '../../../../src/worker/journal/durable-run';
import type { JournalWriter } from '../../../../src/worker/journal/journal-writer';
import { InterruptAnswerSchema } from '../../../../src/worker/journal/interrupts';
import { parseInputValue, waitForInput } from '../../../../src/worker/journal/wait-for-input';

async function rejection(promise: Promise<unknown>): Promise<GenkitError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GenkitError);
  return err as GenkitError;
}

describe('parseInputValue applies the schema', () => {
  it('fills defaults, applies transforms and strips unknown keys', async () => {
    const schema = z.object({
      approved: z.boolean(),
      note: z.string().default('none'),
      amount: z.string().transform((s) => Number(s)),
      when: z.coerce.date(),
    });
    const parsed = await parseInputValue('approval', schema, {
      approved: true,
      amount: '12.5',
      when: '2024-05-01T00:00:00Z',
      injected: 'dropped',
    });
    expect(parsed).toEqual({ approved: true, note: 'none', amount: 12.5, when: new Date('2024-05-01T00:00:00Z') });
    expect(parsed).not.toHaveProperty('injected');
  });

  it('strips what the interrupt answer schema does not know', async () => {
    expect(await parseInputValue('interrupt:t', InterruptAnswerSchema, { action: 'deny', reason: 'no', x: 1 })).toEqual(
      { action: 'deny', reason: 'no' },
    );
  });

  it('hands the value on unchanged without a schema', async () => {
    const value = { anything: [1, { b: 2 }] };
    expect(await parseInputValue('free', undefined, value)).toBe(value);
  });

  it('supports async refinements', async () => {
    const schema = z.string().refine(async (s) => s.startsWith('ok'), 'must start with ok');
    expect(await parseInputValue('code', schema, 'ok-1')).toBe('ok-1');
    expect((await rejection(parseInputValue('code', schema, 'nope'))).status).toBe('INVALID_ARGUMENT');
  });

  it('refuses a value the schema rejects (a refinement JSON Schema cannot say) with a clear non-retryable error', async () => {
    const schema = z
      .object({ from: z.number(), to: z.number() })
      .refine((r) => r.from <= r.to, { message: 'from must not exceed to', path: ['from'] });
    const err = await rejection(parseInputValue('range', schema, { from: 5, to: 1 }));
    expect(err.status).toBe('INVALID_ARGUMENT');
    expect(err.message).toBe(
      'INVALID_ARGUMENT: the value for input "range" does not match its schema: $.from: from must not exceed to',
    );
    expect(err.detail).toEqual({
      input: 'range',
      issues: [{ path: ['from'], message: 'from must not exceed to', code: 'custom' }],
    });
    expect(isRetryable(err)).toBe(false);
    // It reaches the caller as such.
    expect(serializeError(err)).toMatchObject({ status: 'INVALID_ARGUMENT', detail: { input: 'range' } });
  });

  it('lists at most five issues and counts the rest', async () => {
    const schema = z.object(Object.fromEntries('abcdefg'.split('').map((k) => [k, z.number()])));
    const err = await rejection(parseInputValue('many', schema, {}));
    expect(err.message).toMatch(/\$\.e: Required \(and 2 more\)$/);
    expect((err.detail as { issues: unknown[] }).issues).toHaveLength(7);
  });
});

describe('waitForInput checks its options before waiting', () => {
  it('refuses a default that its schema rejects, at once', async () => {
    const err = await rejection(
      waitForInput('approval', { schema: z.object({ approved: z.boolean() }), default: { approved: 'yes' } as never }),
    );
    expect(err.status).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('the default of input "approval" does not match its schema: $.approved:');
  });

  it('refuses a timeout that is not a duration', async () => {
    const err = await rejection(waitForInput('approval', { timeout: 'two days' as never }));
    expect(err.status).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain(`timeout must be a duration such as '2 days' or a number of ms, got "two days"`);
  });

  it('outside a durable run, with valid options, says it needs one', async () => {
    const err = await rejection(waitForInput('approval', { schema: z.boolean(), default: false, timeout: '1h' }));
    expect(err.status).toBe('FAILED_PRECONDITION');
  });
});

// Drives the real DurableRun in-process with a journal that already holds the answer (what a resumed attempt sees).
// Depends on DurableRun's constructor: adapt here if it changes.
describe('waitForInput in a durable run', () => {
  const resumedRun = (output: unknown) =>
    new DurableRun(
      [{ key: '0', kind: 'input', name: 'approval', output }],
      { record: async () => undefined } as unknown as JournalWriter,
      undefined,
      new AbortController().signal,
    );
  const schema = z.object({ approved: z.boolean(), note: z.string().default('none') });

  it('returns the parsed answer, not the raw journaled value', async () => {
    const run = resumedRun({ approved: true, extra: 1 });
    expect(await run.enter(() => waitForInput('approval', { schema }))).toEqual({ approved: true, note: 'none' });
  });

  it('fails with INVALID_ARGUMENT when the journaled answer does not parse', async () => {
    const run = resumedRun({ approved: 'yes' });
    const err = await rejection(run.enter(() => waitForInput('approval', { schema })));
    expect(err.status).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain('the value for input "approval" does not match its schema: $.approved:');
  });
});
