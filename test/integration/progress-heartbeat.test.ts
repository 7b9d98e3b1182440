// The step in flight travels in the flow attempt's heartbeat details (read with describe), not in a signal: a slow
// model step shows while it runs and is gone after, costs no workflow task, and is decoded through the codec.
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getFlowRun, provideFlowInput, startFlowWorkflow, type FlowRunOptions } from '../../src';
import { bearerTokenAuth, createFlowApi } from '../../src/http';
import { createDataConverter } from '../../src/codec';
import { getTemporalClient } from '../../src/client/connection';
import { progressQuery } from '../../src/client/run-messages';
import { journalQuery } from '../../src/workflows/messages';
import { bundleFlowWorkflows, type TemporalWorkerHandle } from '../../src/worker/start-worker';
import type { StepInFlight } from '../../src/common/types';
import { slowModelStepsFlow, slowStepThenWaitFlow } from '../fixtures/progress-flows';
import { serveForTests } from '../helpers/http';
import { address, historyOf, namespace, startWorker, uniqueTaskQueue, useWorker, waitFor } from '../helpers/temporal';

const { opts } = useWorker('progress');

const signalsIn = async (handle: WorkflowHandle) =>
  (await historyOf(handle)).filter((e) => e.workflowExecutionSignaledEventAttributes).length;

/** Polls getFlowRun until its step in flight matches, keeping every value seen on the way. */
async function observe(workflowId: string, options: FlowRunOptions, seen: (StepInFlight | undefined)[] = []) {
  const run = await getFlowRun(workflowId, options);
  seen.push(run.progress?.stepInFlight);
  return run;
}

describe('step in flight from heartbeat details', () => {
  it('shows a slow model step while it runs, with no signal and nothing for the query; gone while the run waits', async () => {
    const handle = await startFlowWorkflow(slowStepThenWaitFlow, undefined, opts());
    const during = await waitFor(
      async () => (await observe(handle.workflowId, opts())).progress?.stepInFlight,
      10_000,
      'the model step in flight',
    );
    expect(during).toMatchObject({ key: '0', kind: 'model', name: 'progress/slow', attempt: 1 });
    expect(Date.now() - Date.parse(during.startedAt)).toBeLessThan(10_000);
    // The workflow itself never heard of it: no signal, so its own progress has no step in flight.
    expect((await handle.query(progressQuery)).stepInFlight).toBeUndefined();

    const waiting = await waitFor(
      async () => {
        const run = await getFlowRun(handle.workflowId, opts());
        return run.status === 'WAITING' ? run : undefined;
      },
      10_000,
      'the run to wait for input',
    );
    expect(waiting.progress?.stepInFlight).toBeUndefined();
    expect(waiting.progress?.stepsCompleted).toBe(1);
    // The slow step journals its start (the run console's duration), a start the step really had.
    const [entry] = await handle.query(journalQuery);
    expect(entry).toMatchObject({ key: '0', kind: 'model', startedAt: during.startedAt });

    await provideFlowInput(handle.workflowId, 'go', true, opts());
    expect(await handle.result()).toEqual({ answer: 'thought about it', go: true });
    expect((await getFlowRun(handle.workflowId, opts())).progress?.stepInFlight).toBeUndefined();
    expect(await signalsIn(handle)).toBe(0);
  });

  it('costs no history events: events per slow model step (measured)', async () => {
    const counts: number[] = [];
    // From 1 to 4 calls: what a run pays once (its usage written to the memo when the attempt ends) cancels out.
    for (const calls of [1, 4]) {
      const handle = await startFlowWorkflow(slowModelStepsFlow, { calls }, opts());
      const seen: (StepInFlight | undefined)[] = [];
      while ((await handle.describe()).status.name === 'RUNNING') {
        await observe(handle.workflowId, opts(), seen);
        await new Promise((r) => setTimeout(r, 200));
      }
      await handle.result();
      const events = await historyOf(handle);
      counts.push(events.length);
      expect(await signalsIn(handle)).toBe(0);
      // Every slow call showed while it ran (one key each), and nothing else ever showed.
      const keys = [...new Set(seen.filter(Boolean).map((s) => s!.key))];
      expect(keys).toEqual(Array.from({ length: calls }, (_, i) => String(i)));
      console.log(`[measure] ${calls} slow model steps: ${events.length} history events`);
    }
    const perStep = (counts[1] - counts[0]) / 3;
    console.log(`[measure] per slow model step: ${perStep} events`);
    // One journal write per step (Update accepted + completed, and the workflow task that takes it): no more.
    expect(perStep).toBeLessThanOrEqual(5);
  });
});

