// The kit's API service (cloudrun/api) as its own process, configured by the environment only, with the mistakes a
// deployment makes: no encryption keys while the workers encrypt, no context key while the workers require signed
// contexts, a Temporal address nobody answers at, and credentials a forgotten or mistyped variable gives. Each is
// refused at start-up naming the variable, or answered with a status and a message naming what to set.
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import '../../examples/demo/flows';
import { createDataConverter, type EncryptionKey } from '../../src/codec';
import { getTemporalClient } from '../../src/client/connection';
import type { ContextKey } from '../../src/identity';
import { freePorts } from '../../src/testing/local-process-helpers';
import { startCloudRunService } from '../harness/cloud-run-service';
import { address, namespace, useWorker, waitFor } from '../helpers/temporal';

const encryptionKeys: EncryptionKey[] = [{ id: 'k1', key: randomBytes(32) }];
const contextKeys: ContextKey[] = [{ id: 'c1', key: randomBytes(32) }];
// Workers configured as production ones are: one encrypts every payload, one accepts signed contexts only.
const workerConverter = createDataConverter({ encryption: { keys: encryptionKeys }, encryptFailures: false });
const encrypting = useWorker('misconfig-enc', { dataConverter: workerConverter });
const signing = useWorker('misconfig-ctx', { contextTrust: { contextKeys } });

