// Usage and budgets on a real dev server. Usage: real worker processes run a flow whose scripted model reports
// usage; the flow fails after two paid calls (a retry), then a worker is SIGKILLed in the middle of a call (a
// failover). The run's totals must count each paid call once and each replayed call apart, and match the ledger of
// calls the model answered, kept in a file outside the workers. Budgets: a run that reaches its budget waits for
// approval holding no activity, goes on when approved, fails RESOURCE_EXHAUSTED when refused or on `fail`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUDGET_INPUT_NAME,
  cancelFlowRun,
  closeTemporalClients,
  FlowRunError,
  getFlowRun,
  getTemporalClient,
  provideFlowInput,
  startFlowWorkflow,
  type FlowRun,
} from '../../src';
import type { CallableRequest } from 'firebase-functions/v2/https';
import { onCallFlowRun } from '../../src/firebase';
import { bearerTokenAuth, createFlowApi } from '../../src/http';
import { createRunConsole } from '../../src/http/console/run-console';
import { journalQuery } from '../../src/workflows/messages';
import { readLedger } from '../harness/ledger';
import { budgetFlow, slowUsageFlow, USAGE_MODEL, usageFlow, usageFor, usageModel } from '../fixtures/usage-flows';
import { address, namespace, uniqueTaskQueue, useWorker, waitFor } from '../helpers/temporal';
import { spawnWorker, type WorkerProcess } from '../helpers/worker-process';

/** USD of `tokens` calls at the fixture's prices (1 $/M input, 4 $/M output). */
const usd = (input: number, output: number) => (input * 1 + output * 4) / 1e6;

describe('usage across a retry and a SIGKILL failover (worker processes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'usage-'));
  const ledgerFile = join(dir, 'ledger.txt');
  const gateFile = join(dir, 'gate');
  const env = { LEDGER_FILE: ledgerFile, GATE_FILE: gateFile, FAIL_DIR: join(dir, 'fail') };
  const workers: WorkerProcess[] = [];
  let taskQueue: string;

  beforeAll(async () => {
    taskQueue = uniqueTaskQueue('usage');
    workers.push(...(await Promise.all([spawnWorker(taskQueue, env), spawnWorker(taskQueue, env)])));
  });
  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await closeTemporalClients();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts each paid call once, replayed calls apart, and matches the ledger kept outside the workers', async () => {
    const opts = { address: address(), namespace: namespace(), taskQueue };
    const handle = await startFlowWorkflow(usageFlow, 'otters', opts);
    const ledger = () => readLedger(ledgerFile).filter((l) => l.run === handle.workflowId);
    // Attempt 1 pays c0 and c1 and fails; attempt 2 replays them, pays c2 and is held inside c3.
    const held = await waitFor(
      () => ledger().find((l) => l.ev === 'start' && l.step.endsWith('c3 hold')),
      30_000,
      'the call c3 to start',
    );
    const victim = workers.find((w) => w.pid === held.pid && w.child.exitCode === null)!;
    expect(victim).toBeDefined();
    victim.child.kill('SIGKILL');
    await victim.exited;
    writeFileSync(gateFile, 'open');
    const result = await handle.result();
    expect(result).toEqual(['c0', 'c1', 'c2', 'c3 hold', 'c4'].map((c) => `answer to otters ${c}`));

    // The provider's bill: every call that answered, once per answer (the killed c3 never answered).
    const answered = ledger().filter((l) => l.ev === 'model');
    expect(answered.map((l) => l.step.replace('model:otters ', ''))).toEqual(['c0', 'c1', 'c2', 'c3 hold', 'c4']);
    const billedTokens = answered.reduce((sum, l) => sum + l.tokens!, 0);
    // Two attempts began c3 (the killed one and the one that finished it).
    expect(ledger().filter((l) => l.ev === 'start' && l.step.endsWith('c3 hold'))).toHaveLength(2);

    const run = await getFlowRun(handle.workflowId, opts);
    const { paid, replayed } = run.usage!;
    const each = ['c0', 'c1', 'c2', 'c3', 'c4'].map(usageFor);
    const input = each.reduce((s, u) => s + u.inputTokens, 0);
    const output = each.reduce((s, u) => s + u.outputTokens, 0);
    expect(paid.calls).toBe(answered.length);
    expect(paid.inputTokens + paid.outputTokens).toBe(billedTokens);
    expect(paid).toMatchObject({ calls: 5, inputTokens: input, outputTokens: output, cost: usd(input, output) });
    expect(paid.byModel[USAGE_MODEL].calls).toBe(5);
    // Replayed: c0 and c1 by attempt 2 (after the retry), c0–c2 by attempt 3 (after the failover).
    const [c0, c1, c2] = each;
    const replayedIn = 2 * (c0.inputTokens + c1.inputTokens) + c2.inputTokens;
    expect(replayed).toMatchObject({ calls: 5, inputTokens: replayedIn });
    // Every model entry of the journal carries its usage and cost.
    const journal = await handle.query(journalQuery);
    expect(journal.filter((e) => e.kind === 'model').map((e) => e.usage)).toEqual(
      each.map((u) => ({ ...u, cost: usd(u.inputTokens, u.outputTokens) })),
    );
    // The memo has the same totals, for lists of runs and for readers without a worker.
    const memo = (await handle.describe()).memo?.genkitUsage;
    expect(memo).toEqual(run.usage);
    workers.splice(workers.indexOf(victim), 1);
  });
});

