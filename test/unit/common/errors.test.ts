// How flow errors are classified for retry and carried across Temporal (src/common/errors.ts).
import { createRequire } from 'node:module';
import { ApplicationFailure } from '@temporalio/common';
import { GenkitError } from 'genkit';
import { describe, expect, it } from 'vitest';
import { DEFAULT_NON_RETRYABLE_STATUSES } from '../../../src/common/defaults';
import {
  backoffMs,
  isGenkitError,
  isRetryable,
  serializeError,
  toApplicationFailure,
} from '../../../src/common/errors';
import type { FlowFailureDetails } from '../../../src/common/failures';
import { deserializeError } from '../../../src/worker/journal/deserialize-error';
import type { FlowRetryPolicy } from '../../../src/common/types';

type Status = GenkitError['status'];

const genkitError = (
  status: Status,
  message = 'boom',
  extra: Partial<ConstructorParameters<typeof GenkitError>[0]> = {},
) => new GenkitError({ status, message, ...extra });

// 1s, 2s, 4s, … capped at 10s.
const retry: Required<FlowRetryPolicy> = {
  maximumAttempts: 5,
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '10s',
};

const NON_RETRYABLE: Status[] = [
  'INVALID_ARGUMENT',
  'FAILED_PRECONDITION',
  'OUT_OF_RANGE',
  'PERMISSION_DENIED',
  'UNAUTHENTICATED',
  'NOT_FOUND',
  'UNIMPLEMENTED',
  'ALREADY_EXISTS',
];
const RETRYABLE: Status[] = [
  'RESOURCE_EXHAUSTED',
  'UNAVAILABLE',
  'DEADLINE_EXCEEDED',
  'ABORTED',
  'INTERNAL',
  'UNKNOWN',
];

describe('isRetryable with the default statuses', () => {
  it('the default non-retryable list is the documented one', () => {
    expect([...DEFAULT_NON_RETRYABLE_STATUSES].sort()).toEqual([...NON_RETRYABLE].sort());
  });

  it.each(NON_RETRYABLE)('%s is not retryable', (status) => {
    expect(isRetryable(genkitError(status))).toBe(false);
  });

  it.each(RETRYABLE)('%s is retryable', (status) => {
    expect(isRetryable(genkitError(status))).toBe(true);
  });

  it('plain errors (network failures, bugs) are retryable', () => {
    expect(isRetryable(new Error('ECONNRESET'))).toBe(true);
    expect(isRetryable(new TypeError('fetch failed'))).toBe(true);
    expect(isRetryable('a thrown string')).toBe(true);
  });
});

describe('isRetryable with a custom list', () => {
  it('replaces the default list instead of adding to it', () => {
    const custom = ['UNAVAILABLE'];
    expect(isRetryable(genkitError('UNAVAILABLE'), custom)).toBe(false);
    expect(isRetryable(genkitError('NOT_FOUND'), custom)).toBe(true);
    expect(isRetryable(genkitError('INVALID_ARGUMENT'), custom)).toBe(true);
  });

  it('an empty list makes every Genkit status retryable', () => {
    for (const status of NON_RETRYABLE) expect(isRetryable(genkitError(status), [])).toBe(true);
  });

  it('does not make plain errors non-retryable', () => {
    expect(isRetryable(new Error('UNAVAILABLE'), ['UNAVAILABLE'])).toBe(true);
  });
});

