// Trusted caller identity on the real dev server. Workers hold a context key; a run's `context.auth` is trusted
// only when a starter holding the key signed it for that very run. A plain Temporal client that starts
// `runGenkitFlow` by name with a forged identity, a tampered signature or one taken from another run fails on
// attempt 1 with PERMISSION_DENIED and runs no step; the front door (Hono API, Genkit's client) passes the
// verified identity; no raw token reaches history; runs survive a key rotation.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { runFlow } from 'genkit/beta/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeFlowWorkflow, startFlowWorkflow } from '../../src/client/start-flow';
import { closeTemporalClients } from '../../src/client/connection';
import { FlowRunError, toFlowRunError } from '../../src/client/flow-run-error';
import { getFlowRun, provideFlowInput } from '../../src/client/flow-runs';
import { bearerTokenAuth, createFlowApi } from '../../src/http';
import { startContext } from '../../src/identity/sign-start';
import type { TemporalWorkerHandle } from '../../src/worker/start-worker';
import { identityApprovalFlow, identityLongFlow, identityWhoAmIFlow, ranSteps } from '../fixtures/identity-flows';
import { cliHistoryText, secretsIn } from '../helpers/history-secrets';
import { serveForTests } from '../helpers/http';
import {
  activityStarts,
  address,
  namespace,
  newClient,
  startWorker,
  uniqueTaskQueue,
  waitFor,
} from '../helpers/temporal';

const key = (id: string) => ({ id, key: randomBytes(32).toString('base64') });
const k1 = key('k1');
const k2 = key('k2');
const strict = uniqueTaskQueue('identity-strict'); // worker keys [k1]: unsigned contexts rejected
const rotating = uniqueTaskQueue('identity-rotation');
const lenient = uniqueTaskQueue('identity-allow'); // worker keys [k1], unsignedContext: 'allow'
const workers: TemporalWorkerHandle[] = [];
const conn = (taskQueue: string) => ({ address: address(), namespace: namespace(), taskQueue });
const bearer = `front-door-${randomUUID()}`;
const rawIdToken = `eyJhbGciOiJub25lIn0.${randomUUID()}.raw-id-token`;
let client: Client;
let apiUrl: (path: string) => string;

beforeAll(async () => {
  client = await newClient();
  workers.push(await startWorker(strict, { contextTrust: { contextKeys: [k1] } }));
  workers.push(await startWorker(lenient, { contextTrust: { contextKeys: [k1], unsignedContext: 'allow' } }));
  const api = createFlowApi({
    ...conn(strict),
    flows: [identityWhoAmIFlow],
    auth: bearerTokenAuth({ tokens: { [bearer]: { id: 'alice', claims: { email: 'alice@example.com' } } } }),
    startOptions: { contextKeys: [k1] },
  });
  apiUrl = (await serveForTests(api)).url;
});
afterAll(async () => {
  for (const w of workers) await w.shutdown().catch(() => undefined);
  await client?.connection.close();
  await closeTemporalClients();
});

/** Starts `runGenkitFlow` by name with a plain Temporal client, the way any holder of namespace access can. */
async function startByName(
  taskQueue: string,
  request: Record<string, unknown>,
  workflowId = `forged-${randomUUID()}`,
  ...journal: unknown[][]
) {
  return client.workflow.start('runGenkitFlow', { taskQueue, workflowId, args: [request, ...journal] });
}

/** The run's failure as the library reports it, and how many attempts the history shows. */
async function failureOf(handle: Awaited<ReturnType<typeof startByName>>) {
  const err = await handle.result().then(
    () => undefined,
    (e) => toFlowRunError(e, handle.workflowId),
  );
  expect(err).toBeInstanceOf(FlowRunError);
  return { error: err as FlowRunError, starts: (await activityStarts(handle)).length };
}

const forgedAuth = { auth: { uid: 'victim', token: { email: 'victim@example.com', admin: true } } };

