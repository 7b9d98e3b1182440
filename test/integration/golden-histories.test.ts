// Upgrade guard: histories recorded by earlier versions of the workflow code, committed under test/golden/,
// must replay against the current code. Runs waiting on a person live for days across library upgrades; a change
// that would break them fails here. Record new ones (when the workflow changes compatibly, behind patched())
// with RECORD_GOLDEN_HISTORIES=1: existing files are never overwritten.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';
import { cancelFlowRun, getFlowRun, provideFlowInput, startFlowWorkflow, WORKFLOW_TYPE } from '../../src';
import { getTemporalClient } from '../../src/client/connection';
import { greetFlow } from '../fixtures/basic-flows';
import { failNextModelCall, sixStepFlow } from '../fixtures/durable-flows';
import { longFlow } from '../fixtures/durability-flows';
import { busyStepsFlow } from '../fixtures/failover-flows';
import { approvalFlow } from '../fixtures/hitl-flows';
import { twoAttemptsFlow } from '../fixtures/learned-options-flows';
import { address, namespace, useWorker, waitFor } from '../helpers/temporal';

const GOLDEN = join(__dirname, '..', 'golden');
const VERSION = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version as string;
const { opts } = useWorker('golden');
// Issue 20: workers holding a context key seal each continue-as-new and verify the seal in the next execution.
const contextKeys = [{ id: 'golden', key: randomBytes(32).toString('base64') }];
const sealed = useWorker('golden-sealed', { contextTrust: { contextKeys } });

const waiting = (id: string) =>
  waitFor(async () => (await getFlowRun(id, opts())).status === 'WAITING', 20_000, 'the run to wait');

/** The scenarios whose histories are kept: each returns the finished run's workflow ID. */
const scenarios: Record<string, () => Promise<string | { workflowId: string; runId: string }>> = {
  plain: async () => {
    const handle = await startFlowWorkflow(greetFlow, { name: 'golden', times: 2 }, opts());
    await handle.result();
    return handle.workflowId;
  },
  retried: async () => {
    failNextModelCall('finalize', 'UNAVAILABLE');
    const handle = await startFlowWorkflow(sixStepFlow, 'golden', opts());
    await handle.result();
    return handle.workflowId;
  },
  'waited-for-input': async () => {
    const handle = await startFlowWorkflow(approvalFlow, 'golden', opts());
    await waiting(handle.workflowId);
    await provideFlowInput(handle.workflowId, 'approval', { approved: true, approver: 'ana' }, opts());
    await handle.result();
    return handle.workflowId;
  },
  cancelled: async () => {
    const handle = await startFlowWorkflow(approvalFlow, 'golden-cancel', opts());
    await waiting(handle.workflowId);
    await cancelFlowRun(handle.workflowId, opts());
    await handle.result().catch(() => undefined);
    return handle.workflowId;
  },
  // Issue 12's shape: no describeGenkitFlow (the starter passes the flow's options), no claim Update on the first
  // attempt (its first write claims the run), lastError from the failure instead of a signal.
  'first-write-claims': async () => {
    const handle = await startFlowWorkflow(greetFlow, { name: 'golden-fast', times: 2 }, opts());
    await handle.result();
    return handle.workflowId;
  },
  'first-write-claims-retried': async () => {
    failNextModelCall('finalize', 'UNAVAILABLE');
    const handle = await startFlowWorkflow(sixStepFlow, 'golden-fast', opts());
    await handle.result();
    return handle.workflowId;
  },
  'continued-as-new': async () => {
    const handle = await startFlowWorkflow(longFlow, { steps: 12 }, { ...opts(), continueAsNewAfter: 5 });
    await handle.result();
    return handle.workflowId;
  },
  // Issue 20: the middle execution of a continued run on workers with a context key: it verifies the seal of the
  // state it was handed (a local activity) and seals what it hands on (another), both behind one patch.
  'sealed-continuation': async () => {
    const handle = await startFlowWorkflow(
      longFlow,
      { steps: 12 },
      { ...sealed.opts(), contextKeys, continueAsNewAfter: 5 },
    );
    await handle.result();
    const client = await getTemporalClient(sealed.opts());
    const { raw } = await handle.describe();
    const firstRunId = raw.workflowExecutionInfo?.firstRunId ?? undefined;
    const first = await client.workflow.getHandle(handle.workflowId, firstRunId).fetchHistory();
    const closed = first.events?.[first.events.length - 1];
    const runId = closed?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (!runId) throw new Error('the run did not continue as new');
    return { workflowId: handle.workflowId, runId };
  },
  // Issue 18: a starter that does not know the flow (another process or SDK, by name) asks the run to adopt the
  // flow's workflow-task timeout: the first execution looks the flow up and continues as new with it (kept: that one).
  'adopted-task-timeout': async () => {
    const client = await getTemporalClient(opts());
    const handle = await client.workflow.start(WORKFLOW_TYPE, {
      taskQueue: opts().taskQueue,
      workflowId: `golden-adopt-${Date.now()}`,
      args: [
        { flowName: busyStepsFlow.__action.name, input: { topic: 'golden', steps: 2 }, adoptFlowTaskTimeout: true },
      ],
      workflowTaskTimeout: '10s',
    });
    await handle.result();
    return { workflowId: handle.workflowId, runId: handle.firstExecutionRunId };
  },
  // Issue 24: a starter that does not know the flow asks the run to learn its options from the first attempt (no
  // lookup): a flow they let run at once, one that fails (the options come with the failure), and one they do not
  // (its 3 s heartbeat timeout): that attempt only reports them, the next runs the flow and is retried.
  'learned-options': async () => byName(greetFlow.__action.name, { name: 'golden-learn', times: 2 }),
  'learned-options-failed': async () => byName(twoAttemptsFlow.__action.name, 'golden'),
  'learned-options-not-run': async () => {
    failNextModelCall('finalize', 'UNAVAILABLE');
    return byName(sixStepFlow.__action.name, 'golden-learn');
  },
};

