// Genkit statuses reach Firebase callers as the matching HttpsError codes, with no schema or internals leaked.
import { HttpsError } from 'firebase-functions/v2/https';
import { logger } from 'firebase-functions/logger';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { z } from 'zod';
import { GenkitError } from '../../../src/client/genkit-error';
import { flowRef, startFlowWorkflow } from '../../../src/client';
import { callableCodeOf, toHttpsError } from '../../../src/firebase';

// What toHttpsError logs for internal errors: kept out of the test output, and read by the test that checks it.
let logged: MockInstance<typeof logger.error>;
beforeEach(() => {
  logged = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
});
afterEach(() => logged.mockRestore());

const mapped: Array<[string, string, number]> = [
  ['INVALID_ARGUMENT', 'invalid-argument', 400],
  ['NOT_FOUND', 'not-found', 404],
  ['PERMISSION_DENIED', 'permission-denied', 403],
  ['UNAUTHENTICATED', 'unauthenticated', 401],
  ['RESOURCE_EXHAUSTED', 'resource-exhausted', 429],
  ['FAILED_PRECONDITION', 'failed-precondition', 400],
  ['DEADLINE_EXCEEDED', 'deadline-exceeded', 504],
  ['ALREADY_EXISTS', 'already-exists', 409],
  ['CANCELLED', 'cancelled', 499],
  ['UNAVAILABLE', 'unavailable', 503],
];

describe('Genkit status → HttpsError', () => {
  it.each(mapped)('%s → %s (HTTP %i)', (status, code, http) => {
    const err = toHttpsError(new GenkitError({ status: status as GenkitError['status'], message: 'why' }));
    expect(err).toBeInstanceOf(HttpsError);
    expect(err.code).toBe(code);
    expect(err.httpErrorCode.status).toBe(http);
    expect(err.message).toBe('why');
  });

  it('matches a GenkitError from another build by shape, not instanceof', () => {
    const foreign = Object.assign(new Error('NOT_FOUND: gone'), { name: 'GenkitError', status: 'NOT_FOUND' });
    expect(toHttpsError(foreign).code).toBe('not-found');
  });

  it('anything else, and INTERNAL, is a bare internal error with nothing leaked', () => {
    for (const err of [
      new Error('db password is hunter2'),
      new GenkitError({ status: 'INTERNAL', message: 'stack at /srv/secret.js' }),
      'a string',
      undefined,
    ]) {
      const e = toHttpsError(err);
      expect(e.code).toBe('internal');
      expect(e.message).toBe('INTERNAL');
      expect(e.details).toBeUndefined();
    }
    expect(callableCodeOf('NOT_A_STATUS')).toBe('internal');
  });

  it('logs an internal error with its cause (the caller sees only INTERNAL), and nothing for a mapped one', () => {
    const cause = new Error('db password is hunter2');
    toHttpsError(cause);
    expect(logged).toHaveBeenCalledTimes(1);
    expect(logged).toHaveBeenCalledWith('Unhandled error', cause);
    toHttpsError(new GenkitError({ status: 'NOT_FOUND', message: 'gone' }));
    toHttpsError(new HttpsError('aborted', 'try again'));
    expect(logged).toHaveBeenCalledTimes(1);
  });

  it('Temporal unreachable (gRPC UNAVAILABLE, also as a cause) is unavailable, so clients retry', () => {
    const grpc = Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });
    expect(toHttpsError(grpc).code).toBe('unavailable');
    expect(toHttpsError(new Error('wrapped', { cause: grpc })).code).toBe('unavailable');
    expect(toHttpsError(Object.assign(new Error('13 INTERNAL'), { code: 13 })).code).toBe('internal');
  });

  it('keeps an HttpsError as is', () => {
    const original = new HttpsError('aborted', 'try again', { n: 1 });
    expect(toHttpsError(original)).toBe(original);
  });

  it('a validation failure names the fields and does not leak the JSON Schema', async () => {
    const ref = flowRef('f', { inputSchema: z.object({ city: z.string(), secretField: z.number() }) });
    const err = await startFlowWorkflow(ref, { city: 1, secretField: 2 } as never, { address: '127.0.0.1:1' }).catch(
      (e) => e,
    );
    const https = toHttpsError(err);
    expect(https.code).toBe('invalid-argument');
    expect(https.message).toContain('city');
    expect(JSON.stringify(https.toJSON())).not.toContain('"schema"');
    expect(JSON.stringify(https.toJSON())).not.toContain('"properties"');
  });
});
