// Journals come only from the workflow itself (issue 20), on the real dev server with the production settings on:
// context keys and encryption keys from the environment, as the Cloud Run worker entry reads them, and a workflow
// bundle with the encrypting failure converter. The attacker may start workflows in the namespace and read
// decrypted history: they take alice's finished signed run, whose approval she denied, and start it again with a
// made-up journal saying she approved — as a cron workflow (from its 2nd run on, the run looks continued), by
// resetting such a run, and through a schedule. Each is refused with INVALID_ARGUMENT before any attempt starts,
// and the step ledger shows that no step ran. Legitimate continue-as-new, reset and key rotation keep working.
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFlowWorkflow } from '../../src/client/start-flow';
import { createDataConverter } from '../../src/codec';
import { dataConverterFromEnv } from '../../src/codec/data-converter';
import { closeTemporalClients } from '../../src/client/connection';
import { getFlowRun, provideFlowInput } from '../../src/client/flow-runs';
import { startTemporalWorker, bundleFlowWorkflows, type TemporalWorkerHandle } from '../../src/worker/start-worker';
import { journalQuery } from '../../src/workflows/messages';
import type { FlowRunRequest, JournalEntry } from '../../src/common/types';
import { journalApprovalFlow, journalLongFlow, stepLedger } from '../fixtures/journal-trust-flows';
import { address, namespace, uniqueTaskQueue, waitFor } from '../helpers/temporal';

const keyOf = () => randomBytes(32).toString('base64');
const k1 = { id: 'k1', key: keyOf() };
const k2 = { id: 'k2', key: keyOf() };
// The production settings, from the environment only (as cloudrun/worker reads them).
process.env.GENKITX_CONTEXT_KEYS = `${k1.id}:${k1.key}`;
process.env.GENKITX_ENCRYPTION_KEYS = `e1:${keyOf()}`;

const taskQueue = uniqueTaskQueue('forged-journal');
const conn = (queue = taskQueue) => ({ address: address(), namespace: namespace(), taskQueue: queue });
const alice = { auth: { uid: 'alice', token: { email: 'alice@example.com' } } };
const workers: TemporalWorkerHandle[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
let bundleCode: string;
/** The attacker: namespace access and the codec's key (reads decrypted history, starts workflows). */
let attacker: Client;

const startWorker = async (queue: string, contextKeys?: { id: string; key: string }[]) => {
  const worker = await startTemporalWorker({
    ...conn(queue),
    workflowBundle: { code: bundleCode },
    handleSignals: false,
    shutdownGraceTime: '2s',
    ...(contextKeys && { contextTrust: { contextKeys } }),
  });
  workers.push(worker);
  return worker;
};

beforeAll(async () => {
  // The Cloud Run image's bundle: with the encrypting failure converter (a worker that encrypts refuses others).
  bundleCode = (await bundleFlowWorkflows({ dataConverter: createDataConverter({ encryptFailures: true }) })).code;
  await startWorker(taskQueue); // keys from GENKITX_CONTEXT_KEYS
  const connection = await Connection.connect({ address: address() });
  attacker = new Client({ connection, namespace: namespace(), dataConverter: dataConverterFromEnv() });
}, 180_000);

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  for (const w of workers) await w.shutdown().catch(() => undefined);
  await attacker?.connection.close();
  await closeTemporalClients();
});

const waiting = (workflowId: string, queue = taskQueue) =>
  waitFor(async () => (await getFlowRun(workflowId, conn(queue))).status === 'WAITING', 20_000, 'the run to wait');

/** Payloads decoded as the codec's key holder decodes them (the codec server, `temporal --codec-endpoint`). */
async function decoded(payloads: Payload[] | null | undefined): Promise<unknown[]> {
  let plain = payloads ?? [];
  for (const codec of [...(dataConverterFromEnv()?.payloadCodecs ?? [])].reverse()) plain = await codec.decode(plain);
  return plain.map((p) => defaultPayloadConverter.fromPayload(p));
}

/** The first run of `workflowId`'s latest chain. */
async function firstRunOf(workflowId: string): Promise<string> {
  const { raw } = await attacker.workflow.getHandle(workflowId).describe();
  return raw.workflowExecutionInfo!.firstRunId!;
}

