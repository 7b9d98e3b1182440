// A client pointed at a wrong address fails within the connect timeout (3 s by default, configurable), naming
// the address and the settings that choose it, instead of the SDK's anonymous 10 s deadline error.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { closeTemporalClients, executeFlowWorkflow, getTemporalClient, resolveTemporalConfig } from '../../src';

/** A local port nobody listens on. */
async function deadAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as { port: number };
  await new Promise((closed) => server.close(closed));
  return `127.0.0.1:${port}`;
}

async function failure(run: () => Promise<unknown>): Promise<{ err: Error; ms: number }> {
  const started = Date.now();
  const err = await run().then(
    () => undefined,
    (e: Error) => e,
  );
  if (!err) throw new Error('expected a connection failure');
  return { err, ms: Date.now() - started };
}

describe('a client with a wrong address', () => {
  it('fails in about 3 s naming the address and TEMPORAL_ADDRESS', async () => {
    const address = await deadAddress();
    const { err, ms } = await failure(() => executeFlowWorkflow('anyFlow', {}, { address }));
    expect(err.name).toBe('TemporalConnectionError');
    expect(err.message).toContain(address);
    expect(err.message).toContain('TEMPORAL_ADDRESS');
    expect((err as { address?: string }).address).toBe(address);
    expect(ms).toBeGreaterThanOrEqual(2_500);
    expect(ms).toBeLessThan(6_000);
  });

  it('honours connectTimeout, and a later call tries again (no cached failure)', async () => {
    const address = await deadAddress();
    const first = await failure(() => getTemporalClient({ address, connectTimeout: '1s' }));
    expect(first.err.name).toBe('TemporalConnectionError');
    expect(first.ms).toBeLessThan(2_500);
    const second = await failure(() => getTemporalClient({ address, connectTimeout: 500 }));
    expect(second.err.message).toContain('500 ms');
    await closeTemporalClients();
  });

  it('reads TEMPORAL_CONNECT_TIMEOUT and rejects a value it cannot parse', () => {
    expect(resolveTemporalConfig({}, { TEMPORAL_CONNECT_TIMEOUT: '1500' }).connectTimeoutMs).toBe(1_500);
    expect(resolveTemporalConfig({}, { TEMPORAL_CONNECT_TIMEOUT: '2s' }).connectTimeoutMs).toBe(2_000);
    expect(resolveTemporalConfig({}, {}).connectTimeoutMs).toBe(3_000);
    expect(() => resolveTemporalConfig({}, { TEMPORAL_CONNECT_TIMEOUT: 'soon' })).toThrow(TypeError);
  });
});
