// Each front door resolves its Temporal settings once, not on every request: the resolution reads the envconfig
// profile file (and the environment), which cost a request about as much as the rest of its work. Counted here as
// reads of a real profile file (the one `configSource` names) while real requests go through the callables and
// the HTTP API against the dev server.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallableRequest } from 'firebase-functions/v2/https';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { onCallFlow, onCallFlowRun } from '../../src/firebase';
import { Hono } from 'hono';
import { Webhook } from 'standardwebhooks';
import { startFlowWorkflow } from '../../src/client';
import { createFlowApi, flowWebhook, standardWebhooks } from '../../src/http';
import { httpApprovalFlow, httpGreetFlow } from '../fixtures/http-flows';
import { useWorker } from '../helpers/temporal';

const worker = useWorker('config-once');

// The profile file the settings come from (the options name it, as TEMPORAL_CONFIG_FILE would).
const profileFile = join(mkdtempSync(join(tmpdir(), 'config-once-')), 'temporal.toml');
writeFileSync(profileFile, '[profile.default]\nnamespace = "default"\n');
const temporal = () => ({ ...worker.opts(), configSource: { path: profileFile } });

// envconfig reads through Node's own `fs` module object (CommonJS): the spy sees each read of the file.
const fs = createRequire(__filename)('node:fs') as typeof import('node:fs');
let readFileSync: MockInstance;
beforeEach(() => {
  readFileSync = vi.spyOn(fs, 'readFileSync');
});
afterEach(() => readFileSync.mockRestore());
const profileReads = () => readFileSync.mock.calls.filter(([path]) => path === profileFile).length;

/** How many times the profile file is read while `fn` runs. */
async function readsDuring(fn: () => Promise<unknown>): Promise<number> {
  const before = profileReads();
  await fn();
  return profileReads() - before;
}

const callableRequest = (data: unknown, uid: string): CallableRequest => ({
  data,
  auth: { uid, token: { uid, sub: uid } as never, rawToken: 'RAW.ID.TOKEN' },
  rawRequest: {} as never,
  acceptsStreaming: false,
});
type Callable = { run: (request: CallableRequest) => Promise<any> };
const call = (fn: unknown, req: CallableRequest) => (fn as Callable).run(req);

describe('settings resolved once per front door', () => {
  it('the spy counts reads of the profile file (a resolution reads it once)', async () => {
    const { resolveTemporalConfig } = await import('../../src/client/config');
    expect(await readsDuring(async () => resolveTemporalConfig(temporal()))).toBe(1);
  });

  it('onCallFlow reads the profile file on its first request only', async () => {
    const start = onCallFlow(httpGreetFlow, { temporal: temporal() });
    const perRequest = [];
    for (let i = 0; i < 4; i++)
      perRequest.push(await readsDuring(() => call(start, callableRequest({ name: 'bo' }, 'bob'))));
    expect(perRequest).toEqual([1, 0, 0, 0]);
  });

  it('onCallFlowRun reads the profile file on its first request only', async () => {
    const { workflowId } = await call(
      onCallFlow(httpGreetFlow, { temporal: temporal() }),
      callableRequest({ name: 'cy' }, 'cy'),
    );
    const runs = onCallFlowRun({ temporal: temporal() });
    const perRequest = [];
    for (let i = 0; i < 4; i++) {
      perRequest.push(await readsDuring(() => call(runs, callableRequest({ action: 'get', workflowId }, 'cy'))));
    }
    expect(perRequest).toEqual([1, 0, 0, 0]);
  });

  it('createFlowApi reads the profile file when created, never while serving starts, waits, reads, streams and console pages', async () => {
    let api!: ReturnType<typeof createFlowApi>;
    const atCreation = await readsDuring(
      async () => (api = createFlowApi({ flows: [httpGreetFlow], console: true, ...temporal() })),
    );
    const post = (query = '') =>
      api.request(`/flows/httpGreetFlow${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ data: { name: 'di' } }),
      });
    let workflowId = '';
    const perRequest = [
      await readsDuring(async () => {
        const res = await post();
        expect(res.status).toBe(202);
        workflowId = ((await res.json()) as { workflowId: string }).workflowId;
      }),
      await readsDuring(async () => expect((await post('?wait=true')).status).toBe(200)),
      await readsDuring(async () => expect((await api.request(`/runs/${workflowId}`)).status).toBe(200)),
      // The run has ended: its event stream replays and closes; the console lists it.
      await readsDuring(async () =>
        expect(await (await api.request(`/runs/${workflowId}/events`)).text()).toContain('event: result'),
      ),
      await readsDuring(async () => expect((await api.request('/console')).status).toBe(200)),
    ];
    expect({ atCreation, perRequest }).toEqual({ atCreation: 1, perRequest: [0, 0, 0, 0, 0] });
  });

  it('flowWebhook reads the profile file when created, never while deliveries start or answer runs', async () => {
    const secret = `whsec_${Buffer.from('config-once-webhook-secret').toString('base64')}`;
    const app = new Hono();
    const verify = standardWebhooks(secret);
    const atCreation = await readsDuring(async () => {
      app.post('/greet', flowWebhook(httpGreetFlow, { ...temporal(), verify }));
      app.post(
        '/approvals',
        flowWebhook(httpApprovalFlow, {
          ...temporal(),
          verify,
          answers: { workflowId: (p) => p.runId, input: 'approval', toValue: (p) => ({ approved: p.approved }) },
        }),
      );
    });
    const deliver = (path: string, payload: object) => {
      const body = JSON.stringify(payload);
      const id = `delivery-${Math.random().toString(36).slice(2)}`;
      return app.request(path, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
          'webhook-signature': new Webhook(secret).sign(id, new Date(), body),
        },
        body,
      });
    };
    const approval = await startFlowWorkflow(httpApprovalFlow, 'invoice', worker.opts());
    const { workflowId } = approval;
    const perDelivery = [
      await readsDuring(async () => expect((await deliver('/greet', { name: 'ed' })).status).toBe(202)),
      await readsDuring(async () => expect((await deliver('/greet', { name: 'fay' })).status).toBe(202)),
      await readsDuring(async () =>
        expect((await deliver('/approvals', { runId: workflowId, approved: true })).status).toBe(202),
      ),
    ];
    expect({ atCreation, perDelivery }).toEqual({ atCreation: 2, perDelivery: [0, 0, 0] });
    // The answered run finishes here, not during the worker's shutdown: an attempt still writing its journal then
    // held the shutdown past the hook's 120 s once (its journal Update waited on a worker that no longer polled).
    await approval.result();
  });
});