describe('budgets', () => {
  const { opts } = useWorker('budget');

  async function waitingForBudget(workflowId: string): Promise<FlowRun> {
    return waitFor(
      async () => {
        const run = await getFlowRun(workflowId, opts());
        return run.status === 'WAITING' && run.pendingInputs[0]?.name === BUDGET_INPUT_NAME ? run : undefined;
      },
      20_000,
      'the run to wait for budget approval',
    );
  }

  it('waits for approval holding no activity, and goes on when approved', async () => {
    const handle = await startFlowWorkflow(budgetFlow, 'approved', opts());
    const run = await waitingForBudget(handle.workflowId);
    expect(run.pendingInputs[0].description).toContain('224 tokens');
    expect(run.usage!.paid.calls).toBe(2);
    // No attempt runs while it waits: nothing scheduled, nothing holding a worker slot.
    expect((await handle.describe()).raw.pendingActivities ?? []).toHaveLength(0);
    await provideFlowInput(handle.workflowId, BUDGET_INPUT_NAME, { approved: true }, opts());
    expect(await handle.result()).toEqual(['c0', 'c2', 'c3'].map((c) => `answer to approved ${c}`));
    const journal = await handle.query(journalQuery);
    expect(journal.find((e) => e.kind === 'input')).toMatchObject({
      name: BUDGET_INPUT_NAME,
      output: { approved: true },
    });
    expect((await getFlowRun(handle.workflowId, opts())).usage!.paid.calls).toBe(3);
  });

  it('the HTTP API and the run callable show the usage, the API takes the approval; the run console shows the usage', async () => {
    const tokens = { 'budget-owner-0123456789': 'ana' };
    const auth = { Authorization: 'Bearer budget-owner-0123456789' };
    const api = createFlowApi({ ...opts(), flows: [budgetFlow], auth: bearerTokenAuth({ tokens }) });
    const handle = await startFlowWorkflow(budgetFlow, 'api', { ...opts(), principal: 'ana' });
    await waitingForBudget(handle.workflowId);
    const view = await (await api.request(`/runs/${handle.workflowId}`, { headers: auth })).json();
    expect(view.pendingInputs[0].name).toBe(BUDGET_INPUT_NAME);
    expect(view.usage.paid).toMatchObject({ calls: 2, inputTokens: 202, outputTokens: 22, cost: usd(202, 22) });
    const page = await createRunConsole({ ...opts(), flows: [budgetFlow], auth: bearerTokenAuth({ tokens }) }).request(
      `/console/runs/${handle.workflowId}`,
      { headers: auth },
    );
    const html = await page.text();
    expect(page.status, html.slice(0, 500)).toBe(200);
    expect(html).toContain('id="run-usage"');
    expect(html).toContain(`2 calls · 202 in / 22 out tokens · $${usd(202, 22)}`);
    // The run callable's `get` shows the same totals to the signed-in owner.
    const callable = onCallFlowRun({ temporal: opts() }) as unknown as {
      run: (request: CallableRequest) => Promise<{ usage?: unknown }>;
    };
    const auth_ = { uid: 'ana', token: { uid: 'ana', sub: 'ana' } as never, rawToken: 'RAW.ID.TOKEN' };
    const got = await callable.run({
      data: { action: 'get', workflowId: handle.workflowId },
      auth: auth_,
      rawRequest: {} as never,
      acceptsStreaming: false,
    });
    expect(got.usage).toEqual(view.usage);
    const answered = await api.request(`/runs/${handle.workflowId}/inputs/${BUDGET_INPUT_NAME}`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ data: { approved: true, tokens: 500 } }),
    });
    expect(answered.status).toBe(200);
    expect((await handle.result()).length).toBe(3);
  });

  it('with usageSearchAttributes, runs can be listed by what they paid (GenkitCost, GenkitTokens)', async () => {
    const handle = await startFlowWorkflow(budgetFlow, 'listed', {
      ...opts(),
      budget: { tokens: 10_000 },
      usageSearchAttributes: true,
    });
    await handle.result();
    const client = await getTemporalClient(opts());
    const query = `WorkflowId = "${handle.workflowId}" AND GenkitTokens >= 340 AND GenkitCost > 0.0003`;
    const listed = await waitFor(
      async () => {
        const found = [];
        for await (const run of client.workflow.list({ query })) found.push(run);
        return found.length ? found : undefined;
      },
      10_000,
      'the run to be listed by cost',
    );
    expect(listed).toHaveLength(1);
    // 110 + 114 + 116 tokens: 305 input and 35 output.
    const attributes = (await handle.describe()).searchAttributes;
    expect(attributes.GenkitTokens).toEqual([340]);
    expect(attributes.GenkitCost).toEqual([usd(305, 35)]);
  });

  it('fails with RESOURCE_EXHAUSTED when the approval is refused, without retrying', async () => {
    const handle = await startFlowWorkflow(budgetFlow, 'denied', opts());
    await waitingForBudget(handle.workflowId);
    await provideFlowInput(handle.workflowId, BUDGET_INPUT_NAME, { approved: false }, opts());
    await expect(handle.result()).rejects.toThrow();
    const run = await getFlowRun(handle.workflowId, opts());
    expect(run.error).toBeInstanceOf(FlowRunError);
    expect(run.error).toMatchObject({ status: 'RESOURCE_EXHAUSTED', failureType: 'BudgetExceeded' });
    expect(run.progress?.attempt).toBe(1);
    expect(run.usage!.paid.calls).toBe(2);
  });

  it("fails with RESOURCE_EXHAUSTED at once on the 'fail' policy (a start option replaces the flow's budget)", async () => {
    const handle = await startFlowWorkflow(budgetFlow, 'policy', {
      ...opts(),
      budget: { tokens: 100, onExceed: 'fail' },
    });
    await expect(handle.result()).rejects.toThrow();
    const run = await getFlowRun(handle.workflowId, opts());
    expect(run.error).toMatchObject({ status: 'RESOURCE_EXHAUSTED', failureType: 'BudgetExceeded', attempts: 1 });
    expect(run.usage!.paid.calls).toBe(1);
    expect(run.pendingInputs).toEqual([]);
  });
});

describe('a cancelled run', () => {
  const { opts } = useWorker('usage-cancel');

  it('reports what it paid before the call that was aborted', async () => {
    const handle = await startFlowWorkflow(slowUsageFlow, 'cancelled', opts());
    const abortsBefore = usageModel.aborts;
    await waitFor(
      async () => (await getFlowRun(handle.workflowId, opts())).progress?.stepInFlight?.kind === 'model',
      20_000,
      'the slow call to be in flight',
    );
    await cancelFlowRun(handle.workflowId, opts());
    await expect(handle.result()).rejects.toThrow();
    await waitFor(() => usageModel.aborts > abortsBefore || undefined, 10_000, 'the slow call to be aborted');
    const run = await getFlowRun(handle.workflowId, opts());
    expect(run.status).toBe('CANCELLED');
    const c0 = usageFor('c0');
    expect(run.usage!.paid).toMatchObject({ calls: 1, inputTokens: c0.inputTokens, outputTokens: c0.outputTokens });
    // The closed run's memo holds the same, for readers without a worker.
    expect((await handle.describe()).memo?.genkitUsage).toMatchObject({ paid: { calls: 1 } });
  });
});
