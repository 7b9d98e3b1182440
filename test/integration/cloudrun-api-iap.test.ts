// The front-door API service (cloudrun/api) behind IAP, as its own process configured only through the env
// contract (API_AUTH=iap, IAP_AUDIENCE, IAP_JWKS_URL pointing at a local key set): Genkit's own client runs a flow
// with the assertion IAP would add, and the run belongs to the person it names; the console opens with it; a
// missing, expired, forged or other-audience assertion is a 401 and starts nothing; a post a browser sends from
// another origin with a valid assertion (IAP's cookie goes along by itself) is a 403.
import { runFlow } from 'genkit/beta/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../examples/demo/flows';
import { getTemporalClient } from '../../src/client/connection';
import { IAP_ASSERTION_HEADER } from '../../src/http';
import { freePorts } from '../../src/testing/local-process-helpers';
import { iapAssertion, makeIapKey, serveKeySet, type IapTestKey } from '../helpers/iap-keys';
import { serviceReady, startCloudRunService, type CloudRunInstance } from '../harness/cloud-run-service';
import { address, namespace, useWorker } from '../helpers/temporal';

const worker = useWorker('cloudrun-api-iap');
const AUDIENCE = '/projects/123456789012/locations/us-central1/services/genkit-api';
let api: CloudRunInstance;
let base = '';
let key: IapTestKey;
let forger: IapTestKey;
let keySet: Awaited<ReturnType<typeof serveKeySet>>;

beforeAll(async () => {
  key = await makeIapKey('iap-1');
  forger = await makeIapKey('iap-1');
  keySet = await serveKeySet(() => [key]);
  const [port] = await freePorts(1);
  base = `http://127.0.0.1:${port}`;
  // From its own folder, as `npm start` runs it: FLOWS_MODULE reads flows.json from the working directory.
  api = startCloudRunService(
    'api',
    // Exactly names of the env contract (API_ENV, src/common/env-contract.ts), plus Cloud Run's PORT.
    {
      TEMPORAL_ADDRESS: address(),
      TEMPORAL_NAMESPACE: namespace(),
      TEMPORAL_TASK_QUEUE: worker.taskQueue,
      FLOWS_MODULE: 'src/flows.ts',
      API_AUTH: 'iap',
      IAP_AUDIENCE: AUDIENCE,
      IAP_JWKS_URL: keySet.url,
      PORT: String(port),
    },
    { ownFolder: true },
  );
  await serviceReady(api, 'api listening');
});

afterAll(async () => {
  api?.child.kill('SIGKILL');
  await keySet?.close();
});

const start = (headers: Record<string, string>) =>
  fetch(`${base}/flows/tripPlanner`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ data: { city: 'Porto', days: 1 } }),
  });

describe('cloudrun/api behind IAP', () => {
  it("runs a flow for Genkit's client as the person IAP signed in, and opens the console for them", async () => {
    const assertion = await iapAssertion(key, AUDIENCE);
    const result = await runFlow({
      url: `${base}/flows/tripPlanner?wait=true`,
      input: { city: 'Lisbon', days: 2 },
      headers: { [IAP_ASSERTION_HEADER]: assertion },
    });
    expect(result).toMatchObject({ bookingId: 'booking-lisbon-2d' });
    const started = await start({ [IAP_ASSERTION_HEADER]: assertion });
    expect(started.status).toBe(202);
    const { workflowId } = (await started.json()) as { workflowId: string };
    const client = await getTemporalClient({ address: address(), namespace: namespace() });
    const memo = (await client.workflow.getHandle(workflowId).describe()).memo;
    expect(memo?.genkitPrincipal).toBe('accounts.google.com:1234567890');
    const page = await fetch(`${base}/console/runs/${encodeURIComponent(workflowId)}`, {
      headers: { [IAP_ASSERTION_HEADER]: assertion, accept: 'text/html' },
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(workflowId);
  });

  it('refuses missing, expired, forged and other-audience assertions (401) and starts nothing', async () => {
    const client = await getTemporalClient({ address: address(), namespace: namespace() });
    const count = async () =>
      (await client.workflow.count(`TaskQueue="${worker.taskQueue}"`).catch(() => ({ count: -1 }))).count;
    await new Promise((r) => setTimeout(r, 1500));
    const before = await count();
    expect(before).toBeGreaterThan(0); // the runs the test above started on this queue
    const now = Math.floor(Date.now() / 1000);
    const refused = {
      missing: {},
      expired: { [IAP_ASSERTION_HEADER]: await iapAssertion(key, AUDIENCE, { iat: now - 1200, exp: now - 600 }) },
      forged: { [IAP_ASSERTION_HEADER]: await iapAssertion(forger, AUDIENCE) },
      otherAudience: {
        [IAP_ASSERTION_HEADER]: await iapAssertion(key, '/projects/123456789012/locations/us-central1/services/other'),
      },
    };
    for (const [what, headers] of Object.entries(refused)) {
      const res = await start(headers);
      expect(res.status, what).toBe(401);
    }
    await new Promise((r) => setTimeout(r, 1500));
    expect(await count()).toBe(before);
  });

  it("refuses a browser's cross-origin post even with a valid assertion (IAP's own cookie goes along)", async () => {
    const assertion = await iapAssertion(key, AUDIENCE);
    const res = await start({
      [IAP_ASSERTION_HEADER]: assertion,
      origin: 'https://elsewhere.example',
      'sec-fetch-site': 'cross-site',
    });
    expect(res.status).toBe(403);
  });
});
