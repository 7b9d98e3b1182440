// The client keeps one connection per settings, and survives a dev server restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { closeTemporalClients, executeFlowWorkflow, getTemporalClient } from '../../src';
import { connectionCount } from '../../src/client/connection';
import { greetFlow } from '../fixtures/basic-flows';
import { startPersistentDevServer, type DevServerProcess } from '../harness/dev-server-process';
import { address, namespace, startWorker, uniqueTaskQueue } from '../helpers/temporal';

afterAll(() => closeTemporalClients());

describe('connection reuse', () => {
  it('runs 200 sequential flows over one connection', async () => {
    const taskQueue = uniqueTaskQueue('reuse');
    const worker = await startWorker(taskQueue);
    const before = connectionCount();
    for (let i = 0; i < 200; i++) {
      const out = await executeFlowWorkflow(
        greetFlow,
        { name: `n${i}`, times: 1 },
        { address: address(), namespace: namespace(), taskQueue },
      );
      expect(out.greeting).toBe(`hello n${i}`);
    }
    expect(connectionCount() - before).toBeLessThanOrEqual(1);
    expect(await getTemporalClient({ address: address(), namespace: namespace() })).toBe(
      await getTemporalClient({ address: address(), namespace: namespace() }),
    );
    await worker.shutdown();
  }, 180_000);
});

describe('server restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'restart-'));
  let server: DevServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps working across a dev server restart', async () => {
    // This server has no GenkitFlow search attribute (no kit args): starts fall back to running without it.
    server = await startPersistentDevServer(inject('temporalCliPath'), join(dir, 'temporal.db'), { kitArgs: false });
    const serverAddress = server.address;
    const taskQueue = uniqueTaskQueue('restart');
    const opts = { address: serverAddress, namespace: 'default', taskQueue };
    const worker = await retryUntil(() => startWorker(taskQueue, { address: serverAddress, namespace: 'default' }));
    expect(await retryUntil(() => executeFlowWorkflow(greetFlow, { name: 'before', times: 1 }, opts))).toMatchObject({
      greeting: 'hello before',
    });
    const connectionsBefore = connectionCount();
    const client = await getTemporalClient(opts);

    await server.kill('SIGTERM');
    await server.start();

    // Wait for the new server with a separate probe, then make one call on the cached client: no retry here.
    await retryUntil(
      async () => (await Connection.connect({ address: serverAddress, connectTimeout: 1000 })).close(),
      60_000,
    );
    const after = await executeFlowWorkflow(greetFlow, { name: 'after', times: 1 }, opts);
    expect(after).toMatchObject({ greeting: 'hello after' });
    expect(await getTemporalClient(opts)).toBe(client);
    expect(connectionCount()).toBe(connectionsBefore);
    await worker.shutdown();
  }, 120_000);
});

/** Retries while the server is (re)starting; the call itself must eventually succeed unchanged. */
async function retryUntil<T>(fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
