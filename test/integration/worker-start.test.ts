// startTemporalWorker's start-up order: the connection opens while Genkit's plugins initialise (a cold start waits
// for the longer of the two, not their sum), a connection failure during that time is the call's own rejection
// (never an unhandled one), and a worker that cannot be created closes the connection it opened.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import { genkit } from 'genkit';
import { genkitPlugin } from 'genkit/plugin';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { closeTemporalClients, startTemporalWorker, temporal } from '../../src';
import { address, namespace, uniqueTaskQueue } from '../helpers/temporal';

const dir = mkdtempSync(join(tmpdir(), 'worker-start-'));
const PLUGIN_INIT_MS = 400;
const events: string[] = [];

/** A new Genkit instance whose plugin takes a while to initialise (as plugins that load model lists or keys do). */
function slowGenkitInstance(): void {
  genkit({
    plugins: [
      temporal(),
      genkitPlugin('slow-start', async () => {
        events.push('plugin init started');
        await new Promise((r) => setTimeout(r, PLUGIN_INIT_MS));
        events.push('plugin init finished');
      }),
    ],
  });
}

afterAll(async () => {
  await closeTemporalClients();
  rmSync(dir, { recursive: true, force: true });
});

const realConnect = NativeConnection.connect;
afterEach(() => {
  NativeConnection.connect = realConnect;
});

/**
 * Records when connect is called and settles, and every connection it opens. A plain wrapper, not `vi.spyOn`:
 * the spy subscribes to the promise it returns, which would hide an unhandled rejection.
 */
function watchConnect() {
  const opened: NativeConnection[] = [];
  NativeConnection.connect = async (options) => {
    events.push('connect called');
    const connection = await realConnect.call(NativeConnection, options).catch((err: unknown) => {
      events.push('connect failed');
      throw err;
    });
    events.push('connected');
    opened.push(connection);
    return connection;
  };
  return opened;
}

describe('startTemporalWorker start-up', () => {
  it('opens the connection while Genkit plugins initialise, and closes it when the worker cannot be created', async () => {
    events.length = 0;
    slowGenkitInstance();
    const opened = watchConnect();
    const missing = join(dir, 'no-such-bundle.js');
    const started = Date.now();
    await expect(
      startTemporalWorker({
        address: address(),
        namespace: namespace(),
        taskQueue: uniqueTaskQueue('start-order'),
        workflowBundle: { codePath: missing },
        handleSignals: false,
      }),
    ).rejects.toMatchObject({ code: 'ENOENT' });
    // Connected before the plugin finished: the two overlapped.
    expect(events.indexOf('connect called')).toBeLessThan(events.indexOf('plugin init finished'));
    expect(events.indexOf('connected')).toBeLessThan(events.indexOf('plugin init finished'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(PLUGIN_INIT_MS - 50);
    // The connection it opened for the failed worker is closed: using it now fails.
    expect(opened).toHaveLength(1);
    await expect(opened[0].workflowService.getSystemInfo({})).rejects.toThrow();
  }, 60_000);

  it('rejects with the connection error when the server is unreachable while plugins initialise', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      events.length = 0;
      slowGenkitInstance();
      watchConnect();
      const err = await startTemporalWorker({
        address: '127.0.0.1:1', // nothing listens: connect fails long before the plugin finishes
        taskQueue: uniqueTaskQueue('unreachable'),
        handleSignals: false,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      // It failed while the plugin was still initialising, and the call reported it once the plugin was done.
      expect(events).toEqual(['connect called', 'plugin init started', 'connect failed', 'plugin init finished']);
      await new Promise((r) => setTimeout(r, 50)); // an unhandled rejection is reported after a turn
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  }, 60_000);
});
