// waitForTemporal with a namespace only the expected server has: a server that another process started at the
// same address (a free port picked, released, then taken by someone else first) is not taken for ours.
import { describe, expect, it } from 'vitest';
import { waitForTemporal } from '../../src/testing/local-process-helpers';
import { address } from '../helpers/temporal';

describe('waitForTemporal', () => {
  it('is ready once the namespace it waits for answers', async () => {
    await expect(waitForTemporal(address(), { timeoutMs: 10_000, exited: () => undefined })).resolves.toBeUndefined();
  });

  it('does not take another server at the address for the one it started (that server lacks its namespace)', async () => {
    const waiting = waitForTemporal(address(), {
      namespace: 'own-not-this-server',
      timeoutMs: 1_500,
      pollMs: 100,
      exited: () => undefined,
    });
    await expect(waiting).rejects.toThrow(/did not come up in 1500 ms/);
  });

  it('says so as soon as the expected server has exited', async () => {
    const exited = new Error('dev server exited (1): address already in use');
    const waiting = waitForTemporal(address(), { namespace: 'own-gone', timeoutMs: 10_000, exited: () => exited });
    await expect(waiting).rejects.toBe(exited);
  });
});
