// The autoscaler across Worker Deployment versions, on the dev server: two real workers as versions A and B of one
// deployment (Build ID = the worker pool's revision name), a run pinned to A parked at a waitForInput, B made
// current. The fake Cloud Run API plays Cloud Run: it starts a version's worker when its revision gets instances
// and stops it when its revision has none. A stays in the split while it is DRAINING and leaves once DRAINED,
// so its worker stops only after its last run. The dev server refreshes drainage every second (global-setup).
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAutoscaler, type AutoscalerOptions, type DecisionLog, type ScalingPolicy } from '../../src/autoscale';
import { closeTemporalClients, provideFlowInput, setCurrentWorkerVersion, startFlowWorkflow } from '../../src';
import type { TemporalWorkerHandle } from '../../src/worker/start-worker';
import { approvalFlow } from '../fixtures/hitl-flows';
import { startFakeCloudRunApi, type FakeCloudRunApi } from '../harness/cloud-run-api';
import { address, namespace, newClient, startWorker, uniqueTaskQueue, waitFor } from '../helpers/temporal';

const { VersionDrainageStatus, VersioningBehavior } = proto.temporal.api.enums.v1;
const deployment = `drainv-${randomUUID().slice(0, 8)}`; // = the worker pool's name
const POOL = `projects/p/locations/us-central1/workerPools/${deployment}`;
const A = `${deployment}-00001-aaa`;
const B = `${deployment}-00002-bbb`;
const C = `${deployment}-00003-ccc`;
const taskQueue = uniqueTaskQueue('autoscale-versions');
const policy: ScalingPolicy = {
  targetPerInstance: 5,
  minInstances: 0,
  maxInstances: 10,
  maxStepUp: 4,
  scaleDownWindowSeconds: 0,
  activationBacklog: 0,
};

let fake: FakeCloudRunApi;
let client: Client;
const logs: DecisionLog[] = [];
/** Cloud Run's part: the worker of each revision that has instances (one worker stands for all of them). */
const workers = new Map<string, TemporalWorkerHandle>();
const events: string[] = [];
let placing = Promise.resolve();

function versionedWorker(buildId: string) {
  return startWorker(taskQueue, {
    workerOptions: {
      workerDeploymentOptions: {
        version: { deploymentName: deployment, buildId },
        useWorkerVersioning: true,
        defaultVersioningBehavior: 'PINNED',
      },
    },
  });
}

beforeAll(async () => {
  client = await newClient();
  fake = await startFakeCloudRunApi([{ name: POOL, count: 1, revisions: [A] }]);
  fake.onInstancesChange = (_name, now) => {
    placing = placing.then(async () => {
      for (const revision of [A, B, C]) {
        if ((now[revision] ?? 0) > 0 && !workers.has(revision)) {
          workers.set(revision, await versionedWorker(revision));
          events.push(`start ${revision}`);
        } else if (!(now[revision] ?? 0) && workers.has(revision)) {
          const w = workers.get(revision)!;
          workers.delete(revision);
          await w.shutdown();
          events.push(`stop ${revision}`);
        }
      }
    });
  };
  // Revision A is deployed and running (one instance) before the autoscaler runs.
  workers.set(A, await versionedWorker(A));
  events.push(`start ${A}`);
});

afterAll(async () => {
  await placing;
  for (const w of workers.values()) await w.shutdown();
  await fake?.close();
  await client?.connection.close();
  await closeTemporalClients();
});

function run(extra: Partial<AutoscalerOptions> = {}) {
  return runAutoscaler({
    target: POOL,
    policy,
    dryRun: false,
    workerDeployment: deployment,
    temporal: { address: address(), namespace: namespace(), taskQueue },
    client,
    targetOptions: { clientOptions: fake.clientOptions, retryDelayMs: 20, operationDeadlineMs: 5_000 },
    log: (line) => logs.push(line),
    ...extra,
  });
}

async function describeDeployment() {
  const res = await client.workflowService.describeWorkerDeployment({
    namespace: namespace(),
    deploymentName: deployment,
  });
  return res.workerDeploymentInfo!;
}

async function drainageOf(buildId: string) {
  const res = await client.workflowService.describeWorkerDeploymentVersion({
    namespace: namespace(),
    deploymentVersion: { deploymentName: deployment, buildId },
  });
  return res.workerDeploymentVersionInfo?.drainageInfo?.status ?? 0;
}

