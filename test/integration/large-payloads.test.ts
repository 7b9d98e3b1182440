// Large payloads go to external storage (Temporal's ExternalStorage with our content-addressed file driver),
// encrypted first: a 5 MiB result completes, the client gets all of it, and history stays small.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataConverter, FileStorageDriver } from '../../src/codec';
import { executeFlowWorkflow, startFlowWorkflow } from '../../src/client/start-flow';
import { closeTemporalClients } from '../../src/client/connection';
import type { TemporalWorkerHandle } from '../../src/worker/start-worker';
import { bigResultFlow, bigStepsFlow, bigText, digestFlow } from '../fixtures/secret-flows';
import { rawHistoryText } from '../helpers/history-secrets';
import { address, namespace, startWorker, uniqueTaskQueue } from '../helpers/temporal';

const MiB = 1024 * 1024;
let directory: string;
const workers: TemporalWorkerHandle[] = [];

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'payload-store-'));
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.shutdown()));
  await closeTemporalClients();
});

async function setUp(dataConverter?: ReturnType<typeof createDataConverter>) {
  const taskQueue = uniqueTaskQueue('large');
  workers.push(await startWorker(taskQueue, { dataConverter }));
  return { address: address(), namespace: namespace(), taskQueue, dataConverter };
}

describe('large payloads', () => {
  it('a flow returning 5 MiB completes through encrypted external storage; history stays small', async () => {
    const dataConverter = createDataConverter({
      encryption: { keys: [{ id: 'big', key: randomBytes(32) }] },
      encryptFailures: false, // the shared test bundle has the default failure converter
      externalStorage: { driver: new FileStorageDriver({ directory }) },
    });
    const options = await setUp(dataConverter);
    const seed = `seed-${randomBytes(4).toString('hex')}`;
    const handle = await startFlowWorkflow(bigResultFlow, { seed, mebibytes: 5 }, options);
    const result = await handle.result();
    const expected = bigText(seed, 5);
    expect(result.length).toBe(5 * MiB);
    expect(result === expected).toBe(true);

    const { historySize, historyLength } = await handle.describe();
    expect(historySize).toBeGreaterThan(0);
    expect(historySize!).toBeLessThan(256 * 1024);
    expect(historyLength).toBeGreaterThan(0);
    expect(await rawHistoryText(handle)).not.toContain(expected.slice(0, 64));

    // Stored content-addressed (name = sha256) and sealed: no plaintext on disk either.
    const stored = await storedFiles(directory);
    expect(stored.length).toBeGreaterThan(0);
    for (const file of stored) {
      expect(file.name).toMatch(/^[0-9a-f]{64}$/);
      expect(file.bytes.includes(expected.slice(0, 64))).toBe(false);
    }
  });

  it('a 3 MiB input is offloaded by the client and read back in full by the worker', async () => {
    const options = await setUp(
      createDataConverter({ externalStorage: { driver: new FileStorageDriver({ directory }) } }),
    );
    const input = bigText('input', 3);
    const handle = await startFlowWorkflow(digestFlow, input, options);
    expect(await handle.result()).toEqual({
      length: input.length,
      sha256: createHash('sha256').update(input).digest('hex'),
    });
    expect((await handle.describe()).historySize!).toBeLessThan(256 * 1024);
  });

  it('journal entries above the threshold are stored outside history too', async () => {
    const options = await setUp(
      createDataConverter({ externalStorage: { driver: new FileStorageDriver({ directory }) } }),
    );
    const seed = `steps-${randomBytes(4).toString('hex')}`;
    const handle = await startFlowWorkflow(bigStepsFlow, { seed, steps: 6, kib: 450 }, options);
    expect(await handle.result()).toEqual(Array(6).fill(450 * 1024));
    // 6 × 450 KiB journaled, but history holds references only.
    expect((await handle.describe()).historySize!).toBeLessThan(256 * 1024);
    expect(await rawHistoryText(handle)).not.toContain(bigText(`${seed}-0`, 450 / 1024).slice(0, 64));
  });

  it('20 journal entries of 1 MiB each complete, with history under its limits', async () => {
    const options = await setUp(
      createDataConverter({ externalStorage: { driver: new FileStorageDriver({ directory }) } }),
    );
    const seed = `mib-${randomBytes(4).toString('hex')}`;
    const handle = await startFlowWorkflow(bigStepsFlow, { seed, steps: 20, kib: 1024 }, options);
    expect(await handle.result()).toEqual(Array(20).fill(MiB));
    expect((await handle.describe()).historySize!).toBeLessThan(1024 * 1024);
  });

  it('control: without external storage the same 5 MiB result cannot complete', async () => {
    const options = await setUp();
    const error = await executeFlowWorkflow(bigResultFlow, { seed: 'control', mebibytes: 5 }, options).catch((e) => e);
    expect(error).toBeInstanceOf(Error);
  });
});

async function storedFiles(root: string): Promise<Array<{ name: string; bytes: Buffer }>> {
  const out: Array<{ name: string; bytes: Buffer }> = [];
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out.push({ name: entry.name, bytes: await readFile(join(entry.parentPath, entry.name)) });
  }
  return out;
}
