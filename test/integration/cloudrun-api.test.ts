// The front-door API service (cloudrun/api) as its own process, configured only through the env contract, in
// front of a worker hosting the flows: Genkit's own client runs a flow through it, a caller without the token
// gets 401 and nothing starts, and SIGTERM ends it with exit 0.
import { runFlow } from 'genkit/beta/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../examples/demo/flows';
import { freePorts } from '../../src/testing/local-process-helpers';
import { serviceReady, startCloudRunService, type CloudRunInstance } from '../harness/cloud-run-service';
import { address, namespace, useWorker } from '../helpers/temporal';

const { taskQueue } = useWorker('cloudrun-api');
let api: CloudRunInstance;
let base = '';

beforeAll(async () => {
  const [port] = await freePorts(1);
  base = `http://127.0.0.1:${port}`;
  // From its own folder, as `npm start` runs it: FLOWS_MODULE reads flows.json from the working directory.
  api = startCloudRunService(
    'api',
    // Exactly the names the Terraform templates set (API_ENV, src/common/env-contract.ts), plus Cloud Run's PORT.
    {
      TEMPORAL_ADDRESS: address(),
      TEMPORAL_NAMESPACE: namespace(),
      TEMPORAL_TASK_QUEUE: taskQueue,
      FLOWS_MODULE: 'src/flows.ts',
      API_AUTH: 'bearer',
      API_BEARER_TOKEN: 'front-door-token',
      PORT: String(port),
    },
    { ownFolder: true },
  );
  await serviceReady(api, 'api listening');
});
afterAll(() => {
  api?.child.kill('SIGKILL');
});

describe('cloudrun/api', () => {
  it("runs a flow for Genkit's own client, refuses a caller without the token, and exits 0 on SIGTERM", async () => {
    const result = await runFlow({
      url: `${base}/flows/tripPlanner?wait=true`,
      input: { city: 'Lisbon', days: 2 },
      headers: { Authorization: 'Bearer front-door-token' },
    });
    expect(result).toMatchObject({ bookingId: 'booking-lisbon-2d' });

    const denied = await fetch(`${base}/flows/tripPlanner`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { city: 'Rome', days: 1 } }),
    });
    expect(denied.status).toBe(401);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
  });
});