describe('recognising Genkit errors without instanceof', () => {
  it('accepts a plain object with a Genkit name and status', () => {
    const plain = { name: 'GenkitError', status: 'NOT_FOUND', message: 'x' };
    expect(plain instanceof GenkitError).toBe(false);
    expect(isGenkitError(plain)).toBe(true);
    expect(isRetryable(plain)).toBe(false);
    expect(serializeError(plain)).toMatchObject({ name: 'GenkitError', status: 'NOT_FOUND', message: 'x' });
  });

  it("accepts GenkitErrors from both of Genkit's builds (CommonJS and ESM define different classes)", async () => {
    const cjs = createRequire(__filename)('genkit') as typeof import('genkit');
    const esm = await import('genkit');
    // The premise: the two classes really differ, so instanceof on one misses the other.
    expect(cjs.GenkitError).not.toBe(esm.GenkitError);
    const fromCjs = new cjs.GenkitError({ status: 'PERMISSION_DENIED', message: 'no' });
    const fromEsm = new esm.GenkitError({ status: 'PERMISSION_DENIED', message: 'no' });
    expect(fromCjs instanceof esm.GenkitError).toBe(false);
    for (const err of [fromCjs, fromEsm]) {
      expect(isGenkitError(err)).toBe(true);
      expect(isRetryable(err)).toBe(false);
      const failure = toApplicationFailure(err, { attempt: 1, retry });
      expect(failure.type).toBe('GenkitError');
      expect(failure.nonRetryable).toBe(true);
      expect((failure.details?.[0] as FlowFailureDetails).error).toMatchObject({
        status: 'PERMISSION_DENIED',
        message: 'no',
      });
    }
    for (const err of [fromCjs, fromEsm]) {
      expect(isRetryable(err, [])).toBe(true);
    }
  });

  it('rejects objects whose status is not a Genkit status', () => {
    expect(isGenkitError({ name: 'GenkitError', status: 'TEAPOT', message: 'x' })).toBe(false);
    expect(isGenkitError({ name: 'HttpError', status: 404, message: 'x' })).toBe(false);
    expect(isGenkitError(null)).toBe(false);
    expect(isGenkitError(new Error('NOT_FOUND'))).toBe(false);
  });
});

describe('toApplicationFailure', () => {
  it('marks a non-retryable status non-retryable and carries status, message, detail and attempt', () => {
    const err = genkitError('INVALID_ARGUMENT', 'bad input', { detail: { field: 'name' } });
    const failure = toApplicationFailure(err, { attempt: 2, retry });
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('GenkitError');
    // The status appears once, not "INVALID_ARGUMENT: INVALID_ARGUMENT: …".
    expect(failure.message).toBe('INVALID_ARGUMENT: bad input');
    expect(failure.details).toHaveLength(1);
    const details = failure.details![0] as FlowFailureDetails;
    expect(details.attempt).toBe(2);
    expect(details.error).toMatchObject({
      name: 'GenkitError',
      status: 'INVALID_ARGUMENT',
      message: 'bad input',
      detail: { field: 'name' },
    });
    expect(failure.nextRetryDelay).toBeUndefined();
    expect(failure.cause).toBe(err);
  });

  it('leaves a retryable status retryable, with no delay override when there is no Retry-After', () => {
    const failure = toApplicationFailure(genkitError('UNAVAILABLE', 'overloaded'), { attempt: 1, retry });
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBeUndefined();
    expect((failure.details![0] as FlowFailureDetails).error).toMatchObject({
      status: 'UNAVAILABLE',
      message: 'overloaded',
    });
  });

  it('waits the Retry-After when it is longer than the backoff', () => {
    const err = genkitError('RESOURCE_EXHAUSTED', 'quota', { responseMetadata: { retryAfterMs: 1500 } });
    const failure = toApplicationFailure(err, { attempt: 1, retry });
    expect(failure.nonRetryable).toBe(false);
    expect(failure.nextRetryDelay).toBe(1500); // backoff after attempt 1 is 1000 ms
    expect((failure.details![0] as FlowFailureDetails).error.retryAfterMs).toBe(1500);
  });

  it('keeps the backoff when it is longer than the Retry-After', () => {
    const err = genkitError('RESOURCE_EXHAUSTED', 'quota', { responseMetadata: { retryAfterMs: 1500 } });
    expect(toApplicationFailure(err, { attempt: 3, retry }).nextRetryDelay).toBe(4000);
    // The backoff is capped by maximumInterval.
    expect(toApplicationFailure(err, { attempt: 10, retry }).nextRetryDelay).toBe(10_000);
  });

  it('ignores Retry-After on a non-retryable failure', () => {
    const err = genkitError('PERMISSION_DENIED', 'no', { responseMetadata: { retryAfterMs: 1500 } });
    const failure = toApplicationFailure(err, { attempt: 1, retry });
    expect(failure.nonRetryable).toBe(true);
    expect(failure.nextRetryDelay).toBeUndefined();
  });

  it('honours a custom nonRetryableStatuses list', () => {
    const ctx = { attempt: 1, retry, nonRetryableStatuses: ['UNAVAILABLE'] };
    expect(toApplicationFailure(genkitError('UNAVAILABLE'), ctx).nonRetryable).toBe(true);
    expect(toApplicationFailure(genkitError('NOT_FOUND'), ctx).nonRetryable).toBe(false);
  });

  it('turns a plain error into a retryable failure typed by its name', () => {
    const failure = toApplicationFailure(new TypeError('fetch failed'), { attempt: 1, retry });
    expect(failure.nonRetryable).toBe(false);
    expect(failure.type).toBe('TypeError');
    expect(failure.message).toBe('fetch failed');
    const details = failure.details![0] as FlowFailureDetails;
    // The workflow waits the backoff of attempt 1 (initialInterval) before attempt 2.
    expect(details).toEqual({ error: { name: 'TypeError', message: 'fetch failed' }, attempt: 1, retryDelayMs: 1000 });
  });

  it('passes an ApplicationFailure through unchanged', () => {
    const original = ApplicationFailure.nonRetryable('already shaped', 'Custom');
    expect(toApplicationFailure(original, { attempt: 1, retry })).toBe(original);
  });
});

