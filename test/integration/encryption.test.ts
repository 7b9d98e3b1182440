// Payload encryption end to end on the real dev server: nothing secret reaches history in plaintext, a worker
// without the key leaves the run waiting, and a run started under one key finishes after rotation.
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec, createDataConverter, type EncryptionKey } from '../../src/codec';
import { closeTemporalClients, getTemporalClient } from '../../src/client/connection';
import { executeFlowWorkflow, startFlowWorkflow } from '../../src/client/start-flow';
import { FlowRunError } from '../../src/client/flow-run-error';
import { bundleFlowWorkflows, type TemporalWorkerHandle } from '../../src/worker/start-worker';
import { SECRETS, secretFlow } from '../fixtures/secret-flows';
import { cliHistoryText, rawHistoryText, secretsIn } from '../helpers/history-secrets';
import { address, historyOf, namespace, startWorker, uniqueTaskQueue, waitFor } from '../helpers/temporal';

const k1: EncryptionKey = { id: 'k1', key: randomBytes(32) };
const k2: EncryptionKey = { id: 'k2', key: randomBytes(32) };
const k3: EncryptionKey = { id: 'k3', key: randomBytes(32) };
const converters = new Map<string, DataConverter>();
/** One converter object per key list, so the cached client is shared like in an application. */
const encrypted = (...keys: EncryptionKey[]) => {
  const label = keys.map((k) => k.id).join(',');
  if (!converters.has(label)) converters.set(label, createDataConverter({ encryption: { keys } }));
  return converters.get(label)!;
};

let bundlePath: string;
const workers: TemporalWorkerHandle[] = [];
const worker = async (taskQueue: string, dataConverter?: DataConverter) => {
  const w = await startWorker(
    taskQueue,
    dataConverter ? { dataConverter, workflowBundle: { codePath: bundlePath } } : {},
  );
  workers.push(w);
  return w;
};
const conn = (taskQueue: string) => ({ address: address(), namespace: namespace(), taskQueue });

beforeAll(async () => {
  // The failure converter runs inside the workflow sandbox too, so the bundle carries it.
  const { code } = await bundleFlowWorkflows({ dataConverter: encrypted(k1), logger: quietLogger() });
  bundlePath = join(await mkdtemp(join(tmpdir(), 'codec-bundle-')), 'workflow-bundle.js');
  await writeFile(bundlePath, code);
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.shutdown()));
  await closeTemporalClients();
});

describe('payload encryption', () => {
  it('control: without encryption the same runs show every secret in history (the check can see them)', async () => {
    const queue = uniqueTaskQueue('plain');
    await worker(queue);
    const ok = await startFlowWorkflow(secretFlow, { prompt: SECRETS.prompt }, conn(queue));
    await ok.result();
    const failed = await startFlowWorkflow(secretFlow, { prompt: 'x', fail: true }, conn(queue));
    await expect(failed.result()).rejects.toThrow();
    const plain = (await rawHistoryText(ok)) + (await rawHistoryText(failed));
    expect(secretsIn(plain, SECRETS).sort()).toEqual(Object.keys(SECRETS).sort());
  });

  it('with encryption on client and worker, no secret appears in the raw history or the CLI output', async () => {
    const queue = uniqueTaskQueue('sealed');
    await worker(queue, encrypted(k1));
    const options = { ...conn(queue), dataConverter: encrypted(k1) };
    const ok = await startFlowWorkflow(secretFlow, { prompt: SECRETS.prompt }, options);
    // The client decrypts: the caller sees plaintext.
    expect(await ok.result()).toEqual({ answer: SECRETS.modelAnswer, receipt: { note: SECRETS.journal } });
    const failedId = `secret-fail-${randomBytes(4).toString('hex')}`;
    const error = await executeFlowWorkflow(
      secretFlow,
      { prompt: SECRETS.prompt, fail: true },
      { ...options, workflowId: failedId },
    ).catch((e) => e);
    const failedRun = (await getTemporalClient(options)).workflow.getHandle(failedId);
    expect(error).toBeInstanceOf(FlowRunError);
    expect(error.status).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(SECRETS.error);

    for (const handle of [ok, failedRun]) {
      expect(secretsIn(await rawHistoryText(handle), SECRETS)).toEqual([]);
      expect(secretsIn(await cliHistoryText(handle.workflowId), SECRETS)).toEqual([]);
    }
    // Not vacuous: the history has the journal's updates and the failure, just sealed.
    const events = await historyOf(failedRun);
    expect(events.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toBe(true);
    const failure = events.find((e) => e.workflowExecutionFailedEventAttributes)!
      .workflowExecutionFailedEventAttributes!.failure!;
    expect(failure.message).toBe('Encoded failure');
    expect(failure.encodedAttributes).toBeTruthy();
  });

  it('a worker without the key fails the task with an error naming the key; the run waits and finishes under a rotated key', async () => {
    const queue = uniqueTaskQueue('keyless');
    const keyless = await worker(queue, encrypted(k3));
    const handle = await startFlowWorkflow(
      secretFlow,
      { prompt: SECRETS.prompt },
      { ...conn(queue), dataConverter: encrypted(k1) },
    );

    const taskFailure = await waitFor(
      async () =>
        (await historyOf(handle)).find((e) => e.workflowTaskFailedEventAttributes)?.workflowTaskFailedEventAttributes
          ?.failure,
      30_000,
      'a failed workflow task',
    );
    // The keyless worker seals its own failure report with its key (k3); decoded, it names the missing key.
    const message = await failureMessage(taskFailure, new AesGcmPayloadCodec({ keys: [k3] }));
    expect(message).toMatch(/encrypted with key "k1", which this process does not have/);
    expect((await handle.describe()).status.name).toBe('RUNNING');

    // Rotation: the next worker encrypts with k2 and still knows k1.
    await keyless.shutdown();
    await worker(queue, encrypted(k2, k1));
    const result = await resultWith(encrypted(k2, k1), handle.workflowId, queue);
    expect(result).toEqual({ answer: SECRETS.modelAnswer, receipt: { note: SECRETS.journal } });

    const raw = await rawHistoryText(handle);
    expect(raw).toContain('k1'); // the input, sealed under the old key
    expect(raw).toContain('k2'); // everything after rotation
    expect(secretsIn(raw, SECRETS)).toEqual([]);
    // A client that has only the old key cannot read the new result: clients rotate together with workers.
    await expect(resultWith(encrypted(k1), handle.workflowId, queue)).rejects.toThrow(/key "k2"/);
  });
});

/** The run's result read through the shared client for `dataConverter`. */
async function resultWith(dataConverter: DataConverter, workflowId: string, taskQueue: string) {
  const client = await getTemporalClient({ ...conn(taskQueue), dataConverter });
  return client.workflow.getHandle(workflowId).result();
}

async function failureMessage(
  failure: { message?: string | null; encodedAttributes?: any },
  codec: AesGcmPayloadCodec,
): Promise<string> {
  if (!failure.encodedAttributes) return failure.message ?? '';
  const [decoded] = await codec.decode([failure.encodedAttributes]);
  return JSON.parse(Buffer.from(decoded!.data!).toString('utf8')).message;
}

function quietLogger() {
  const noop = () => undefined;
  return { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
}
