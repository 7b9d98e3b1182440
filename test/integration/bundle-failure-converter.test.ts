// A prebuilt workflow bundle and its worker must convert failures alike (src/worker/bundle-failure-converter.ts): a worker
// that encrypts refuses a bundle without the encrypting failure converter (its workflow failures would reach history
// in plaintext), a worker without a failure converter takes the bundle's, and a worker with another converter
// refuses a bundle with the encrypting one.
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDataConverter, encryptedFailureConverterPath } from '../../src/codec';
import { closeTemporalClients } from '../../src/client/connection';
import { startFlowWorkflow } from '../../src/client/start-flow';
import { WorkflowBundleConverterError } from '../../src/worker/bundle-failure-converter';
import { bundleFlowWorkflows, type TemporalWorkerHandle } from '../../src/worker/start-worker';
import { SECRETS, secretFlow } from '../fixtures/secret-flows';
import { historyOf, address, namespace, startWorker, uniqueTaskQueue } from '../helpers/temporal';

let encryptingBundle: string;
const workers: TemporalWorkerHandle[] = [];
const encrypting = createDataConverter({ encryption: { keys: [{ id: 'k1', key: randomBytes(32) }] } });

beforeAll(async () => {
  // What the Cloud Run template builds at image build time: the failure converter, no keys.
  const { code } = await bundleFlowWorkflows({
    dataConverter: createDataConverter({ encryptFailures: true }),
    logger: quietLogger(),
  });
  encryptingBundle = join(await mkdtemp(join(tmpdir(), 'bundle-converter-')), 'workflow-bundle.js');
  await writeFile(encryptingBundle, code);
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.shutdown()));
  await closeTemporalClients();
});

describe('a prebuilt bundle and its worker’s failure converter', () => {
  it('an encrypting worker refuses a bundle built without the encrypting failure converter, naming the fix', async () => {
    const start = startWorker(uniqueTaskQueue('refuse'), {
      dataConverter: encrypting,
      workflowBundle: { codePath: inject('workflowBundlePath') }, // built by bundleFlowWorkflows() alone
    });
    const err = await start.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowBundleConverterError);
    expect((err as Error).name).toBe('GenkitWorkflowBundleConverterMismatch');
    expect((err as Error).message).toContain(inject('workflowBundlePath'));
    expect((err as Error).message).toContain('bundleFlowWorkflows({ dataConverter })');
    expect((err as Error).message).toContain('createDataConverter({ encryptFailures: true })');
  });

  it('the same check holds for a bundle given as code, and with GENKITX_ENCRYPTION_KEYS as the only setting', async () => {
    const { code } = await bundleFlowWorkflows({ logger: quietLogger() });
    const previous = process.env.GENKITX_ENCRYPTION_KEYS;
    process.env.GENKITX_ENCRYPTION_KEYS = `k1:${randomBytes(32).toString('base64')}`;
    try {
      await expect(startWorker(uniqueTaskQueue('refuse-env'), { workflowBundle: { code } })).rejects.toBeInstanceOf(
        WorkflowBundleConverterError,
      );
    } finally {
      if (previous === undefined) delete process.env.GENKITX_ENCRYPTION_KEYS;
      else process.env.GENKITX_ENCRYPTION_KEYS = previous;
    }
  });

  it('an encrypting worker runs a bundle built with the key-independent failure converter', async () => {
    const taskQueue = uniqueTaskQueue('encrypting');
    workers.push(
      await startWorker(taskQueue, { dataConverter: encrypting, workflowBundle: { codePath: encryptingBundle } }),
    );
    const handle = await startFlowWorkflow(
      secretFlow,
      { prompt: 'p', fail: true },
      { address: address(), namespace: namespace(), taskQueue, dataConverter: encrypting },
    );
    await expect(handle.result()).rejects.toThrow();
    const failures = await failureMessages(handle);
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((m) => !m.includes(SECRETS.error))).toBe(true);
  });

  it('a worker without a failure converter takes the bundle’s: workflow and activity failures are converted alike', async () => {
    const taskQueue = uniqueTaskQueue('adopt');
    workers.push(await startWorker(taskQueue, { workflowBundle: { codePath: encryptingBundle } }));
    const handle = await startFlowWorkflow(
      secretFlow,
      { prompt: 'p', fail: true },
      { address: address(), namespace: namespace(), taskQueue },
    );
    // A client without any converter still reads the message (Temporal decodes encoded attributes always).
    await expect(handle.result()).rejects.toMatchObject({ cause: { message: expect.stringContaining(SECRETS.error) } });
    const failures = await failureMessages(handle);
    // The activity's failure (the worker's converter) and the workflow's (the bundle's) are both encoded.
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(new Set(failures)).toEqual(new Set(['Encoded failure']));
  });

  it('a worker with another failure converter refuses a bundle with the encrypting one', async () => {
    const own = join(await mkdtemp(join(tmpdir(), 'own-converter-')), 'failure-converter.js');
    await writeFile(own, "exports.failureConverter = require('@temporalio/common').defaultFailureConverter;\n");
    await expect(
      startWorker(uniqueTaskQueue('other'), {
        dataConverter: { failureConverterPath: own },
        workflowBundle: { codePath: encryptingBundle },
      }),
    ).rejects.toThrow(/built with the encrypting failure converter/);
    expect(encryptedFailureConverterPath()).not.toBe(own);
  });
});

/** The top-level failure messages of the run's failed activity tasks and its failed workflow execution. */
async function failureMessages(handle: Parameters<typeof historyOf>[0]): Promise<string[]> {
  const events = await historyOf(handle);
  return events
    .map(
      (e) =>
        e.activityTaskFailedEventAttributes?.failure?.message ??
        e.workflowExecutionFailedEventAttributes?.failure?.message,
    )
    .filter((m): m is string => typeof m === 'string');
}

function quietLogger() {
  const noop = () => undefined;
  return { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
}
