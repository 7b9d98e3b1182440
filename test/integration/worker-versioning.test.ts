// Worker Versioning on a dev server: worker processes of two builds (A, B) of one Worker Deployment. Runs of a
// pinned flow and of an auto-upgrade flow park at a waitForInput on A; B becomes current. Pinned runs finish on A
// while new runs go to B; auto-upgrade runs take their post-wait step on B; A is DRAINING while one of its runs is
// open and DRAINED after it. Every step's real execution is counted in a ledger outside the workers: none runs
// twice and no run fails. Then the attacks: a pinned run whose build's workers are gone, a build ID nobody runs,
// half-set and unavailable versioning, and a pinned flow on an unversioned worker.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import {
  checkUpgrade,
  describeWorkerVersion,
  flowRef,
  getFlowRun,
  provideFlowInput,
  setCurrentWorkerVersion,
  startFlowWorkflow,
  WorkerVersioningConfigError,
  WorkerVersioningUnavailableError,
  WorkerVersionNotPolledError,
} from '../../src';
import { closeTemporalClients, getTemporalClient } from '../../src/client/connection';
import { startDevServer } from '../../src/testing/dev-server';
import { checkNoRepeats, readLedger } from '../harness/ledger';
import { spawnWorkerProcess, stopWorkerProcess, type WorkerProcess } from '../harness/worker-processes';
import { AUTO_FLOW, PINNED_FLOW } from '../fixtures/versioning-flows';
import { runCommand } from '../helpers/run-command';
import { address, namespace, startWorker, uniqueTaskQueue, waitFor } from '../helpers/temporal';

const deploymentName = `genkit-flows-${randomUUID().slice(0, 8)}`;
const taskQueue = uniqueTaskQueue('versioning');
const dir = mkdtempSync(join(tmpdir(), 'worker-versioning-'));
const ledgerFile = join(dir, 'ledger.jsonl');
const fixture = join(__dirname, '../fixtures/versioning-flows.ts');
const opts = () => ({ address: address(), namespace: namespace(), taskQueue });
const version = (buildId: string) => ({ ...opts(), deploymentName, buildId });
// As a front door starts them: by name, with the flow's options from the manifest (pinned), or by bare name.
const pinned = flowRef(PINNED_FLOW, { temporal: { versioning: 'pinned' } });
const auto = flowRef(AUTO_FLOW, { temporal: {} });
const workers: WorkerProcess[] = [];

type Result = { item: string; before: number; after: number };

async function spawnBuild(buildId: string): Promise<WorkerProcess> {
  const worker = await spawnWorkerProcess({
    ...opts(),
    bundlePath: inject('workflowBundlePath'),
    flows: [fixture],
    env: { LEDGER_FILE: ledgerFile, WORKER_DEPLOYMENT: deploymentName, WORKER_BUILD_ID: buildId },
  });
  workers.push(worker);
  return worker;
}

async function waiting(ids: string[]) {
  await waitFor(
    async () => {
      const runs = await Promise.all(ids.map((id) => getFlowRun(id, opts())));
      return runs.every((r) => r.status === 'WAITING');
    },
    60_000,
    `${ids.length} run(s) to wait for input`,
  );
}

async function behaviourOf(workflowId: string) {
  const client = await getTemporalClient(opts());
  const { raw } = await client.workflow.getHandle(workflowId).describe();
  const info = raw.workflowExecutionInfo?.versioningInfo;
  return { behavior: info?.behavior, buildId: info?.deploymentVersion?.buildId };
}

let a: WorkerProcess;

beforeAll(async () => {
  a = await spawnBuild('A');
  await setCurrentWorkerVersion({ ...version('A'), waitForPollers: '30s' });
}, 90_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => stopWorkerProcess(w, 'SIGTERM')));
  await closeTemporalClients();
}, 60_000);