async function eventsOf(workflowId: string, runId?: string) {
  const history = await attacker.workflow.getHandle(workflowId, runId).fetchHistory();
  return history.events ?? [];
}

/** The run's start arguments, decrypted: what someone holding the codec's key reads from history. */
async function startArgsOf(workflowId: string, runId?: string): Promise<[FlowRunRequest, ...JournalEntry[][]]> {
  const [started] = await eventsOf(workflowId, runId);
  const payloads = started.workflowExecutionStartedEventAttributes!.input!.payloads;
  return (await decoded(payloads)) as [FlowRunRequest, ...JournalEntry[][]];
}

/** Alice's finished signed run: she denied the change. Returns her request and her journal, as history shows them. */
async function alicesDeniedRun(change: string) {
  const handle = await startFlowWorkflow(journalApprovalFlow, { change }, { ...conn(), context: alice });
  await waiting(handle.workflowId);
  await provideFlowInput(handle.workflowId, 'approval', { approved: false, note: 'denied by alice' }, conn());
  const denied = await handle.result();
  expect(denied).toMatchObject({ approval: { approved: false }, outcome: 'left alone', auth: alice.auth });
  const [request] = await startArgsOf(handle.workflowId);
  expect(request.contextSignature).toBeDefined(); // a signed run: its identity is verified
  const journal = await attacker.workflow.getHandle(handle.workflowId).query(journalQuery);
  // The made-up journal: alice "approved"; the step that acts on it has not run yet, so it will.
  const forged = journal
    .filter((e) => e.name !== 'act')
    .map((e) => (e.kind === 'input' ? { ...e, output: { approved: true, note: 'forged by the attacker' } } : e));
  expect(forged.some((e) => e.kind === 'input')).toBe(true);
  // And the state of a continued execution, so the attempt replays the journal instead of starting afresh.
  const continued = {
    executions: 1,
    flowAttempt: 1,
    failoversWithoutProgress: 0,
    chunkBase: 0,
    previousRunId: await firstRunOf(handle.workflowId),
    earlyInputs: [],
    answeredInputKeys: [],
    continuations: 1,
  };
  return { workflowId: handle.workflowId, request: { ...request, continued }, forged };
}

/** The run after `runId` in a chain (cron runs), once it exists. */
async function nextRunOf(workflowId: string, runId: string): Promise<string> {
  let next: string | undefined;
  await waitFor(
    async () => {
      const events = await eventsOf(workflowId, runId);
      const last = events[events.length - 1];
      const attrs =
        last?.workflowExecutionFailedEventAttributes ??
        last?.workflowExecutionCompletedEventAttributes ??
        last?.workflowExecutionContinuedAsNewEventAttributes;
      next = attrs?.newExecutionRunId ?? undefined;
      return !!next;
    },
    30_000,
    'the next run of the chain',
  );
  return next!;
}

/** How a closed run ended, with the flow error's status and how many attempts (activity starts) it made. */
async function outcomeOf(workflowId: string, runId: string) {
  await waitFor(
    async () => (await attacker.workflow.getHandle(workflowId, runId).describe()).status.name !== 'RUNNING',
    30_000,
    'the run to close',
  );
  const events = await eventsOf(workflowId, runId);
  const failed = events.find((e) => e.workflowExecutionFailedEventAttributes)?.workflowExecutionFailedEventAttributes;
  const details = failed?.failure?.applicationFailureInfo?.details?.payloads;
  const [detail] = await decoded(details);
  const completed = events.find((e) => e.workflowExecutionCompletedEventAttributes);
  const result = completed
    ? (await decoded(completed.workflowExecutionCompletedEventAttributes!.result!.payloads))[0]
    : undefined;
  return {
    status: failed ? 'FAILED' : completed ? 'COMPLETED' : 'OTHER',
    error: (detail as { error?: { status?: string; detail?: unknown } } | undefined)?.error,
    nonRetryable: failed?.failure?.applicationFailureInfo?.nonRetryable,
    activityStarts: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
    workflowTasks: events.filter((e) => e.workflowTaskCompletedEventAttributes).length,
    result,
  };
}

