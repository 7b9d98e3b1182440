// Errors replayed from the journal or carried in a failure keep what identifies them (src/common/errors.ts), and values
// thrown that are not Errors still say what went wrong.
import { createRequire } from 'node:module';
import { GenkitError } from 'genkit';
import { describe, expect, it } from 'vitest';
import {
  MAX_THROWN_VALUE_JSON_CHARS,
  isGenkitError,
  isRetryable,
  serializeError,
  toApplicationFailure,
} from '../../../src/common/errors';
import type { FlowFailureDetails } from '../../../src/common/failures';
import { deserializeError } from '../../../src/worker/journal/deserialize-error';
import { ToolDeniedError } from '../../../src/worker/journal/interrupts';
import type { FlowRetryPolicy, SerializedFlowError } from '../../../src/common/types';

const retry: Required<FlowRetryPolicy> = {
  maximumAttempts: 5,
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '10s',
};

/** What the journal does: serialize, store as JSON, read back. */
const replay = (err: unknown) => deserializeError(JSON.parse(JSON.stringify(serializeError(err))));

class QuotaError extends GenkitError {
  constructor(readonly plan: string) {
    super({ status: 'RESOURCE_EXHAUSTED', message: `quota of plan ${plan} used up`, detail: { plan } });
    this.name = 'QuotaError';
  }
}
/** A subclass that forgot to set `name`, as many do. */
class UnnamedGenkitError extends GenkitError {}
class UnnamedError extends Error {}

describe('a replayed error keeps name, status, detail and Retry-After', () => {
  it('ToolDeniedError stays recognisable by name, status and detail', () => {
    const original = new ToolDeniedError('deleteAccount', 'not today');
    expect(original.name).toBe('ToolDeniedError');
    const restored = replay(original) as GenkitError;
    expect(restored).toBeInstanceOf(GenkitError);
    expect(restored.name).toBe('ToolDeniedError');
    expect(restored.status).toBe('PERMISSION_DENIED');
    expect(restored.detail).toEqual({ tool: 'deleteAccount', reason: 'not today' });
    expect(restored.message).toBe(original.message);
    expect(restored.originalMessage).toBe(original.originalMessage);
    expect(isRetryable(restored)).toBe(false);
  });

  it('a user GenkitError subclass keeps its name and Retry-After, and its stack says its name', () => {
    const original = new QuotaError('free');
    original.responseMetadata = { retryAfterMs: 30_000 };
    const restored = replay(original) as GenkitError;
    expect(restored.name).toBe('QuotaError');
    expect(restored.status).toBe('RESOURCE_EXHAUSTED');
    expect(restored.message).toBe('RESOURCE_EXHAUSTED: quota of plan free used up');
    expect(restored.detail).toEqual({ plan: 'free' });
    expect(restored.responseMetadata?.retryAfterMs).toBe(30_000);
    expect(restored.stack?.startsWith('QuotaError: RESOURCE_EXHAUSTED: quota of plan free used up')).toBe(true);
    expect(String(restored)).toBe('QuotaError: RESOURCE_EXHAUSTED: quota of plan free used up');
  });

  it('a subclass that did not set name is named by its class', () => {
    expect(serializeError(new UnnamedGenkitError({ status: 'ABORTED', message: 'x' })).name).toBe('UnnamedGenkitError');
    expect(replay(new UnnamedError('y')).name).toBe('UnnamedError');
    // Plain GenkitErrors and Errors keep their base names.
    expect(replay(new GenkitError({ status: 'ABORTED', message: 'x' })).name).toBe('GenkitError');
    expect(replay(new Error('y')).name).toBe('Error');
  });

  it('a plain (non-Genkit) error subclass keeps its name and message', () => {
    const restored = replay(new RangeError('index 9 out of range'));
    expect(isGenkitError(restored)).toBe(false);
    expect(restored.name).toBe('RangeError');
    expect(restored.message).toBe('index 9 out of range');
  });

  it('replaying twice changes nothing: no stacked status prefix, same serialized form', () => {
    const original = new QuotaError('pro');
    const once = replay(original);
    const twice = replay(once);
    expect(twice.message).toBe('RESOURCE_EXHAUSTED: quota of plan pro used up');
    expect(serializeError(twice)).toEqual(serializeError(original));
  });

  it('a GenkitError from the other Genkit build (ESM vs CommonJS) replays the same way', async () => {
    const cjs = createRequire(__filename)('genkit') as typeof import('genkit');
    const esm = await import('genkit');
    for (const { GenkitError: Cls } of [cjs, esm]) {
      const restored = replay(new Cls({ status: 'NOT_FOUND', message: 'gone', detail: { id: 1 } })) as GenkitError;
      expect(restored).toMatchObject({ name: 'GenkitError', status: 'NOT_FOUND', detail: { id: 1 } });
      expect(restored.originalMessage).toBe('gone');
    }
  });

  it('a message that already carries the status prefix (error-like object without originalMessage) is not doubled', () => {
    const thrown = { name: 'GenkitError', status: 'UNAVAILABLE', message: 'UNAVAILABLE: try later' };
    expect(serializeError(thrown).message).toBe('try later');
    expect(replay(thrown).message).toBe('UNAVAILABLE: try later');
  });

  it('an unknown status in the serialized form gives a plain Error with the name kept', () => {
    const restored = deserializeError({ name: 'HttpError', status: 'TEAPOT', message: 'short and stout' });
    expect(isGenkitError(restored)).toBe(false);
    expect(restored).toMatchObject({ name: 'HttpError', message: 'short and stout' });
  });
});