describe('backoffMs', () => {
  it('grows by the coefficient and stops at maximumInterval', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffMs(retry, attempt))).toEqual([1000, 2000, 4000, 8000, 10_000]);
  });
});

describe('serializeError / deserializeError', () => {
  it('round-trips status, message and detail without repeating the status prefix', () => {
    const original = genkitError('NOT_FOUND', 'no such doc', { detail: { id: 7, tags: ['a'] } });
    expect(original.message).toBe('NOT_FOUND: no such doc');
    const serialized = serializeError(original);
    expect(serialized).toMatchObject({ status: 'NOT_FOUND', message: 'no such doc', detail: { id: 7, tags: ['a'] } });

    const restored = deserializeError(JSON.parse(JSON.stringify(serialized)));
    expect(isGenkitError(restored)).toBe(true);
    expect(restored).toBeInstanceOf(GenkitError);
    const g = restored as GenkitError;
    expect(g.status).toBe('NOT_FOUND');
    expect(g.message).toBe('NOT_FOUND: no such doc');
    expect(g.originalMessage).toBe('no such doc');
    expect(g.detail).toEqual({ id: 7, tags: ['a'] });

    // A second trip changes nothing: the prefix is not stacked.
    expect(serializeError(restored)).toEqual(serialized);
  });

  it('round-trips the Retry-After hint', () => {
    const original = genkitError('RESOURCE_EXHAUSTED', 'quota', { responseMetadata: { retryAfterMs: 2500 } });
    const restored = deserializeError(serializeError(original)) as GenkitError;
    expect(restored.responseMetadata?.retryAfterMs).toBe(2500);
    expect(isRetryable(restored)).toBe(true);
  });

  it('makes detail JSON-safe', () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const serialized = serializeError(genkitError('INTERNAL', 'x', { detail: { when: new Date(0), skip: undefined } }));
    expect(serialized.detail).toEqual({ when: '1970-01-01T00:00:00.000Z' });
    expect(() => JSON.stringify(serializeError(genkitError('INTERNAL', 'x', { detail: circular })))).not.toThrow();
  });

  it('keeps name and message of plain errors, and rebuilds them as plain errors', () => {
    const serialized = serializeError(new TypeError('fetch failed'));
    expect(serialized).toEqual({ name: 'TypeError', message: 'fetch failed' });
    const restored = deserializeError(serialized);
    expect(isGenkitError(restored)).toBe(false);
    expect(restored.name).toBe('TypeError');
    expect(restored.message).toBe('fetch failed');
  });

  it('serializes a thrown non-error value by its string form', () => {
    expect(serializeError('just a string')).toEqual({ name: 'Error', message: 'just a string' });
  });
});
