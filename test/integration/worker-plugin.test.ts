// A user's own Worker.create with genkitWorkerPlugin(): their workflow code (re-exporting runGenkitFlow) runs
// Genkit flows as child workflows, the traps fail at once with a clear error, and SIGTERM fails over as fast as
// with startTemporalWorker (real worker processes).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  bundleFlowWorkflows,
  closeTemporalClients,
  genkitWorkerPlugin,
  startFlowWorkflow,
  startTemporalWorker,
} from '../../src';
import { sealedWorkflowNames } from '../../src/worker/workflow-bundle-seal';
import { journalQuery, progressQuery } from '../../src/workflows/messages';
import '../fixtures/basic-flows';
import { sixStepFlow } from '../fixtures/durable-flows';
import { readLedger } from '../harness/ledger';
import { activityStarts, address, namespace, newClient, uniqueTaskQueue, waitFor } from '../helpers/temporal';
import { spawnWorker, type WorkerProcess } from '../helpers/worker-process';

const fixtures = resolve(__dirname, '../fixtures');
const dir = mkdtempSync(join(tmpdir(), 'worker-plugin-'));
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };
let connection: NativeConnection;

beforeAll(async () => {
  connection = await NativeConnection.connect({ address: address() });
});
afterAll(async () => {
  await connection?.close();
  await closeTemporalClients();
  rmSync(dir, { recursive: true, force: true });
});

describe("a user's own Worker.create with genkitWorkerPlugin()", () => {
  it('runs their workflow, which runs a Genkit flow as a child; a direct call of the flow activity fails once', async () => {
    const taskQueue = uniqueTaskQueue('own-worker');
    const worker = await Worker.create({
      connection,
      namespace: namespace(),
      taskQueue,
      workflowsPath: join(fixtures, 'own-workflows.ts'),
      activities: { greet: async (name: string) => `welcome ${name}` },
      plugins: [genkitWorkerPlugin()],
    });
    expect(worker.options.maxHeartbeatThrottleIntervalMs).toBe(1_000);
    expect(worker.options.stickyQueueScheduleToStartTimeoutMs).toBe(1_000);
    expect(worker.options.shutdownGraceTimeMs).toBe(8_000);
    const client = await newClient();
    await worker.runUntil(async () => {
      const out = await client.workflow.execute('welcomeWorkflow', {
        args: ['ann'],
        taskQueue,
        workflowId: `welcome-${taskQueue}`,
      });
      expect(out).toBe('welcome ann | hello ann, hello ann');

      const misused = await client.workflow.start('misusedActivityWorkflow', {
        taskQueue,
        workflowId: `misused-${taskQueue}`,
      });
      const err = await misused.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const activity = (err as WorkflowFailedError).cause;
      expect(activity).toBeInstanceOf(ActivityFailure);
      const failure = (activity as ActivityFailure).cause as ApplicationFailure;
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure.type).toBe('GenkitActivityOutsideRunGenkitFlow');
      expect(failure.nonRetryable).toBe(true);
      expect(failure.message).toContain('as a child workflow');
      expect(failure.message).toContain('misusedActivityWorkflow');
      // Failed once, although its retry policy allowed 5 attempts.
      expect((await activityStarts(misused)).map((a) => a.attempt)).toEqual([1]);
    });
    await client.connection.close();
  }, 120_000);

  it('fails at worker creation when their workflow code does not export runGenkitFlow', async () => {
    const taskQueue = uniqueTaskQueue('no-flow');
    const expected = {
      name: 'GenkitWorkflowNotExported',
      message: expect.stringMatching(/does not export "runGenkitFlow".*It exports: reminderWorkflow/s),
    };
    const workflowsPath = join(fixtures, 'no-flow-workflows.ts');
    const started = Date.now();
    await expect(
      Worker.create({ connection, namespace: namespace(), taskQueue, workflowsPath, plugins: [genkitWorkerPlugin()] }),
    ).rejects.toMatchObject(expected);
    expect(Date.now() - started).toBeLessThan(30_000);
    // A prebuilt bundle is checked too, and startTemporalWorker (the preset over the plugin) does the same.
    const { code } = await bundleWorkflowCode({ workflowsPath, logger: quiet });
    const codePath = join(dir, 'no-flow-bundle.js');
    writeFileSync(codePath, code);
    await expect(
      startTemporalWorker({
        connection,
        address: address(),
        namespace: namespace(),
        taskQueue,
        workflowBundle: { codePath },
        handleSignals: false,
      }),
    ).rejects.toMatchObject(expected);
    // bundleFlowWorkflows runs the same check at build time (it seals the result into the bundles it makes).
    await expect(bundleFlowWorkflows({ workflowsPath, logger: quiet })).rejects.toMatchObject(expected);
  }, 120_000);

  it("judges the suite's prebuilt bundle by its seal, and a bundle edited after sealing by loading it", async () => {
    const code = readFileSync(inject('workflowBundlePath'), 'utf8');
    expect(sealedWorkflowNames(code)).toContain('runGenkitFlow');
    // Edited after the build: the seal no longer holds, so the worker loads the code to check it and fails.
    const dropRunGenkitFlow =
      '{ const all = __TEMPORAL__.importWorkflows; __TEMPORAL__.importWorkflows = () => { const { runGenkitFlow, ...rest } = all(); return rest; }; }\n';
    const edited = code.replace('//# genkitx-temporal-workflows', `${dropRunGenkitFlow}//# genkitx-temporal-workflows`);
    expect(edited).not.toBe(code);
    expect(sealedWorkflowNames(edited)).toBeUndefined();
    const codePath = join(dir, 'edited-bundle.js');
    writeFileSync(codePath, edited);
    const taskQueue = uniqueTaskQueue('edited-bundle');
    await expect(
      Worker.create({
        connection,
        namespace: namespace(),
        taskQueue,
        workflowBundle: { codePath },
        plugins: [genkitWorkerPlugin()],
      }),
    ).rejects.toMatchObject({
      name: 'GenkitWorkflowNotExported',
      message: expect.stringContaining('It exports: attemptFailedSignal'),
    });
  }, 120_000);
});

