// A user's own Worker.create with genkitWorkerPlugin(): their workflow code (re-exporting runGenkitFlow) runs
// Genkit flows as child workflows, and the traps fail at once with a clear error. SIGTERM failover with the plugin,
// a wall-clock bound, is in worker-plugin-failover.test.ts (which runs alone).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bundleFlowWorkflows, closeTemporalClients, genkitWorkerPlugin, startTemporalWorker } from '../../src';
import { sealedWorkflowNames } from '../../src/worker/workflow-bundle-seal';
import '../fixtures/basic-flows';
import { activityStarts, address, namespace, newClient, uniqueTaskQueue } from '../helpers/temporal';

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