describe('a plain Temporal client cannot assert an identity', () => {
  it('a forged context.auth without a signature fails on attempt 1 with PERMISSION_DENIED and runs no step', async () => {
    const handle = await startByName(strict, {
      flowName: 'identityWhoAmI',
      input: { note: 'forged' },
      context: forgedAuth,
    });
    const { error, starts } = await failureOf(handle);
    expect(error.status).toBe('PERMISSION_DENIED');
    expect(error.failureType).toBe('UntrustedFlowContext');
    expect(error.detail).toEqual({ reason: 'unsigned' });
    expect(error.attempts).toBe(1);
    expect(starts).toBe(1);
    expect(ranSteps).not.toContain('forged');
    expect((await getFlowRun(handle.workflowId, conn(strict))).progress?.stepsCompleted).toBe(0);
  });

  it('a tampered signature fails: a valid signature with the identity changed after signing', async () => {
    const workflowId = `tampered-${randomUUID()}`;
    const input = { note: 'tampered' };
    const signed = startContext(
      { namespace: namespace(), workflowId, flowName: 'identityWhoAmI', input, context: { auth: { uid: 'mallory' } } },
      [k1],
    );
    const handle = await startByName(
      strict,
      { flowName: 'identityWhoAmI', input, context: forgedAuth, contextSignature: signed.contextSignature },
      workflowId,
    );
    const { error, starts } = await failureOf(handle);
    expect([error.status, error.detail, starts]).toEqual(['PERMISSION_DENIED', { reason: 'mismatch' }, 1]);
    expect(ranSteps).not.toContain('tampered');
  });

  it('a signature taken from another run fails: another workflow ID, or the same ID with other input', async () => {
    const victimId = `victim-${randomUUID()}`;
    const victimInput = { note: 'victim' };
    // What an operator with namespace access reads from the victim's history: its context and signature.
    const victim = startContext(
      {
        namespace: namespace(),
        workflowId: victimId,
        flowName: 'identityWhoAmI',
        input: victimInput,
        context: forgedAuth,
      },
      [k1],
    );
    const replays = [
      { workflowId: `replay-${randomUUID()}`, input: victimInput },
      { workflowId: victimId, input: { note: 'replayed-input' } },
    ];
    for (const replay of replays) {
      const handle = await startByName(
        strict,
        { flowName: 'identityWhoAmI', input: replay.input, ...victim },
        replay.workflowId,
      );
      const { error, starts } = await failureOf(handle);
      expect([error.status, error.detail, starts]).toEqual(['PERMISSION_DENIED', { reason: 'mismatch' }, 1]);
    }
    // A signature for one flow does not start another flow either.
    const otherFlow = await startByName(
      strict,
      { flowName: 'identityApproval', input: victimInput, ...victim },
      victimId + '-x',
    );
    expect((await failureOf(otherFlow)).error.status).toBe('PERMISSION_DENIED');
    expect(ranSteps.filter((n) => n === 'victim' || n === 'replayed-input')).toEqual([]);
  });

  it('a signed request cannot be started with forged step results (journal or continued state)', async () => {
    const workflowId = `journal-${randomUUID()}`;
    const input = { note: 'journal-forged' };
    const signed = startContext(
      { namespace: namespace(), workflowId, flowName: 'identityWhoAmI', input, context: forgedAuth },
      [k1],
    );
    const request = { flowName: 'identityWhoAmI', input, ...signed };
    const fake = [{ key: '1', kind: 'step', name: 'record', output: 'FAKE' }];
    const withJournal = await startByName(strict, request, workflowId, fake);
    expect((await failureOf(withJournal)).error.status).toBe('INVALID_ARGUMENT');
    const continued = {
      executions: 1,
      flowAttempt: 1,
      failoversWithoutProgress: 0,
      chunkBase: 0,
      previousRunId: 'x',
      earlyInputs: [],
      answeredInputKeys: [],
      continuations: 1,
    };
    const withState = await startByName(strict, { ...request, continued }, `${workflowId}-c`);
    expect((await failureOf(withState)).error.status).toBe('INVALID_ARGUMENT');
    expect(await activityStarts(withJournal)).toEqual([]); // refused before any attempt
    expect(ranSteps).not.toContain('journal-forged');
  });

  it("with unsignedContext 'allow' an unsigned identity runs as asserted (the documented risk); a forged signature still fails", async () => {
    const unsigned = await startByName(lenient, {
      flowName: 'identityWhoAmI',
      input: { note: 'allowed' },
      context: forgedAuth,
    });
    expect(await unsigned.result()).toEqual({ note: 'allowed', auth: forgedAuth.auth });
    const workflowId = `lenient-${randomUUID()}`;
    const signed = startContext(
      { namespace: namespace(), workflowId, flowName: 'identityWhoAmI', input: { note: 'x' }, context: {} },
      [k1],
    );
    const handle = await startByName(
      lenient,
      {
        flowName: 'identityWhoAmI',
        input: { note: 'lenient-forged' },
        context: forgedAuth,
        contextSignature: signed.contextSignature,
      },
      workflowId,
    );
    expect((await failureOf(handle)).error.status).toBe('PERMISSION_DENIED');
  });
});