describe('SIGTERM failover with the plugin on a user-built worker (real processes)', () => {
  const ledgerFile = join(dir, 'ledger.txt');
  const gateFile = join(dir, 'gate');
  const env = { LEDGER_FILE: ledgerFile, GATE_FILE: gateFile };
  const workers: WorkerProcess[] = [];
  let taskQueue: string;

  const ledger = () => readLedger(ledgerFile);
  const count = (step: string) => ledger().filter((e) => e.step === step).length;

  beforeAll(async () => {
    taskQueue = uniqueTaskQueue('plugin-failover');
    const { code } = await bundleWorkflowCode({ workflowsPath: join(fixtures, 'own-workflows.ts'), logger: quiet });
    const bundlePath = join(dir, 'own-bundle.js');
    writeFileSync(bundlePath, code);
    const program = { script: 'plugin-worker-process.ts', bundlePath };
    workers.push(...(await Promise.all([spawnWorker(taskQueue, env, program), spawnWorker(taskQueue, env, program)])));
  }, 180_000);
  afterAll(() => {
    for (const w of workers) w.child.kill('SIGKILL');
  });

  it('the worker exits 0 within 10 s and the next attempt starts on the other worker within 2 s', async () => {
    const opts = { address: address(), namespace: namespace(), taskQueue };
    const handle = await startFlowWorkflow(sixStepFlow, 'otters', opts);
    await waitFor(async () => (await handle.query(journalQuery)).length >= 3, 30_000, 'step 3 to be acknowledged');
    const charge = await waitFor(() => ledger().find((e) => e.step === 'step:charge'), 10_000, 'step 4 to start');
    const victim = workers.find((w) => w.pid === charge.pid)!;
    expect(victim).toBeDefined();

    const signalledAt = Date.now();
    victim.child.kill('SIGTERM');
    const code = await victim.exited;
    const exitMs = Date.now() - signalledAt;
    expect(code, victim.output()).toBe(0);
    expect(exitMs).toBeLessThan(10_000);
    await waitFor(() => count('step:charge') === 2, 10_000, 'step 4 to start on the second worker');
    writeFileSync(gateFile, 'open');
    await handle.result();

    const starts = await activityStarts(handle);
    const last = starts[starts.length - 1];
    expect(starts).toHaveLength(2);
    expect((await handle.query(progressQuery)).attempt).toBe(1); // failover spends no retry budget
    console.log(`[plugin failover] next attempt ${last.time - signalledAt} ms after SIGTERM; exit after ${exitMs} ms`);
    expect(last.time - signalledAt).toBeLessThan(2_000);
    expect(count('step:charge')).toBe(2);
    expect(count('model:finalize')).toBe(1);
  }, 120_000);
});