const TOKEN = `api-token-${randomBytes(12).toString('hex')}`;
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const bearer = { Authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const input = JSON.stringify({ data: { city: 'Lisbon', days: 2 } });

const freePort = async () => (await freePorts(1))[0]!;

interface ApiProcess {
  base: string;
  output: () => string;
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>;
  kill(): void;
}
const running: ApiProcess[] = [];
afterAll(() => running.forEach((api) => api.kill()));

/** cloudrun/api/src/main.ts with exactly `env` (plus PATH and PORT), as Cloud Run would start it. */
async function startApi(env: Record<string, string>): Promise<ApiProcess> {
  const port = await freePort();
  // From its own folder, as `npm start` runs it: FLOWS_MODULE reads flows.json from the working directory.
  const service = startCloudRunService(
    'api',
    { FLOWS_MODULE: 'src/flows.ts', PORT: String(port), ...env },
    { ownFolder: true },
  );
  const { output, exited } = service;
  const api = { base: `http://127.0.0.1:${port}`, output, exited, kill: () => service.child.kill('SIGKILL') };
  running.push(api);
  return api;
}

async function listening(api: ApiProcess): Promise<ApiProcess> {
  await waitFor(() => api.output().includes('api listening') || api.output().includes('api failed'), 60_000, 'api');
  expect(api.output()).toContain('api listening');
  return api;
}

const temporalEnv = (taskQueue: string) => ({
  TEMPORAL_ADDRESS: address(),
  TEMPORAL_NAMESPACE: namespace(),
  TEMPORAL_TASK_QUEUE: taskQueue,
  API_AUTH: 'bearer',
  API_BEARER_TOKEN: TOKEN,
});

describe('cloudrun/api misconfigured', () => {
  it('without the encryption keys its workers have: 503 naming GENKITX_ENCRYPTION_KEYS, never a 500', async () => {
    const api = await listening(await startApi(temporalEnv(encrypting.taskQueue)));
    const res = await fetch(`${api.base}/flows/tripPlanner?wait=true`, {
      method: 'POST',
      headers: bearer,
      body: input,
    });
    const body = await res.json();
    expect([res.status, body.status]).toEqual([503, 'UNAVAILABLE']);
    expect(body.message).toMatch(/encrypted \(key "k1"\).*set GENKITX_ENCRYPTION_KEYS/);

    // The run itself is fine: a client with the keys reads its result; the API answers 503 for it too.
    const client = await getTemporalClient({
      address: address(),
      namespace: namespace(),
      dataConverter: workerConverter,
    });
    const [latest] = await waitFor(async () => {
      const runs = [];
      for await (const r of client.workflow.list({ query: `TaskQueue="${encrypting.taskQueue}"` })) runs.push(r);
      return runs.length ? runs : undefined;
    });
    const handle = client.workflow.getHandle(latest!.workflowId);
    expect(await handle.result()).toMatchObject({ bookingId: 'booking-lisbon-2d' });
    const read = await fetch(`${api.base}/runs/${latest!.workflowId}`, { headers: bearer });
    expect([read.status, (await read.json()).message]).toEqual([503, body.message]);
    expect(api.output()).toMatch(/"encryption":false/); // its start-up line says what it lacks
  });

  it('without the context key its workers require: the run fails PERMISSION_DENIED naming the variable to set on the caller', async () => {
    const api = await listening(await startApi(temporalEnv(signing.taskQueue)));
    const res = await fetch(`${api.base}/flows/tripPlanner?wait=true`, {
      method: 'POST',
      headers: bearer,
      body: input,
    });
    const body = await res.json();
    expect([res.status, body.status]).toEqual([403, 'PERMISSION_DENIED']);
    expect(body.message).toMatch(/set GENKITX_CONTEXT_KEYS .* on the process that started the run/);
    expect(api.output()).toMatch(/"contextSigning":false/);
  });

  it('with a Temporal address nobody answers at: 503 with the reason on the API and on its webhooks', async () => {
    const nobody = `127.0.0.1:${await freePort()}`;
    const api = await listening(
      await startApi({
        ...temporalEnv('unreachable'),
        TEMPORAL_ADDRESS: nobody,
        TEMPORAL_CONNECT_TIMEOUT: '1s',
        WEBHOOK_SECRET,
      }),
    );
    const reason = new RegExp(`could not connect to Temporal at ${nobody}.*TEMPORAL_ADDRESS`);
    const started = await fetch(`${api.base}/flows/tripPlanner`, { method: 'POST', headers: bearer, body: input });
    const startBody = await started.json();
    expect([started.status, startBody.status]).toEqual([503, 'UNAVAILABLE']);
    expect(startBody.message).toMatch(reason);
    const read = await fetch(`${api.base}/runs/tripPlanner-x`, { headers: bearer });
    expect([read.status, (await read.json()).message]).toEqual([503, startBody.message]);

    const delivery = JSON.stringify({ id: 'evt-1', city: 'Rome', days: 1 });
    const hook = await fetch(`${api.base}/hooks/tripPlanner`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'evt-1',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': new Webhook(WEBHOOK_SECRET).sign('evt-1', new Date(), delivery),
      },
      body: delivery,
    });
    const hookBody = await hook.json();
    expect([hook.status, hookBody.status]).toEqual([503, 'UNAVAILABLE']);
    expect(hookBody.message).toMatch(reason);
  });

  it('refuses to start with a bearer token or webhook secret a forgotten variable gives, or malformed fairness weights, naming the variable', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ API_AUTH: 'bearer', API_BEARER_TOKEN: 'undefined' }, /API_BEARER_TOKEN: .*unset environment variable/],
      [{ API_AUTH: 'bearer', API_BEARER_TOKEN: 'changeme' }, /API_BEARER_TOKEN: .*at least 16/],
      [{ API_AUTH: 'none', WEBHOOK_SECRET: 'whsec_' }, /WEBHOOK_SECRET: .*not a Standard Webhooks secret/],
      [{ API_AUTH: 'none', WEBHOOK_SECRET: 'undefined' }, /WEBHOOK_SECRET: .*signing secret is .{0,4}undefined/],
      [{ API_AUTH: 'none', CODEC_SERVER_TOKEN: TOKEN }, /CODEC_SERVER_TOKEN .*GENKITX_ENCRYPTION_KEYS/],
      [{ API_AUTH: 'none', GENKITX_FAIRNESS_WEIGHTS: 'premium=5' }, /GENKITX_FAIRNESS_WEIGHTS must be a JSON object/],
      [
        { API_AUTH: 'none', GENKITX_FAIRNESS_WEIGHTS: '{"premium":0}' },
        /GENKITX_FAIRNESS_WEIGHTS .*premium.{0,3} is 0/,
      ],
    ];
    await Promise.all(
      cases.map(async ([env, expected]) => {
        const api = await startApi({ TEMPORAL_ADDRESS: address(), ...env });
        expect(await api.exited, api.output()).toBe(1);
        expect(api.output()).toMatch(expected);
        expect(api.output()).not.toContain('api listening');
      }),
    );
  });
});
