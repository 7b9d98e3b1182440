// The front-door API service (cloudrun/api) as its own process with the production settings on (bearer auth,
// encryption keys, context keys), attacked with what the trust review found: input nested thousands deep, a
// Temporal server that goes down under a connected API, a repeated Idempotency-Key, an oversized body on a kept-alive
// connection, caches holding run data, and step and input names readable in an encrypted run's history.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import '../../examples/demo/flows';
import '../fixtures/http-flows';
import { createDataConverter, type EncryptionKey } from '../../src/codec';
import { getTemporalClient } from '../../src/client/connection';
import type { ContextKey } from '../../src/identity';
import { startDevServer } from '../../src/testing/dev-server';
import { freePorts } from '../../src/testing/local-process-helpers';
import { serviceReady, startCloudRunService, type CloudRunInstance } from '../harness/cloud-run-service';
import { address, namespace, startWorker, uniqueTaskQueue, waitFor } from '../helpers/temporal';
import type { TemporalWorkerHandle } from '../../src/worker/start-worker';

const encryptionKeys: EncryptionKey[] = [{ id: 'enc-1', key: randomBytes(32) }];
const contextKeys: ContextKey[] = [{ id: 'ctx-1', key: randomBytes(32) }];
const TOKEN = `api-token-${randomBytes(12).toString('hex')}`;
const bearer = { Authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const taskQueue = uniqueTaskQueue('front-door-limits');
const dataConverter = createDataConverter({ encryption: { keys: encryptionKeys }, encryptFailures: false });
const temporal = () => getTemporalClient({ address: address(), namespace: namespace(), dataConverter });

const children: CloudRunInstance[] = [];
/** cloudrun/api/src/main.ts with the production settings, as Cloud Run starts it; resolves once it listens. */
async function startApi(temporalAddress: string): Promise<string> {
  const [port] = await freePorts(1);
  const api = startCloudRunService('api', {
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: namespace(),
    TEMPORAL_TASK_QUEUE: taskQueue,
    FLOWS_MODULE: 'test/fixtures/cloudrun-worker/front-door-flows.ts',
    API_AUTH: 'bearer',
    API_BEARER_TOKEN: TOKEN,
    GENKITX_ENCRYPTION_KEYS: encryptionKeys.map((k) => `${k.id}:${Buffer.from(k.key).toString('base64')}`).join(','),
    GENKITX_CONTEXT_KEYS: contextKeys.map((k) => `${k.id}:${Buffer.from(k.key).toString('base64')}`).join(','),
    PORT: String(port),
  });
  children.push(api);
  await serviceReady(api, 'api listening');
  return `http://127.0.0.1:${port}`;
}

let worker: TemporalWorkerHandle | undefined;
let base = '';
beforeAll(async () => {
  worker = await startWorker(taskQueue, { dataConverter, contextTrust: { contextKeys } });
  base = await startApi(address());
}, 90_000);
afterAll(async () => {
  for (const api of children) api.child.kill('SIGKILL');
  await worker?.shutdown();
});

/** The workflow ID the API gives a run started with this Idempotency-Key by the bearer caller. */
const keyedWorkflowId = (flow: string, key: string) =>
  `${flow}-${createHash('sha256').update(`bearer\0${key}`).digest('base64url').slice(0, 32)}`;
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { ...bearer, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
/** `{ a: { a: … { a: 'end' } } }`, `depth` objects deep, as JSON text (never built recursively). */
const nested = (depth: number) => '{"a":'.repeat(depth) + '"end"' + '}'.repeat(depth);
async function exists(workflowId: string): Promise<boolean> {
  try {
    await (await temporal()).workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if ((err as Error).name === 'WorkflowNotFoundError') return false;
    throw err;
  }
}

describe('cloudrun/api with production settings: the front door under attack', () => {
  it('input nested 2,200 and 20,000 deep: 400 naming the depth limit, and nothing starts', async () => {
    for (const depth of [2_200, 20_000]) {
      const key = `deep-${depth}-${randomUUID()}`;
      const res = await post('/flows/httpWhoAmIFlow', `{"data":${nested(depth)}}`, { 'Idempotency-Key': key });
      const body = await res.json();
      expect([res.status, body.status], `depth ${depth}`).toEqual([400, 'INVALID_ARGUMENT']);
      expect(body.message).toMatch(/nested deeper than 64 levels/);
      expect(await exists(keyedWorkflowId('httpWhoAmIFlow', key))).toBe(false);
    }
    // Within the limit, the same flow runs.
    const ok = await post('/flows/httpWhoAmIFlow?wait=true', `{"data":${nested(60)}}`);
    expect(ok.status).toBe(200);
  });

  it('an answer nested 2,200 deep: 400 naming the limit, and the run still waits for a good one', async () => {
    const started = await post('/flows/httpLateApprovalFlow', { data: { item: 'desk', delayMs: 0 } });
    const { workflowId } = await started.json();
    await waitFor(
      async () => {
        const run = await (await fetch(`${base}/runs/${workflowId}`, { headers: bearer })).json();
        return run.pendingInputs?.length > 0;
      },
      20_000,
      'the run to wait',
    );
    const deep = await post(`/runs/${workflowId}/inputs/approval`, `{"data":${nested(2_200)}}`);
    expect([deep.status, (await deep.json()).message]).toEqual([400, expect.stringMatching(/nested deeper than 64/)]);
    const good = await post(`/runs/${workflowId}/inputs/approval`, { data: { approved: true } });
    expect(good.status).toBe(200);
    expect(await (await temporal()).workflow.getHandle(workflowId).result()).toBe('desk: approved');
  });

  it('a repeated Idempotency-Key answers 202 with the existing run’s runId', async () => {
    const key = `again-${randomUUID()}`;
    const input = { data: { city: 'Porto', days: 2 } };
    const first = await (await post('/flows/tripPlanner', input, { 'Idempotency-Key': key })).json();
    const again = await post('/flows/tripPlanner', input, { 'Idempotency-Key': key });
    expect(again.status).toBe(202);
    const second = await again.json();
    expect(first.runId).toMatch(/^[0-9a-f-]{36}$/);
    expect([second.workflowId, second.runId]).toEqual([first.workflowId, first.runId]);
  });

  it('a 413 closes the connection and says so (Connection: close), on a kept-alive connection', async () => {
    const answer = await new Promise<{ status?: number; connection?: string; closed: boolean }>((done, fail) => {
      const req = request(`${base}/flows/tripPlanner`, {
        method: 'POST',
        headers: { ...bearer, 'content-length': String(2 * 1024 * 1024), connection: 'keep-alive' },
        agent: false,
      });
      req.on('error', fail);
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => {
          const socket = res.socket;
          // The server ends the connection after the answer when it said close.
          const closed = new Promise<boolean>((r) => {
            if (socket.destroyed) return r(true);
            socket.once('close', () => r(true));
            setTimeout(() => r(false), 2000);
          });
          void closed.then((c) => done({ status: res.statusCode, connection: res.headers.connection, closed: c }));
        });
      });
      req.write('{"data":'); // a client that streams its body: the answer comes before the rest
    });
    expect(answer).toEqual({ status: 413, connection: 'close', closed: true });
  });

  it('run JSON and console pages say Cache-Control: no-store', async () => {
    const { workflowId } = await (await post('/flows/tripPlanner', { data: { city: 'Faro', days: 1 } })).json();
    const run = await fetch(`${base}/runs/${workflowId}`, { headers: bearer });
    expect([run.status, run.headers.get('cache-control')]).toEqual([200, 'no-store']);
    const started = await post('/flows/tripPlanner', { data: { city: 'Braga', days: 1 } });
    expect([started.status, started.headers.get('cache-control')]).toEqual([202, 'no-store']);
    for (const page of ['/console', `/console/runs/${workflowId}`]) {
      const res = await fetch(`${base}${page}`, { headers: { Authorization: `Bearer ${TOKEN}` } });
      expect([page, res.status, res.headers.get('cache-control')]).toEqual([page, 200, 'no-store']);
    }
  });

  it('an encrypted run’s history has Update IDs without step, tool or input names, nor idempotency keys', async () => {
    const item = `secret-item-${randomUUID()}`;
    const { workflowId } = await (await post('/flows/httpLateApprovalFlow', { data: { item, delayMs: 0 } })).json();
    await waitFor(
      async () => {
        const run = await (await fetch(`${base}/runs/${workflowId}`, { headers: bearer })).json();
        return run.pendingInputs?.length > 0;
      },
      20_000,
      'the run to wait',
    );
    const key = `answer-key-${randomUUID()}`;
    const answer = () =>
      post(`/runs/${workflowId}/inputs/approval`, { data: { approved: true } }, { 'Idempotency-Key': key });
    expect((await answer()).status).toBe(200);
    expect((await answer()).status).toBe(200); // a retry of the same answer is still recognised
    const handle = (await temporal()).workflow.getHandle(workflowId);
    expect(await handle.result()).toBe(`${item}: approved`);
    const history = await handle.fetchHistory();
    const updateIds = (history.events ?? [])
      .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId)
      .filter((id): id is string => !!id);
    expect(updateIds.length).toBeGreaterThanOrEqual(2); // the step's journal write and the answer
    for (const id of updateIds) {
      expect(id).not.toMatch(/prepare|approval|answer-key|step|input/);
    }
  });
});