describe('values thrown that are not Errors', () => {
  it.each<[string, unknown, SerializedFlowError]>([
    ['a string, as-is', 'out of coffee', { name: 'Error', message: 'out of coffee' }],
    ['a number', 42, { name: 'Error', message: '42' }],
    ['a boolean', false, { name: 'Error', message: 'false' }],
    ['a symbol', Symbol('sad'), { name: 'Error', message: 'Symbol(sad)' }],
    [
      'a function, by name (not its source)',
      function fetchUser() {},
      { name: 'Error', message: 'a function (fetchUser) was thrown' },
    ],
    ['null', null, { name: 'Error', message: 'null was thrown instead of an Error' }],
    ['undefined', undefined, { name: 'Error', message: 'undefined was thrown instead of an Error' }],
    ['a plain object, as JSON', { code: 7, why: 'nope' }, { name: 'Error', message: '{"code":7,"why":"nope"}' }],
    ['an array, as JSON', [1, 'two'], { name: 'Error', message: '[1,"two"]' }],
    [
      'an error-like object, by its message',
      { name: 'FirebaseError', message: 'denied' },
      { name: 'FirebaseError', message: 'denied' },
    ],
    ['a BigInt inside an object', { n: 10n }, { name: 'Error', message: '{"n":"10"}' }],
  ])('%s', (_label, thrown, expected) => {
    const serialized = serializeError(thrown);
    expect(serialized).toEqual(expected);
    expect(serialized.message).not.toContain('[object Object]');
    // And the failure a caller sees says the same.
    const failure = toApplicationFailure(thrown, { attempt: 1, retry });
    expect(failure.message).toBe(expected.message);
    expect((failure.details![0] as FlowFailureDetails).error).toEqual(expected);
  });

  it('keeps a valid Genkit status of a thrown plain object, and classifies it by that status', () => {
    const thrown = { status: 'INVALID_ARGUMENT', field: 'email' };
    const serialized = serializeError(thrown);
    expect(serialized).toEqual({
      name: 'Error',
      status: 'INVALID_ARGUMENT',
      message: '{"status":"INVALID_ARGUMENT","field":"email"}',
    });
    expect(isRetryable(thrown)).toBe(false);
    const failure = toApplicationFailure(thrown, { attempt: 1, retry });
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('GenkitError');
    const restored = replay(thrown) as GenkitError;
    expect(restored).toBeInstanceOf(GenkitError);
    expect(restored.status).toBe('INVALID_ARGUMENT');
  });

  it('ignores a status that is not a Genkit status', () => {
    expect(serializeError({ status: 404, body: 'x' })).toEqual({ name: 'Error', message: '{"status":404,"body":"x"}' });
    expect(isRetryable({ status: 'TEAPOT' })).toBe(true);
  });

  it('bounds the JSON of a huge object', () => {
    const huge = { items: Array.from({ length: 10_000 }, (_, i) => ({ i, text: 'lorem ipsum' })) };
    const { message } = serializeError(huge);
    expect(message.length).toBe(MAX_THROWN_VALUE_JSON_CHARS + 1);
    expect(message.startsWith('{"items":[{"i":0,')).toBe(true);
    expect(message.endsWith('…')).toBe(true);
  });

  it('survives cycles and throwing toJSON', () => {
    const cyclic: Record<string, unknown> = { id: 'a' };
    cyclic.self = cyclic;
    expect(serializeError(cyclic).message).toBe('{"id":"a","self":"[Circular]"}');
    const hostile = {
      id: 1,
      toJSON() {
        throw new Error('no');
      },
    };
    expect(serializeError(hostile).message).toBe('a thrown Object that cannot be shown as JSON (keys: id, toJSON)');
  });
});