/** Starts `flowName` as a starter that does not know the flow does (`startFlowWorkflow` by name, elsewhere). */
async function byName(flowName: string, input: unknown): Promise<string> {
  const client = await getTemporalClient(opts());
  const handle = await client.workflow.start(WORKFLOW_TYPE, {
    taskQueue: opts().taskQueue,
    workflowId: `golden-${flowName}-${Date.now()}`,
    args: [{ flowName, input, learnOptions: true }],
  });
  await handle.result().catch(() => undefined);
  return handle.workflowId;
}

/** The history as the Temporal CLI exports it (`temporal workflow show --output json`): what users attach too. */
function exportHistory(run: string | { workflowId: string; runId: string }): string {
  const { workflowId, runId } = typeof run === 'string' ? { workflowId: run, runId: undefined } : run;
  return execFileSync(
    inject('temporalCliPath'),
    [
      'workflow',
      'show',
      '--workflow-id',
      workflowId,
      ...(runId ? ['--run-id', runId] : []),
      '--output',
      'json',
      '--address',
      address(),
      '--namespace',
      namespace(),
    ],
    { encoding: 'utf8' },
  );
}

describe('golden histories', () => {
  // Recording is a tool, not a check: registered only when asked for, so normal runs do not count it as skipped.
  if (process.env.RECORD_GOLDEN_HISTORIES === '1')
    it('records the scenarios of this version', async () => {
      for (const [name, run] of Object.entries(scenarios)) {
        const file = join(GOLDEN, `${VERSION}-${name}.json`);
        if (!existsSync(file)) writeFileSync(file, exportHistory(await run()));
      }
    });

  const files = existsSync(GOLDEN) ? readdirSync(GOLDEN).filter((f) => f.endsWith('.json')) : [];

  it('keeps a history of every scenario', () => {
    for (const name of Object.keys(scenarios))
      expect(
        files.some((f) => f.endsWith(`-${name}.json`)),
        name,
      ).toBe(true);
  });

  it.each(files)('%s replays against the current workflow code', async (file) => {
    const history = JSON.parse(readFileSync(join(GOLDEN, file), 'utf8'));
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, file),
    ).resolves.toBeUndefined();
  });
});