describe('run console', () => {
  it('shows the model step running, then its duration from the journaled start', async () => {
    const auth = { Authorization: 'Bearer ana-token-ab12cd34ef' };
    const api = createFlowApi({
      ...opts(),
      flows: [slowStepThenWaitFlow],
      auth: bearerTokenAuth({ tokens: { 'ana-token-ab12cd34ef': 'ana' } }),
      console: true,
    });
    const { url } = await serveForTests(api);
    const started = await fetch(url('/flows/progressSlowStepThenWait'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...auth },
      body: JSON.stringify({ data: null }),
    });
    expect(started.status).toBe(202);
    const { workflowId } = (await started.json()) as { workflowId: string };
    const page = async () =>
      (await fetch(url(`/console/runs/${encodeURIComponent(workflowId)}`), { headers: auth })).text();
    const running = await waitFor(
      async () => {
        const html = await page();
        return html.includes('Now running') ? html : undefined;
      },
      10_000,
      'the console to show the step in flight',
    );
    expect(running).toMatch(/Now running: model <code>progress\/slow<\/code> \(step\s*0,/);
    await waitFor(async () => (await getFlowRun(workflowId, opts())).status === 'WAITING', 10_000, 'the wait');
    const waiting = await page();
    expect(waiting).not.toContain('Now running');
    // 3 s model call: a measured duration, not "under 250 ms" (the step's start is in its journal entry).
    expect(waiting).toMatch(/<td>(1\.[5-9]|[2-9]\.\d) s<\/td>/);
    expect(waiting).not.toContain('under 250 ms');
    await provideFlowInput(workflowId, 'go', false, opts());
  });
});

describe('with the encryption codec', () => {
  const keys = [{ id: 'k1', key: randomBytes(32) }];
  const dataConverter = createDataConverter({ encryption: { keys } });
  const taskQueue = uniqueTaskQueue('progress-sealed');
  const sealed = () => ({ address: address(), namespace: namespace(), taskQueue, dataConverter });
  let worker: TemporalWorkerHandle | undefined;

  beforeAll(async () => {
    // The failure converter runs inside the workflow sandbox too, so the bundle carries it.
    const { code } = await bundleFlowWorkflows({ dataConverter, logger: quietLogger() });
    const bundlePath = join(await mkdtemp(join(tmpdir(), 'progress-bundle-')), 'workflow-bundle.js');
    await writeFile(bundlePath, code);
    worker = await startWorker(taskQueue, { dataConverter, workflowBundle: { codePath: bundlePath } });
  }, 240_000); // bundling takes minutes on a loaded 2-core machine
  afterAll(async () => {
    await worker?.shutdown();
  });

  it('decodes the encrypted heartbeat details; the raw details are ciphertext', async () => {
    const handle = await startFlowWorkflow(slowModelStepsFlow, { calls: 1 }, sealed());
    const step = await waitFor(
      async () => (await getFlowRun(handle.workflowId, sealed())).progress?.stepInFlight,
      10_000,
      'the model step in flight',
    );
    expect(step).toMatchObject({ key: '0', kind: 'model', name: 'progress/slow' });
    const client = await getTemporalClient(sealed());
    const raw = (await client.workflow.getHandle(handle.workflowId).describe()).raw.pendingActivities ?? [];
    const payload = raw[0]?.heartbeatDetails?.payloads?.[0];
    expect(Buffer.from(payload?.metadata?.encoding ?? []).toString()).toBe('binary/encrypted');
    expect(Buffer.from(payload?.data ?? []).includes('progress/slow')).toBe(false);
    await handle.result();
  });
});

function quietLogger() {
  const noop = () => undefined;
  return { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
}
