// A whole local Temporal set-up for scripts (demo, benchmarks): dev server and a worker for this process's
// flows, always torn down afterwards.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { closeTemporalClients } from '../client/connection';
import { startTemporalWorker, type TemporalWorkerHandle } from '../worker/start-worker';
import { startDevServer, type DevServerOptions } from './dev-server';

/** What `withLocalTemporal` hands to its callback. */
export interface LocalTemporal {
  server: TestWorkflowEnvironment;
  address: string;
  worker: TemporalWorkerHandle;
  /** The Web UI, when `ui` was asked for. */
  uiUrl?: string;
}

/**
 * Starts a dev server and a worker on `taskQueue`, runs `fn`, then stops the worker, closes the cached clients
 * and stops the server, whether `fn` succeeded or not.
 */
export async function withLocalTemporal<T>(
  options: DevServerOptions & { taskQueue: string },
  fn: (local: LocalTemporal) => Promise<T>,
): Promise<T> {
  const { taskQueue, ...serverOptions } = options;
  const server = await startDevServer(serverOptions);
  const address = server.address;
  const [host, port] = address.split(':');
  const uiUrl = options.ui ? `http://${host}:${Number(port) + 1000}` : undefined;
  try {
    const worker = await startTemporalWorker({ address, taskQueue });
    try {
      return await fn({ server, address, worker, uiUrl });
    } finally {
      await worker.shutdown();
    }
  } finally {
    await closeTemporalClients();
    await server.teardown();
  }
}
