// Shared plumbing for integration tests: the dev server started by global-setup, workers, history reading.
import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, inject } from 'vitest';
import { closeTemporalClients } from '../../src/client/connection';
import {
  startTemporalWorker,
  type TemporalWorkerHandle,
  type TemporalWorkerOptions,
} from '../../src/worker/start-worker';

export const address = () => inject('temporalAddress');
export const namespace = () => inject('temporalNamespace');

/** A task queue no other test uses. */
export function uniqueTaskQueue(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/** Starts a worker for this process's flows on `taskQueue`, with the prebuilt workflow bundle. */
export function startWorker(taskQueue: string, options: TemporalWorkerOptions = {}): Promise<TemporalWorkerHandle> {
  return startTemporalWorker({
    address: address(),
    namespace: namespace(),
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    handleSignals: false,
    shutdownGraceTime: '2s',
    ...options,
  });
}

/** A client of its own (tests that count connections must not share the library's cache). */
export async function newClient(): Promise<Client> {
  const connection = await Connection.connect({ address: address() });
  return new Client({ connection, namespace: namespace() });
}

/** The run's history events, decoded enough to count activity attempts and read timestamps. */
export async function historyOf(handle: WorkflowHandle) {
  const history = await handle.fetchHistory();
  return history.events ?? [];
}

/** Attempts of the flow activity: the workflow schedules each attempt itself, so one ActivityTaskStarted each. */
export async function activityStarts(handle: WorkflowHandle) {
  const events = await historyOf(handle);
  return events
    .filter((e) => e.activityTaskStartedEventAttributes)
    .map((e) => ({ attempt: e.activityTaskStartedEventAttributes!.attempt ?? 0, time: tsMs(e.eventTime) }));
}

export function tsMs(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  if (!ts) return 0;
  return Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes. */
export async function waitFor<T>(
  fn: () => Promise<T> | T,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * For a test file: one worker for this process's flows on its own task queue, started before the tests and
 * stopped after them (with the cached client connections). `opts()` are the start options for that queue.
 */
export function useWorker(label: string, options: TemporalWorkerOptions = {}) {
  const taskQueue = uniqueTaskQueue(label);
  let worker: TemporalWorkerHandle | undefined;
  beforeAll(async () => {
    worker = await startWorker(taskQueue, options);
  });
  afterAll(async () => {
    await worker?.shutdown();
    await closeTemporalClients();
  });
  return {
    taskQueue,
    opts: () => ({ address: address(), namespace: namespace(), taskQueue }),
    /** Stops the worker (no worker polls the queue until `restart`). */
    async stop() {
      await worker?.shutdown();
    },
    /** Stops the worker and starts a fresh one on the same queue. */
    async restart() {
      await worker?.shutdown();
      worker = await startWorker(taskQueue, options);
    },
  };
}