it('pinned runs finish on the build that started them, auto-upgrade runs move at their next task, new runs go to the current build; the old build drains only after its last run; nothing runs twice', async () => {
  const onA = {
    pinned: await Promise.all([0, 1, 2].map((i) => startFlowWorkflow(pinned, `p${i}`, opts()))),
    // Started by name as another SDK does (workflow type and argument only): the run learns from a worker that
    // the flow is pinned and continues as new once, with that in its memo.
    byName: await (
      await getTemporalClient(opts())
    ).workflow.start('runGenkitFlow', {
      taskQueue,
      workflowId: `by-name-${randomUUID()}`,
      args: [{ flowName: PINNED_FLOW, input: 'p-by-name' }],
    }),
    auto: await Promise.all([0, 1, 2].map((i) => startFlowWorkflow(auto, `a${i}`, opts()))),
  };
  const pinnedOnA = [...onA.pinned, onA.byName];
  await waiting([...pinnedOnA, ...onA.auto].map((h) => h.workflowId));
  for (const h of pinnedOnA) expect(await behaviourOf(h.workflowId)).toEqual({ behavior: 1, buildId: 'A' }); // PINNED
  for (const h of onA.auto) expect((await behaviourOf(h.workflowId)).behavior).toBe(2); // AUTO_UPGRADE

  // The rollout: B's workers start, the check passes, B becomes current.
  const b = await spawnBuild('B');
  const check = await checkUpgrade({ ...opts(), flows: [PINNED_FLOW, AUTO_FLOW] });
  expect(check.ok).toBe(true);
  // Pinned runs finish on A and never meet B's code: not replayed, counted as pinned.
  expect(check.flows.map((f) => [f.flowName, f.checked, f.compatible, f.pinned])).toEqual([
    [PINNED_FLOW, 0, 0, 3], // not the run started by name without the GenkitFlow search attribute
    [AUTO_FLOW, 3, 3, 0],
  ]);
  expect(await setCurrentWorkerVersion({ ...version('B'), waitForPollers: '30s' })).toMatchObject({
    previousBuildId: 'A',
  });
  const fresh = await startFlowWorkflow(pinned, 'p-new', opts());
  await waiting([fresh.workflowId]);
  expect(await behaviourOf(fresh.workflowId)).toEqual({ behavior: 1, buildId: 'B' });
  await waitFor(async () => (await describeWorkerVersion(version('A')))?.drainage === 'DRAINING', 30_000, 'A DRAINING');

  // Every run but one pinned to A gets its input.
  const last = onA.pinned[2];
  const rest = [...onA.pinned.slice(0, 2), onA.byName, ...onA.auto, fresh];
  await Promise.all(rest.map((h) => provideFlowInput(h.workflowId, 'go', true, opts())));
  const results = new Map<string, Result>();
  for (const h of rest) results.set(h.workflowId, (await h.result()) as Result);
  for (const h of [...onA.pinned.slice(0, 2), onA.byName]) {
    expect(results.get(h.workflowId)).toMatchObject({ before: a.pid, after: a.pid });
  }
  for (const h of onA.auto) expect(results.get(h.workflowId)).toMatchObject({ before: a.pid, after: b.pid });
  expect(results.get(fresh.workflowId)).toMatchObject({ before: b.pid, after: b.pid });

  // One run pinned to A is still open: A stays DRAINING (checked every second here, so not a stale answer).
  await new Promise((r) => setTimeout(r, 4_000));
  expect(await describeWorkerVersion(version('A'))).toMatchObject({ status: 'DRAINING', drainage: 'DRAINING' });

  await provideFlowInput(last.workflowId, 'go', true, opts());
  expect(await last.result()).toMatchObject({ before: a.pid, after: a.pid });
  await waitFor(async () => (await describeWorkerVersion(version('A')))?.drainage === 'DRAINED', 30_000, 'A DRAINED');
  expect(await describeWorkerVersion(version('A'))).toMatchObject({ status: 'DRAINED' });

  // Paid once: each run's two steps started once, on the worker its result names.
  const ledger = readLedger(ledgerFile);
  expect(checkNoRepeats(ledger).reExecuted).toBe(0);
  const ids = [...rest, last].map((h) => h.workflowId);
  for (const id of ids) {
    const starts = ledger.filter((l) => l.run === id && l.ev === 'start');
    expect(starts.map((l) => l.step).sort()).toEqual(['after', 'before']);
  }
}, 240_000);

it('a pinned run whose build has no workers waits for them, says so, and finishes when they return; it never moves to the current build', async () => {
  // B is current: pin a run to B, then make A current again (a rollback) and take B's workers away.
  const run = await startFlowWorkflow(pinned, 'p-orphan', opts());
  await waiting([run.workflowId]);
  const b = workers.at(-1)!;
  const a2 = await spawnBuild('A');
  await setCurrentWorkerVersion({ ...version('A'), waitForPollers: '30s' });
  await stopWorkerProcess(b, 'SIGTERM');

  // Its status says RUNNING with the progress unavailable (no worker of its build answers the query), not WAITING.
  const status = await getFlowRun(run.workflowId, opts());
  expect(status).toMatchObject({ status: 'RUNNING', pendingInputs: [] });
  expect(status.progressUnavailable?.status).toMatch(/^(DEADLINE_EXCEEDED|UNAVAILABLE)$/);
  expect(await behaviourOf(run.workflowId)).toEqual({ behavior: 1, buildId: 'B' });
  // The answer needs a worker of the run's build to accept it: none comes, and the caller hears so.
  const answer = { ...opts(), idempotencyKey: 'orphan-go' }; // the same answer again later: applied once
  const answered = await provideFlowInput(run.workflowId, 'go', true, { ...answer, timeoutMs: 3_000 }).then(
    () => 'accepted',
    (err: { name: string; status?: string }) => `${err.name} ${err.status}`,
  );
  expect(answered).toMatch(/^GenkitError (DEADLINE_EXCEEDED|UNAVAILABLE)$/);

  const b2 = await spawnBuild('B'); // B's workers come back (a restart of the old revision)
  await provideFlowInput(run.workflowId, 'go', true, answer);
  expect(await run.result()).toMatchObject({ after: b2.pid });
  expect((await run.result()) as Result).not.toMatchObject({ after: a2.pid });
}, 180_000);