const refusedBeforeAnyStep = {
  status: 'FAILED',
  error: expect.objectContaining({ status: 'INVALID_ARGUMENT' }),
  nonRetryable: true,
  activityStarts: 0,
  workflowTasks: 1,
  result: undefined,
};

/**
 * Resets a run to its first workflow task, reapplying the Updates that came after it unless `reapplyUpdates` is
 * false (`temporal workflow reset --reapply-exclude Update`).
 */
async function resetToFirstWorkflowTask(workflowId: string, runId: string, reapplyUpdates = true): Promise<string> {
  const events = await eventsOf(workflowId, runId);
  const firstTask = events.find((e) => e.workflowTaskCompletedEventAttributes)!;
  const { runId: newRunId } = await attacker.workflowService.resetWorkflowExecution({
    namespace: namespace(),
    workflowExecution: { workflowId, runId },
    workflowTaskFinishEventId: firstTask.eventId,
    requestId: randomUUID(),
    reason: 'forged-journal test',
    resetReapplyExcludeTypes: reapplyUpdates
      ? []
      : [temporal.api.enums.v1.ResetReapplyExcludeType.RESET_REAPPLY_EXCLUDE_TYPE_UPDATE],
  });
  return newRunId!;
}

/** Starts alice's run again as a cron workflow with the forged journal; returns its 2nd run (a "continued" one). */
async function cronAttack(change: string) {
  const { workflowId, request, forged } = await alicesDeniedRun(change);
  const cron = await attacker.workflow.start('runGenkitFlow', {
    taskQueue,
    workflowId,
    args: [request, forged],
    cronSchedule: '@every 2s',
  });
  cleanups.push(() => cron.terminate('test over'));
  const first = cron.firstExecutionRunId;
  const second = await nextRunOf(workflowId, first);
  return { workflowId, cron, first, second };
}

/** The ledger entries of one test (its change or tag is a word of each). */
const ledgerOf = (word: string) => stepLedger.filter((s) => s.split(' ').includes(word));

describe('a forged journal is refused whatever the start path', () => {
  it('cron re-run of a finished signed run with a made-up journal: INVALID_ARGUMENT on every run, no step', async () => {
    const change = `cron-${randomUUID().slice(0, 8)}`;
    const { workflowId, first, second } = await cronAttack(change);
    const third = await nextRunOf(workflowId, second);
    for (const runId of [first, second, third]) {
      expect(await outcomeOf(workflowId, runId), runId).toEqual(refusedBeforeAnyStep);
    }
    // The ledger: alice's own run planned and acted once (denied); nothing ran for the forged runs.
    expect(ledgerOf(change)).toEqual([`plan ${change}`, `act ${change} approved=false`]);
  });

  it('reset of a forged (cron) run to its first workflow task: refused again, no step', async () => {
    const change = `reset-${randomUUID().slice(0, 8)}`;
    const { workflowId, cron, second } = await cronAttack(change);
    await outcomeOf(workflowId, second);
    await cron.terminate('the attacker resets instead');
    const reset = await resetToFirstWorkflowTask(workflowId, second);
    cleanups.push(() => attacker.workflow.getHandle(workflowId, reset).terminate('test over'));
    expect(await outcomeOf(workflowId, reset)).toEqual(refusedBeforeAnyStep);
    expect(ledgerOf(change)).toEqual([`plan ${change}`, `act ${change} approved=false`]);
  });

  it('a schedule starting the signed request with a made-up journal: every action refused, no step', async () => {
    const change = `schedule-${randomUUID().slice(0, 8)}`;
    const { workflowId, request, forged } = await alicesDeniedRun(change);
    const schedule = await attacker.schedule.create({
      scheduleId: `forged-${randomUUID()}`,
      spec: { intervals: [{ every: '2s' }] },
      action: { type: 'startWorkflow', workflowType: 'runGenkitFlow', workflowId, taskQueue, args: [request, forged] },
    });
    cleanups.push(() => schedule.delete());
    let started: { workflowId: string; firstExecutionRunId: string }[] = [];
    await waitFor(
      async () => {
        started = (await schedule.describe()).info.recentActions.map((a) => a.action.workflow);
        return started.length >= 2;
      },
      30_000,
      'two scheduled runs',
    );
    await schedule.pause();
    for (const run of started.slice(0, 2)) {
      expect(await outcomeOf(run.workflowId, run.firstExecutionRunId)).toEqual(refusedBeforeAnyStep);
    }
    expect(ledgerOf(change)).toEqual([`plan ${change}`, `act ${change} approved=false`]);
  });
});

