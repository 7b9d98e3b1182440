// The upgrade check on a dev server: 30 runs of a flow parked at a waitForInput after a model call; a new revision
// that changes the prompt before the wait is reported incompatible at that step for all 30, naming both prompts;
// the unchanged flow is reported compatible; the check changes no run (histories identical before and after), and
// calls no model. The CLI gives the same verdicts as exit codes, and exit code 2 for what the user must fix.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { google } from '@temporalio/proto';
import { Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelFlowRun, checkUpgrade, getFlowRun, getTemporalClient, startFlowWorkflow } from '../../src';
import { fingerprint } from '../../src/client/fingerprint';
import { FLOW_NAME, promptV1, promptV2, quoteRevision } from '../fixtures/upgrade-flows';
import { address, namespace, startWorker, uniqueTaskQueue, useWorker, waitFor } from '../helpers/temporal';

// 30 by default; set UPGRADE_CHECK_RUNS (e.g. 300) to measure the check on more runs.
const RUNS = Number(process.env.UPGRADE_CHECK_RUNS ?? 30);
const current = quoteRevision(promptV1, { register: true }); // what the workers run
const { opts, stop, restart } = useWorker('upgrade');
const handles: Array<{ workflowId: string }> = [];

/**
 * Every run's events: their count, last type and a fingerprint of all of them (stable JSON: the server does not
 * keep the order of map fields such as payload metadata between reads). Equal before and after: nothing changed.
 */
async function histories() {
  const client = await getTemporalClient(opts());
  return Promise.all(
    handles.map(async ({ workflowId }) => {
      const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
      return { workflowId, events: events.length, last: events.at(-1)?.eventType, all: fingerprint(events) };
    }),
  );
}

async function openRunsListed(ns: string, count: number) {
  const client = await getTemporalClient({ ...opts(), namespace: ns });
  const query = `WorkflowType = "runGenkitFlow" AND ExecutionStatus = "Running"`;
  await waitFor(async () => (await client.workflow.count(query)).count >= count, 20_000, `${count} runs listed`);
}

beforeAll(
  async () => {
    for (let i = 0; i < RUNS; i += 50) {
      const batch = Array.from({ length: Math.min(50, RUNS - i) }, (_, j) => `item-${i + j}`);
      handles.push(...(await Promise.all(batch.map((item) => startFlowWorkflow(current.flow, item, opts())))));
    }
    await waitFor(
      async () => {
        const runs = await Promise.all(handles.map((h) => getFlowRun(h.workflowId, opts())));
        return runs.every((r) => r.status === 'WAITING' && r.pendingInputs[0]?.name === 'approval');
      },
      60_000 + RUNS * 200,
      `${RUNS} runs to wait for approval`,
    );
    await openRunsListed(namespace(), RUNS);
  },
  120_000 + RUNS * 300,
);

afterAll(async () => {
  await Promise.all(handles.map((h) => cancelFlowRun(h.workflowId, opts()).catch(() => undefined)));
});

describe('checkUpgrade', () => {
  it(
    `a changed prompt before the wait: all ${RUNS} incompatible at the model step, naming both prompts; the same code: all compatible; no run changed`,
    async () => {
      const before = await histories();
      const changed = quoteRevision(promptV2);

      const startedAt = Date.now();
      const report = await checkUpgrade({ ...opts(), flows: [changed.flow] });
      const incompatibleMs = Date.now() - startedAt;
      expect(report).toMatchObject({ ok: false, listedBy: 'search-attribute' });
      expect(report.flows).toHaveLength(1);
      expect(report.flows[0]).toMatchObject({ flowName: FLOW_NAME, checked: RUNS, compatible: 0, incompatible: RUNS });
      const byId = new Map(report.flows[0].problems.map((p) => [p.workflowId, p]));
      handles.forEach(({ workflowId }, i) =>
        expect(byId.get(workflowId)).toMatchObject({
          status: 'incompatible',
          end: 'changed-step',
          step: '0',
          recorded: { kind: 'model', name: 'upgrade/model', about: `user: "${promptV1(`item-${i}`)}"` },
          asked: { kind: 'model', name: 'upgrade/model', about: `user: "${promptV2(`item-${i}`)}"` },
        }),
      );

      const same = quoteRevision(promptV1);
      const t2 = Date.now();
      const ok = await checkUpgrade({ ...opts(), flows: [same.flow] });
      const compatibleMs = Date.now() - t2;
      expect(ok).toMatchObject({
        ok: true,
        flows: [{ flowName: FLOW_NAME, checked: RUNS, compatible: RUNS, problems: [] }],
      });
      // By name: the flow registered in this process (the one the workers run) is compatible with its own runs.
      expect((await checkUpgrade({ ...opts(), flows: [FLOW_NAME] })).flows[0]).toMatchObject({ compatible: RUNS });

      // Nothing live: no revision's model was called by a check (the workers' model paid once per run).
      expect(changed.model.calls).toBe(0);
      expect(same.model.calls).toBe(0);
      expect(current.model.calls).toBe(RUNS);
      expect(await histories()).toEqual(before);
      console.log(
        `upgrade check of ${RUNS} runs: ${incompatibleMs} ms (incompatible), ${compatibleMs} ms (compatible)`,
      );
      expect(incompatibleMs).toBeLessThan(15_000 + RUNS * 50);
    },
    60_000 + RUNS * 500,
  );

  it('maxRuns bounds the runs checked per flow', async () => {
    const report = await checkUpgrade({ ...opts(), flows: [quoteRevision(promptV1).flow], maxRuns: 5 });
    expect(report.flows[0]).toMatchObject({ checked: 5, compatible: 5 });
  });

  it('refuses a flow whose Genkit instance is not journaled (its calls would run live)', async () => {
    const { genkit } = await import('genkit');
    const plain = genkit({}).defineFlow(FLOW_NAME, async () => 'x');
    await expect(checkUpgrade({ ...opts(), flows: [plain] })).rejects.toMatchObject({ name: 'FlowNotJournaled' });
  });
});