it('set-current-version: a build ID no worker runs is refused after the wait (exit 1), the current version stays; bad flags exit 2', async () => {
  await expect(setCurrentWorkerVersion({ ...version('C'), waitForPollers: '2s' })).rejects.toBeInstanceOf(
    WorkerVersionNotPolledError,
  );
  const cli = (...args: string[]) =>
    runCommand(process.execPath, ['--import', 'tsx', join(__dirname, '../../src/scaffold/cli.ts'), ...args], {
      cwd: join(__dirname, '../..'),
      env: { ...process.env, TEMPORAL_ADDRESS: address(), TEMPORAL_NAMESPACE: namespace() },
      timeout: 60_000,
    });
  const mismatch = await cli(
    'set-current-version',
    '--deployment',
    deploymentName,
    '--build-id',
    'C',
    '--wait-for-pollers',
    '2s',
  );
  expect(mismatch.status).toBe(1);
  expect(mismatch.stderr).toContain('no worker of build "C"');
  expect((await describeWorkerVersion(version('A')))?.status).toBe('CURRENT');
  const usage = await cli('set-current-version', '--deployment', deploymentName);
  expect(usage.status).toBe(2);
  expect(usage.stderr).toContain('--build-id <id> is required');
  const ok = await cli('set-current-version', '--deployment', deploymentName, '--build-id', 'A');
  expect(ok.status).toBe(0);
}, 90_000);

it('versioning on without a build ID, or set twice, fails the start with WorkerVersioningConfigError', async () => {
  await expect(
    startWorker(uniqueTaskQueue('half-set'), { versioning: { deploymentName, buildId: '' } }),
  ).rejects.toBeInstanceOf(WorkerVersioningConfigError);
  await expect(
    startWorker(uniqueTaskQueue('twice'), {
      versioning: { deploymentName, buildId: 'X' },
      workerOptions: {
        workerDeploymentOptions: {
          version: { deploymentName, buildId: 'X' },
          useWorkerVersioning: true,
          defaultVersioningBehavior: 'PINNED',
        },
      },
    }),
  ).rejects.toBeInstanceOf(WorkerVersioningConfigError);
}, 30_000);

it('a pinned flow runs on unversioned workers too, also on one that labels itself with a deployment version', async () => {
  for (const workerOptions of [
    {},
    { workerDeploymentOptions: { version: { deploymentName, buildId: 'label' }, useWorkerVersioning: false as const } },
  ]) {
    const queue = uniqueTaskQueue('unversioned');
    const worker = await startWorker(queue, { workerOptions });
    try {
      const run = await startFlowWorkflow(pinned, 'p-unversioned', { ...opts(), taskQueue: queue });
      await waitFor(async () => (await getFlowRun(run.workflowId, opts())).status === 'WAITING', 30_000, 'waiting');
      await provideFlowInput(run.workflowId, 'go', true, opts());
      expect(await run.result()).toMatchObject({ item: 'p-unversioned', before: process.pid, after: process.pid });
    } finally {
      await worker.shutdown();
    }
  }
}, 60_000);

it('versioning on against a namespace without Worker Deployments fails the start with WorkerVersioningUnavailableError', async () => {
  const env = await startDevServer({
    cliPath: inject('temporalCliPath'),
    extraArgs: ['--dynamic-config-value', 'system.enableDeploymentVersions=false'],
  });
  try {
    await expect(
      startWorker(uniqueTaskQueue('no-deployments'), {
        address: env.address,
        versioning: { deploymentName, buildId: 'A' },
      }),
    ).rejects.toBeInstanceOf(WorkerVersioningUnavailableError);
  } finally {
    await env.teardown();
  }
}, 60_000);