describe('cloudrun/api when its Temporal server goes down', () => {
  let server: TestWorkflowEnvironment | undefined;
  let downBase = '';
  beforeAll(async () => {
    server = await startDevServer({ cliPath: inject('temporalCliPath') });
    downBase = await startApi(server.address);
    // Connected: the API has talked to this server once.
    const res = await fetch(`${downBase}/runs/tripPlanner-none`, { headers: bearer });
    expect(res.status).toBe(404);
    await server.teardown();
    server = undefined;
  }, 120_000);
  afterAll(async () => {
    await server?.teardown();
  });

  it('every route answers 503 UNAVAILABLE with the reason within 5 s: start, status, answer, cancel, events, list', async () => {
    const routes: Array<[string, RequestInit & { path: string }]> = [
      [
        'start',
        { path: '/flows/tripPlanner', method: 'POST', body: JSON.stringify({ data: { city: 'Evora', days: 1 } }) },
      ],
      ['status', { path: '/runs/tripPlanner-x' }],
      ['answer', { path: '/runs/tripPlanner-x/inputs/approval', method: 'POST', body: '{"data":true}' }],
      ['cancel', { path: '/runs/tripPlanner-x/cancel', method: 'POST' }],
      ['events', { path: '/runs/tripPlanner-x/events' }],
      ['list', { path: '/console' }],
    ];
    const answers = await Promise.all(
      routes.map(async ([name, { path, ...init }]) => {
        const started = Date.now();
        const res = await fetch(`${downBase}${path}`, { ...init, headers: bearer });
        const text = await res.text();
        return { name, status: res.status, ms: Date.now() - started, text };
      }),
    );
    for (const a of answers) {
      expect([a.name, a.status], a.text).toEqual([a.name, 503]);
      expect(a.ms, a.name).toBeLessThan(5_000);
      expect(a.text, a.name).toMatch(/Temporal/);
    }
  }, 60_000);
});