/** The run IDs of a continued run's chain, oldest first. */
async function chainOf(workflowId: string, firstRunId: string): Promise<string[]> {
  const runs = [firstRunId];
  for (;;) {
    const events = await eventsOf(workflowId, runs[runs.length - 1]);
    const next = events[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (!next) return runs;
    runs.push(next);
  }
}

const sealKidOf = async (workflowId: string, runId: string) =>
  (await startArgsOf(workflowId, runId))[0].continuationSeal?.kid;

describe('legitimate continuations keep working', () => {
  it('a signed run continues as new, each execution carrying a seal for it', async () => {
    const tag = `can-${randomUUID().slice(0, 8)}`;
    const handle = await startFlowWorkflow(
      journalLongFlow,
      { tag, steps: 8 },
      { ...conn(), context: alice, continueAsNewAfter: 3 },
    );
    expect(await handle.result()).toEqual({ tag, sum: 28, auth: alice.auth });
    const chain = await chainOf(handle.workflowId, await firstRunOf(handle.workflowId));
    expect(chain.length).toBeGreaterThanOrEqual(3);
    for (const runId of chain.slice(1)) expect(await sealKidOf(handle.workflowId, runId)).toBe('k1');
    expect(ledgerOf(tag)).toEqual(Array.from({ length: 8 }, (_, i) => `${tag} s${i}`)); // each step once
  });

  it('an input that reaches the run while its continuation is being sealed is carried, and sealed too', async () => {
    const queue = uniqueTaskQueue('forged-journal-early');
    const tag = `early-${randomUUID().slice(0, 8)}`;
    let seals = 0;
    let sealing!: () => void;
    const firstSealStarted = new Promise<void>((resolve) => (sealing = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // Holds the first seal until the input has been taken in, so it arrives while the seal is being made.
    const holdFirstSeal = (ctx: { info: { activityType: string } }) => ({
      inbound: {
        async execute(input: unknown, next: (input: unknown) => Promise<unknown>) {
          if (ctx.info.activityType === 'sealGenkitContinuation' && seals++ === 0) {
            sealing();
            await released;
          }
          return next(input);
        },
      },
    });
    workers.push(
      await startTemporalWorker({
        ...conn(queue),
        workflowBundle: { code: bundleCode },
        handleSignals: false,
        shutdownGraceTime: '2s',
        workerOptions: { interceptors: { activity: [holdFirstSeal as never] } },
      }),
    );
    const handle = await startFlowWorkflow(
      journalLongFlow,
      { tag, steps: 5 },
      { ...conn(queue), context: alice, continueAsNewAfter: 3 },
    );
    await firstSealStarted;
    await provideFlowInput(handle.workflowId, 'later', { note: 'sent early' }, conn(queue));
    release();
    expect(await handle.result()).toEqual({ tag, sum: 10, auth: alice.auth });
    // One continue-as-new, sealed twice: the held seal no longer matched once the input was in, so it was redone.
    const chain = await chainOf(handle.workflowId, await firstRunOf(handle.workflowId));
    expect([chain.length, seals]).toEqual([2, 2]);
    const [request] = await startArgsOf(handle.workflowId, chain[1]!);
    expect(request.continued?.earlyInputs.map((e) => e.name)).toEqual(['later']);
    expect(request.continuationSeal?.kid).toBe('k1');
  });

  it('turning keys on with runs open: a continuation a keyless worker made (unsealed) goes on on one that verifies', async () => {
    const queue = uniqueTaskQueue('forged-journal-keys-on');
    const tag = `keys-on-${randomUUID().slice(0, 8)}`;
    const keyless = await startWorker(queue, []); // as a worker of a version before seals does: no seal
    const handle = await startFlowWorkflow(
      journalLongFlow,
      { tag, steps: 7 },
      { ...conn(queue), contextKeys: [k1], context: alice, continueAsNewAfter: 3 },
    );
    expect(await handle.result()).toEqual({ tag, sum: 21, auth: alice.auth });
    const [, second] = await chainOf(handle.workflowId, await firstRunOf(handle.workflowId));
    expect(await sealKidOf(handle.workflowId, second!)).toBeUndefined();
    await keyless.shutdown();
    await startWorker(queue, [k1]);
    // The unsealed execution starts again on the keyed worker (a reset: the same start event, the same "continued
    // from"): history shows its previous execution's own continue-as-new into it, so it is accepted, and sealed on.
    const reset = await resetToFirstWorkflowTask(handle.workflowId, second!, false);
    expect(await attacker.workflow.getHandle(handle.workflowId, reset).result()).toEqual({
      tag,
      sum: 21,
      auth: alice.auth,
    });
    const resetChain = await chainOf(handle.workflowId, reset);
    expect(await sealKidOf(handle.workflowId, resetChain[1]!)).toBe('k1');
  });

  it('key rotation between hops: executions sealed with k1 continue on workers with [k2, k1] and seal with k2', async () => {
    const queue = uniqueTaskQueue('forged-journal-rotation');
    const tag = `rot-${randomUUID().slice(0, 8)}`;
    const before = await startWorker(queue, [k1]);
    const handle = await startFlowWorkflow(
      journalLongFlow,
      { tag, steps: 8, waitAt: 5 },
      { ...conn(queue), contextKeys: [k1], context: alice, continueAsNewAfter: 3 },
    );
    await waiting(handle.workflowId, queue);
    await before.shutdown();
    await startWorker(queue, [k2, k1]);
    await provideFlowInput(handle.workflowId, 'go', { go: true }, conn(queue));
    expect(await handle.result()).toEqual({ tag, sum: 28, auth: alice.auth });
    const kids = [];
    for (const runId of (await chainOf(handle.workflowId, await firstRunOf(handle.workflowId))).slice(1))
      kids.push(await sealKidOf(handle.workflowId, runId));
    expect(kids[0]).toBe('k1');
    expect(kids[kids.length - 1]).toBe('k2');
  });

  it('a reset of a continued execution works after rotation (k1 seal, [k2, k1]); with k1 retired it is refused', async () => {
    const queue = uniqueTaskQueue('forged-journal-reset');
    const tag = `legit-reset-${randomUUID().slice(0, 8)}`;
    const before = await startWorker(queue, [k1]);
    const handle = await startFlowWorkflow(
      journalLongFlow,
      { tag, steps: 7 },
      { ...conn(queue), contextKeys: [k1], context: alice, continueAsNewAfter: 3 },
    );
    expect(await handle.result()).toEqual({ tag, sum: 21, auth: alice.auth });
    const [, second] = await chainOf(handle.workflowId, await firstRunOf(handle.workflowId));
    expect(await sealKidOf(handle.workflowId, second)).toBe('k1');
    await before.shutdown();
    const rotated = await startWorker(queue, [k2, k1]);
    // Journal writes are Updates: reapplied into the reset run they would collide with its attempt's own writes.
    const reset = await resetToFirstWorkflowTask(handle.workflowId, second, false);
    expect(await attacker.workflow.getHandle(handle.workflowId, reset).result()).toEqual({
      tag,
      sum: 21,
      auth: alice.auth,
    });
    // The reset run continued as new itself: sealed with the new key.
    const resetChain = await chainOf(handle.workflowId, reset);
    expect(await sealKidOf(handle.workflowId, resetChain[1]!)).toBe('k2');
    // Step 3 of a rotation (k1 removed): an execution sealed with k1 can no longer be reset.
    await rotated.shutdown();
    await startWorker(queue, [k2]);
    const late = await resetToFirstWorkflowTask(handle.workflowId, second, false);
    expect(await outcomeOf(handle.workflowId, late)).toEqual({
      ...refusedBeforeAnyStep,
      error: expect.objectContaining({ status: 'INVALID_ARGUMENT', detail: { reason: 'unknown-key' } }),
    });
  });
});
