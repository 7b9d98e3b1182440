// A reader attaches mid-run, detaches, re-attaches from its last offset — while the worker is SIGKILLed
// mid-stream — and reads every chunk exactly once, then the result.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeTemporalClients, startFlowWorkflow, streamFlowRun, type FlowStreamEvent } from '../../src';
import { chunksQuery } from '../../src/workflows/messages';
import { countFlow } from '../fixtures/hitl-flows';
import { address, namespace, uniqueTaskQueue, waitFor } from '../helpers/temporal';
import { spawnWorker, type WorkerProcess } from '../helpers/worker-process';

const dir = mkdtempSync(join(tmpdir(), 'stream-'));
const workers: WorkerProcess[] = [];
afterAll(async () => {
  for (const w of workers) w.child.kill('SIGKILL');
  await closeTemporalClients();
  rmSync(dir, { recursive: true, force: true });
});

describe('durable streaming', () => {
  it('re-attaches from an offset with no duplicates, across a worker kill', async () => {
    const taskQueue = uniqueTaskQueue('stream');
    const env = { LEDGER_FILE: join(dir, 'ledger.txt') };
    const first = await spawnWorker(taskQueue, env);
    workers.push(first);
    const opts = { address: address(), namespace: namespace(), taskQueue };
    const n = 30;
    const handle = await startFlowWorkflow(countFlow, { n, delayMs: 100 }, opts);

    // Attach mid-run and read the first 5 chunks, then detach.
    const seen: Array<FlowStreamEvent<{ i: number }, number>> = [];
    for await (const event of streamFlowRun<{ i: number }, number>(handle.workflowId, opts)) {
      seen.push(event);
      if (seen.length === 5) break;
    }
    const resumeAt = 5;

    // Kill the worker mid-stream; a second worker resumes the run from the journal.
    await waitFor(
      async () => {
        const { chunks } = await handle.query(chunksQuery, 0);
        return chunks.length >= 10;
      },
      20_000,
      '10 chunks',
    );
    first.child.kill('SIGKILL');
    workers.push(await spawnWorker(taskQueue, env));

    for await (const event of streamFlowRun<{ i: number }, number>(handle.workflowId, {
      ...opts,
      fromOffset: resumeAt,
    })) {
      seen.push(event);
    }
    const chunks = seen.filter((e) => e.type === 'chunk');
    expect(chunks.map((e) => (e.type === 'chunk' ? e.offset : -1))).toEqual([...Array(n).keys()]);
    expect(chunks.map((e) => (e.type === 'chunk' ? e.chunk.i : -1))).toEqual([...Array(n).keys()]);
    expect(seen.at(-1)).toEqual({ type: 'result', result: (n * (n - 1)) / 2 });
  }, 90_000);
});