describe('check-upgrade (CLI)', () => {
  const exec = promisify(execFile);
  const cli = (...args: string[]) =>
    exec(process.execPath, ['--import', 'tsx', 'src/scaffold/cli.ts', 'check-upgrade', ...args], {
      env: { ...process.env, TEMPORAL_TASK_QUEUE: undefined },
      timeout: 60_000,
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (err: { code: number; stdout: string; stderr: string }) => ({
        code: err.code,
        stdout: err.stdout,
        stderr: err.stderr,
      }),
    );
  const server = () => ['--address', address(), '--namespace', namespace()];

  it('exit 1 and the report for the changed revision; exit 0 for the unchanged one; exit 2 for what to fix', async () => {
    const before = await histories();
    const changed = await cli('--flows', 'test/fixtures/upgrade-flows-v2.ts', ...server(), '--json');
    expect(changed.code).toBe(1);
    const report = JSON.parse(changed.stdout);
    expect(report.flows[0]).toMatchObject({ flowName: FLOW_NAME, checked: RUNS, incompatible: RUNS });

    const same = await cli('--flows', 'test/fixtures/upgrade-flows-v1.ts', ...server());
    expect(same).toMatchObject({ code: 0 });
    expect(same.stdout).toContain(`${FLOW_NAME}: ${RUNS} open run(s): ${RUNS} compatible, 0 incompatible`);
    expect(await histories()).toEqual(before);

    const missing = await cli(...server());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--flows <module> is required');
    const noModule = await cli('--flows', 'test/fixtures/does-not-exist.ts', ...server());
    expect(noModule.code).toBe(2);
    expect(noModule.stderr).toContain('does-not-exist.ts did not load');
    const noFlows = await cli('--flows', 'test/fixtures/upgrade-no-flows.ts', ...server());
    expect(noFlows.code).toBe(2);
    expect(noFlows.stderr).toContain('no flows to check');
    const unreachable = await cli('--flows', 'test/fixtures/upgrade-flows-v1.ts', '--address', '127.0.0.1:1');
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain('127.0.0.1:1');
  }, 120_000);
});

describe('a namespace without the GenkitFlow search attribute', () => {
  const bare = `upgrade-bare-${randomUUID().slice(0, 8)}`;
  const taskQueue = uniqueTaskQueue('upgrade-bare');
  let connection: Connection;

  it('lists the open runs by their memo, says so, and reports them the same way', async () => {
    connection = await Connection.connect({ address: address() });
    await connection.workflowService.registerNamespace({
      namespace: bare,
      workflowExecutionRetentionPeriod: google.protobuf.Duration.fromObject({ seconds: 86_400 }),
    });
    const worker = await waitFor(() => startWorker(taskQueue, { namespace: bare }).catch(() => undefined), 20_000);
    const where = { address: address(), namespace: bare, taskQueue };
    try {
      const bareRuns: Array<{ workflowId: string }> = [];
      for (let i = 0; i < 3; i++) bareRuns.push(await startFlowWorkflow(current.flow, `bare-${i}`, where));
      await waitFor(async () => {
        const runs = await Promise.all(bareRuns.map((h) => getFlowRun(h.workflowId, where)));
        return runs.every((r) => r.status === 'WAITING');
      }, 30_000);
      await openRunsListed(bare, 3);
      const report = await checkUpgrade({ ...where, flows: [quoteRevision(promptV2).flow] });
      expect(report).toMatchObject({ listedBy: 'memo', ok: false, flows: [{ checked: 3, incompatible: 3 }] });
      await Promise.all(bareRuns.map((h) => cancelFlowRun(h.workflowId, where)));
    } finally {
      await worker.shutdown();
      await connection.close();
    }
  }, 90_000);
});

describe('with no worker to answer the journal query', () => {
  it('the runs are reported not checked, and the check is not ok', async () => {
    await stop();
    try {
      const report = await checkUpgrade({
        ...opts(),
        flows: [quoteRevision(promptV1).flow],
        maxRuns: 3,
        queryTimeoutMs: 500,
      });
      expect(report).toMatchObject({
        ok: false,
        flows: [{ checked: 3, compatible: 0, incompatible: 0, unchecked: 3 }],
      });
      expect(report.flows[0].problems[0]).toMatchObject({ status: 'unchecked', end: 'unreadable' });
    } finally {
      await restart();
    }
  }, 30_000);
});