/** The library's own call: it waits until the version's workers poll every task queue the current one has. */
async function makeCurrent(buildId: string) {
  await setCurrentWorkerVersion({
    client,
    deploymentName: deployment,
    buildId,
    waitForPollers: '20s',
    identity: 'autoscaler-versions test',
  });
}

const patches = () => fake.requests.filter((r) => r.method === 'PATCH');
const flowOpts = () => ({ address: address(), namespace: namespace(), taskQueue });

describe('autoscaler across Worker Deployment versions', () => {
  it('keeps the draining version on its revision until its pinned run ends, then retires it', async () => {
    await makeCurrent(A);
    const pinned = await startFlowWorkflow(approvalFlow, 'laptop', flowOpts());
    await waitFor(
      async () => {
        const info = (await pinned.describe()).raw.workflowExecutionInfo?.versioningInfo;
        return (
          info?.behavior === VersioningBehavior.VERSIONING_BEHAVIOR_PINNED && info.deploymentVersion?.buildId === A
        );
      },
      20_000,
      'the run pinned to A',
    );

    // Revision B is deployed without moving instances (the split stays on A). The autoscaler gives the new
    // revision one instance, so its workers register version B.
    fake.deployRevision(POOL, B, { promote: false });
    expect(await run()).toMatchObject({ outcome: 'scaled' });
    expect(logs.at(-1)!.allocations).toContainEqual(expect.objectContaining({ revision: B, reason: 'new-revision' }));
    await placing;
    expect(workers.has(B)).toBe(true);

    await makeCurrent(B);
    expect((await describeDeployment()).routingConfig?.currentDeploymentVersion?.buildId).toBe(B);
    expect(await drainageOf(A)).toBe(VersionDrainageStatus.VERSION_DRAINAGE_STATUS_DRAINING);

    // A is DRAINING: it keeps one instance on its revision, B (current) gets the rest.
    const during = await run();
    expect(during.outcome).not.toBe('error');
    expect(logs.at(-1)!.allocations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ revision: A, reason: 'draining', instances: 1 }),
        expect.objectContaining({ revision: B, reason: 'current' }),
      ]),
    );
    await placing;
    expect(fake.instances(POOL)[A]).toBeGreaterThanOrEqual(1);
    expect(workers.has(A)).toBe(true);
    // Steady while nothing changes: no write.
    const writes = patches().length;
    expect(await run()).toMatchObject({ outcome: 'unchanged' });
    expect(patches().length).toBe(writes);

    // A new run goes to B; the pinned run finishes on A's worker (still running).
    const onB = await startFlowWorkflow(approvalFlow, 'desk', flowOpts());
    await provideFlowInput(pinned.workflowId, 'approval', { approved: true, approver: 'ana' }, flowOpts());
    expect(await pinned.result()).toMatchObject({ approved: true, approver: 'ana' });
    events.push('pinned run done');
    const pinnedInfo = (await pinned.describe()).raw.workflowExecutionInfo?.versioningInfo;
    expect(pinnedInfo?.deploymentVersion?.buildId).toBe(A);

    // Until the server reports DRAINED, every decision keeps A; after it, A leaves the split.
    const closedAt = Date.now();
    let drainedAfterMs = -1;
    for (let i = 0; i < 60; i++) {
      const drained = (await drainageOf(A)) === VersionDrainageStatus.VERSION_DRAINAGE_STATUS_DRAINED;
      const result = await run();
      expect(result.outcome).not.toBe('error');
      const line = logs.at(-1)!;
      const readA = line.versions!.find((v) => v.buildId === A)!;
      const aInSplit = line.splits!.some((s) => s.revision === A);
      // The decision follows what it read: A in the split exactly while A was not reported DRAINED.
      expect(aInSplit, JSON.stringify(readA)).toBe(
        !(readA.status === 'drained' || readA.drainage?.status === 'drained'),
      );
      if (drained && !aInSplit) {
        drainedAfterMs = Date.now() - closedAt;
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    console.log(`[autoscale-versions] A reported DRAINED and retired ${drainedAfterMs} ms after its last run closed`);
    console.log(`[autoscale-versions] ${JSON.stringify(logs.map((l) => l.message))} ${JSON.stringify(events)}`);
    expect(drainedAfterMs).toBeGreaterThanOrEqual(0);
    expect(logs.at(-1)!.dropped).toContainEqual({ buildId: A, why: 'drained' });
    await placing;
    expect(fake.instances(POOL)[A]).toBeUndefined();
    expect(workers.has(A)).toBe(false);
    // A's worker stopped only after its last run.
    expect(events.indexOf(`stop ${A}`)).toBeGreaterThan(events.indexOf('pinned run done'));

    // The run that started on B is served by B's worker.
    await provideFlowInput(onB.workflowId, 'approval', { approved: false, approver: 'bo' }, flowOpts());
    expect(await onB.result()).toMatchObject({ approved: false });
    expect((await onB.describe()).raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId).toBe(B);
  }, 120_000);

  it('dry run reads the versions and decides, and writes nothing', async () => {
    fake.setSplits(POOL, [{ revision: A, percent: 100 }]); // as if A still held everything
    const before = patches().length;
    const result = await run({ dryRun: true });
    expect(result).toMatchObject({ outcome: 'dry-run' });
    expect(logs.at(-1)).toMatchObject({ write: 'dry-run', splits: [{ revision: B, percent: 100 }] });
    expect(patches().length).toBe(before);
    expect(fake.get(POOL).instanceSplits).toEqual([{ type: 2, revision: A, percent: 100 }]);
  });

  it('re-plans after an etag conflict and keeps the other writer’s change', async () => {
    fake.concurrentWriteBeforeNextPatch(POOL);
    const result = await run();
    expect(result).toMatchObject({ outcome: 'scaled' });
    expect(logs.at(-1)!.attempts).toBe(2);
    expect(fake.get(POOL).instanceSplits).toEqual([{ type: 2, revision: B, percent: 100 }]);
    expect(fake.get(POOL).labels.touched).toBeDefined();
    const [stale, fresh] = patches().slice(-2);
    expect(fresh.query.updateMask?.split(',')).toContain('instance_splits');
    expect(fresh.body?.etag).not.toBe(stale.body?.etag); // planned again from a fresh read
  });

  it('a split the API refuses (a revision deleted under it) fails the run with nothing written, no retry', async () => {
    fake.setSplits(POOL, [{ revision: A, percent: 100 }]);
    fake.faults.push({ method: 'PATCH', status: 400, code: 'INVALID_ARGUMENT' });
    const before = patches().length;
    const result = await run();
    expect(result.outcome).toBe('error');
    expect(logs.at(-1)).toMatchObject({ severity: 'ERROR', error: { code: 3 } });
    expect(patches().length - before).toBe(1);
    expect(fake.get(POOL).instanceSplits).toEqual([{ type: 2, revision: A, percent: 100 }]);
  });

  it('a deployment no worker has registered: the count alone is decided, the split is left alone', async () => {
    fake.setSplits(POOL, [{ revision: A, percent: 100 }]);
    const result = await run({ workerDeployment: `${deployment}-typo` });
    expect(result.outcome).not.toBe('error');
    expect(logs.at(-1)).toMatchObject({ deploymentNotFound: `${deployment}-typo` });
    expect(logs.at(-1)!.splits).toBeUndefined();
    expect(fake.get(POOL).instanceSplits).toEqual([{ type: 2, revision: A, percent: 100 }]);
  });

  it('a draining version whose revision was deleted is left out (no workers to keep), and the rest is written', async () => {
    // B (current) was scaled to zero when it had nothing to do: a new run's backlog brings its worker back.
    const onB = await startFlowWorkflow(approvalFlow, 'chair', flowOpts());
    await waitFor(
      async () => {
        await run();
        await placing;
        return workers.has(B);
      },
      20_000,
      'B scaled up',
    );
    await waitFor(
      async () => (await onB.describe()).raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId === B,
      20_000,
      'a run pinned to B',
    );
    fake.deployRevision(POOL, C, { promote: false });
    expect(await run()).toMatchObject({ outcome: 'scaled' });
    await placing;
    await makeCurrent(C);
    expect(await drainageOf(B)).toBe(VersionDrainageStatus.VERSION_DRAINAGE_STATUS_DRAINING);
    // Someone moved the instances off B and deleted the revision (its workers are gone with it).
    fake.setSplits(POOL, [{ revision: C, percent: 100 }]);
    fake.deleteRevision(POOL, B);
    const result = await run();
    expect(result.outcome).not.toBe('error');
    expect(logs.at(-1)!.versions!.find((v) => v.buildId === B)?.status).toBe('draining');
    expect(logs.at(-1)!.dropped).toContainEqual({ buildId: B, revision: B, why: 'revision-missing' });
    expect(fake.get(POOL).instanceSplits.map((x: { revision?: string }) => x.revision)).toEqual([C]);
    // B's run is stranded with its revision (which is why a revision in the split cannot be deleted): end it.
    await onB.terminate('test: its revision was deleted');
  }, 60_000);
});