describe('starters holding the key', () => {
  it('startFlowWorkflow signs the context and strips the raw token: the flow sees the identity, history no token', async () => {
    const result = await executeFlowWorkflow(
      identityWhoAmIFlow,
      { note: 'signed' },
      {
        ...conn(strict),
        contextKeys: [k1],
        context: { auth: { uid: 'alice', token: { email: 'alice@example.com' }, rawToken: rawIdToken } },
        workflowId: `signed-${randomUUID()}`,
      },
    );
    expect(result).toEqual({ note: 'signed', auth: { uid: 'alice', token: { email: 'alice@example.com' } } });
    expect(ranSteps).toContain('signed');
  });

  it('a signed run stays verified across continue-as-new (same workflow ID, same request)', async () => {
    const handle = await startFlowWorkflow(
      identityLongFlow,
      { steps: 8 },
      { ...conn(strict), contextKeys: [k1], context: { auth: { uid: 'erin' } }, continueAsNewAfter: 3 },
    );
    expect(await handle.result()).toEqual({ steps: 8, auth: { uid: 'erin' } });
    const { runId } = await handle.describe();
    expect(runId).not.toBe((handle as { firstExecutionRunId?: string }).firstExecutionRunId); // it did continue
  });

  it("the front door (Hono API + Genkit's runFlow client) passes the verified identity; history holds no token", async () => {
    const result = await runFlow({
      url: apiUrl('/flows/identityWhoAmI?wait=true'),
      input: { note: 'front-door' },
      headers: { Authorization: `Bearer ${bearer}` },
    });
    expect(result).toEqual({ note: 'front-door', auth: { uid: 'alice', token: { email: 'alice@example.com' } } });

    // Both signed runs' raw histories, as `temporal workflow show --output json` prints them (payloads decoded).
    const runs = await client.workflow.list({ query: `TaskQueue = "${strict}" AND ExecutionStatus = "Completed"` });
    const ids: string[] = [];
    for await (const run of runs) ids.push(run.workflowId);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    for (const id of ids) {
      const text = await cliHistoryText(id);
      expect(text).toContain('contextSignature'); // the check reads the real history
      expect(secretsIn(text, { rawIdToken, bearer })).toEqual([]);
    }
  });

  it('a run that lives through a key rotation completes on a worker that has the new key first', async () => {
    const before = await startWorker(rotating, { contextTrust: { contextKeys: [k1] } });
    const handle = await startFlowWorkflow(
      identityApprovalFlow,
      { note: 'rotated' },
      {
        ...conn(rotating),
        contextKeys: [k1],
        context: { auth: { uid: 'carol' } },
      },
    );
    await waitFor(
      async () => (await getFlowRun(handle.workflowId, conn(rotating))).status === 'WAITING',
      20_000,
      'the run to wait for its approval',
    );
    await before.shutdown();
    // Step 2 of a rotation: k2 signs from now on, k1 still verifies the runs it signed.
    workers.push(await startWorker(rotating, { contextTrust: { contextKeys: [k2, k1] } }));
    await provideFlowInput(handle.workflowId, 'approval', { ok: true }, conn(rotating));
    expect(await handle.result()).toEqual({ note: 'rotated', ok: true, auth: { uid: 'carol' } });
    // New starts under k2 run on it; a worker that never got k2 refuses them (rotation order matters).
    const fresh = await executeFlowWorkflow(
      identityWhoAmIFlow,
      { note: 'k2' },
      {
        ...conn(rotating),
        contextKeys: [k2, k1],
        context: { auth: { uid: 'dave' } },
      },
    );
    expect(fresh.auth).toEqual({ uid: 'dave' });
    const stale = await executeFlowWorkflow(
      identityWhoAmIFlow,
      { note: 'k2-on-stale' },
      {
        ...conn(strict),
        contextKeys: [k2, k1],
        context: { auth: { uid: 'dave' } },
      },
    ).catch((e) => e as FlowRunError);
    expect(stale).toBeInstanceOf(FlowRunError);
    expect([stale.status, stale.detail]).toEqual(['PERMISSION_DENIED', { reason: 'unknown-key' }]);
  });
});
