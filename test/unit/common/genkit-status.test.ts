// The one table of Genkit statuses (src/common/genkit-status.ts): every status Genkit has is in it, its HTTP codes
// are Genkit's own, and the HTTP API, the callables and the retry logic answer by it — with the answers they gave
// before the table existed (the expected values below are the three lists it replaced).
import { getHttpStatus } from '@genkit-ai/core';
import { GenkitError, StatusNameSchema } from 'genkit';
import { describe, expect, it } from 'vitest';
import { DEFAULT_NON_RETRYABLE_STATUSES } from '../../../src/common/defaults';
import { isGenkitError, isRetryable } from '../../../src/common/errors';
import { GENKIT_STATUSES, httpCodeOf, isGenkitStatus } from '../../../src/common/genkit-status';
import { callableCodeOf, toHttpsError } from '../../../src/firebase';
import { toHttpError } from '../../../src/http';

type Status = GenkitError['status'];

// status, HTTP code, callable code, retried by default
const BEFORE: Array<[Status, number, string, boolean]> = [
  ['OK', 200, 'internal', true],
  ['CANCELLED', 499, 'cancelled', true],
  ['UNKNOWN', 500, 'unknown', true],
  ['INVALID_ARGUMENT', 400, 'invalid-argument', false],
  ['DEADLINE_EXCEEDED', 504, 'deadline-exceeded', true],
  ['NOT_FOUND', 404, 'not-found', false],
  ['ALREADY_EXISTS', 409, 'already-exists', false],
  ['PERMISSION_DENIED', 403, 'permission-denied', false],
  ['UNAUTHENTICATED', 401, 'unauthenticated', false],
  ['RESOURCE_EXHAUSTED', 429, 'resource-exhausted', true],
  ['FAILED_PRECONDITION', 400, 'failed-precondition', false],
  ['ABORTED', 409, 'aborted', true],
  ['OUT_OF_RANGE', 400, 'out-of-range', false],
  ['UNIMPLEMENTED', 501, 'unimplemented', false],
  ['INTERNAL', 500, 'internal', true],
  ['UNAVAILABLE', 503, 'unavailable', true],
  ['DATA_LOSS', 500, 'data-loss', true],
];

describe('the Genkit status table', () => {
  it("holds exactly Genkit's statuses", () => {
    expect(Object.keys(GENKIT_STATUSES).sort()).toEqual([...StatusNameSchema.options].sort());
    expect(BEFORE.map(([s]) => s).sort()).toEqual([...StatusNameSchema.options].sort());
  });

  it.each(StatusNameSchema.options)("%s: the HTTP code is Genkit's own", (status) => {
    expect(GENKIT_STATUSES[status].http).toBe(getHttpStatus(new GenkitError({ status, message: 'm' })));
  });

  it.each(BEFORE)('%s → HTTP %i, callable %s, retryable %s', (status, http, callable, retryable) => {
    expect(GENKIT_STATUSES[status]).toEqual({ http, callable, retryable });
    // The HTTP API's response
    const response = toHttpError(new GenkitError({ status, message: 'why' }));
    expect(response.code).toBe(http);
    expect(httpCodeOf(status)).toBe(http);
    // The callable's error (INTERNAL and its kin keep their text to the logs)
    expect(callableCodeOf(status)).toBe(callable);
    const https = toHttpsError(new GenkitError({ status, message: 'why' }));
    expect(https.code).toBe(callable);
    expect(https.message).toBe(callable === 'internal' ? 'INTERNAL' : 'why');
    // The retry decision, by default and from a thrown plain object
    expect(isRetryable(new GenkitError({ status, message: 'why' }))).toBe(retryable);
    expect(isRetryable({ status, message: 'why' })).toBe(retryable);
    expect(DEFAULT_NON_RETRYABLE_STATUSES.includes(status)).toBe(!retryable);
  });

  it('anything that is not a status maps to the fallbacks and is no Genkit error', () => {
    for (const status of ['NOT_A_STATUS', 'ok', 'toString', 'constructor', '__proto__', '']) {
      expect(isGenkitStatus(status)).toBe(false);
      expect(httpCodeOf(status)).toBe(500);
      expect(callableCodeOf(status)).toBe('internal');
      expect(isGenkitError({ status, message: 'm' })).toBe(false);
      expect(isRetryable({ status, message: 'm' })).toBe(true);
      expect(toHttpError({ status, message: 'secret' })).toEqual({
        code: 500,
        body: { status: 'INTERNAL', message: 'Internal Error' },
      });
    }
  });
});
