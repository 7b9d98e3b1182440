// The exporter path users configure, as the Cloud Run worker service runs it: cloudrun/worker's entry point (its
// main.ts, on this repository's source) with GENKITX_OTEL=true starts a NodeSDK set up by OTEL_* variables alone,
// loads the traced workflow bundle beside WORKFLOW_BUNDLE_PATH, and exports the run's spans over OTLP/HTTP (here
// to a local receiver on 127.0.0.1) — workflow, both attempts' activity spans and Genkit's spans in one trace, all
// with the service's name (the workflow spans too, which reach the exporter through the sink rather than the
// tracer). SIGTERM flushes and exits 0.
import { randomBytes } from 'node:crypto';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { executeFlowWorkflow } from '../../src/client/start-flow';
import { closeTemporalClients } from '../../src/client/connection';
import { flowRef } from '../../src/client/flow-ref';
import { bundleFlowWorkflows } from '../../src/worker/start-worker';
import { serviceReady, startCloudRunService, type CloudRunInstance } from '../harness/cloud-run-service';
import { otlpEnv, startOtlpReceiver, type OtlpSpan } from '../harness/otlp';
import { address, namespace, uniqueTaskQueue, waitFor } from '../helpers/temporal';

const received: OtlpSpan[] = [];
let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
const root = resolve(__dirname, '../..');
const taskQueue = uniqueTaskQueue('otlp');
let bundleDir: string;

let worker: CloudRunInstance;

beforeAll(async () => {
  receiver = await startOtlpReceiver(received);
  const port = receiver.port;

  bundleDir = await mkdtemp(join(tmpdir(), 'genkitx-otlp-'));
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };
  // Only the traced twin exists: the worker must pick it because GENKITX_OTEL is on (the plain one would fail).
  await writeFile(
    join(bundleDir, 'workflow-bundle.traced.js'),
    (await bundleFlowWorkflows({ telemetry: true, logger: quiet })).code,
  );
  worker = startCloudRunService(
    'worker',
    {
      TEMPORAL_ADDRESS: address(),
      TEMPORAL_NAMESPACE: namespace(),
      TEMPORAL_TASK_QUEUE: taskQueue,
      FLOWS_MODULE: join(root, 'test/fixtures/traced-flows.ts'),
      WORKFLOW_BUNDLE_PATH: join(bundleDir, 'workflow-bundle.js'),
      K_SERVICE: 'otlp-test-worker', // the service name when OTEL_SERVICE_NAME is unset, as on Cloud Run
      ...otlpEnv(port),
    },
    { librarySource: true },
  );
  await serviceReady(worker, '"message":"worker polling"', 90_000);
}, 180_000);

afterAll(async () => {
  if (worker?.child.exitCode === null) worker.child.kill('SIGKILL');
  await closeTemporalClients();
  await receiver?.close();
});

it('exports one connected trace of the run over OTLP, configured by OTEL_* variables only', async () => {
  const polling = JSON.parse(
    worker
      .output()
      .split('\n')
      .find((l) => l.includes('"worker polling"'))!,
  );
  expect(polling.tracing).toEqual({
    serviceName: 'otlp-test-worker',
    otlpEndpoint: expect.stringMatching(/^http:/),
    userDataOptIn: false,
  });

  const result = await executeFlowWorkflow(flowRef('tracedAgentFlow'), 'weather in Paris?', {
    address: address(),
    namespace: namespace(),
    taskQueue,
  });
  expect(result).toBe('sunny in Paris');

  const root = await waitFor(
    () => received.find((s) => s.name === 'RunWorkflow:runGenkitFlow'),
    15_000,
    'the RunWorkflow span over OTLP',
  );
  const spansOfRun = () => received.filter((s) => s.traceId === root.traceId);
  const isTool = (s: OtlpSpan) => s.attributes['genkit:metadata:subtype'] === 'tool';
  await waitFor(() => spansOfRun().some(isTool), 15_000, 'the tool span over OTLP');
  const trace = spansOfRun();
  const byId = new Map(trace.map((s) => [s.spanId, s]));
  const ancestors = (s: OtlpSpan) => {
    const chain: OtlpSpan[] = [];
    for (let p = byId.get(s.parentSpanId ?? ''); p; p = byId.get(p.parentSpanId ?? '')) chain.push(p);
    return chain;
  };

  // The caller had no tracing: the workflow's span is the root, and every other span hangs below it.
  expect(root.parentSpanId || undefined).toBeUndefined();
  expect(trace.filter((s) => s !== root && ancestors(s).at(-1) !== root)).toEqual([]);
  const attempts = trace.filter((s) => s.name === 'RunActivity:runGenkitFlowActivity');
  expect(attempts.map((s) => Number(s.attributes['genkit.flow.attempt'])).sort()).toEqual([1, 2]);
  const flows = trace.filter((s) => s.attributes['genkit:metadata:subtype'] === 'flow');
  expect(flows.map((s) => byId.get(s.parentSpanId!)).sort()).toEqual([...attempts].sort());
  expect(trace.filter((s) => s.attributes['genkit:metadata:subtype'] === 'model')).toHaveLength(3);
  const [tool] = trace.filter((s) => s.attributes['genkit:metadata:subtype'] === 'tool');
  expect(ancestors(tool).map((s) => s.name)).toEqual(
    expect.arrayContaining(['tracedAgentFlow', 'RunActivity:runGenkitFlowActivity', 'RunWorkflow:runGenkitFlow']),
  );
  // One service for all of it, the workflow spans included.
  expect(new Set(trace.map((s) => s.service))).toEqual(new Set(['otlp-test-worker']));
});

it("continues the caller's trace through the traced front door (cloudrun/api) into the workflow", async () => {
  const port = receiver.port;
  const apiPort = await new Promise<number>((done) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as AddressInfo;
      probe.close(() => done(free));
    });
  });
  const api = startCloudRunService(
    'api',
    {
      TEMPORAL_ADDRESS: address(),
      TEMPORAL_NAMESPACE: namespace(),
      TEMPORAL_TASK_QUEUE: taskQueue,
      FLOWS_MODULE: join(root, 'test/fixtures/cloudrun-worker/api-flows.ts'),
      API_AUTH: 'none',
      PORT: String(apiPort),
      K_SERVICE: 'otlp-test-api',
      ...otlpEnv(port),
    },
    { librarySource: true },
  );
  try {
    await serviceReady(api, 'api listening', 60_000);
    const callerTrace = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const res = await fetch(`http://127.0.0.1:${apiPort}/flows/tracingGreetFlow?wait=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${callerTrace}-${callerSpan}-01` },
      body: JSON.stringify({ data: 'Ada' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: 'hello Ada' });

    const inTrace = () => received.filter((s) => s.traceId === callerTrace);
    const run = await waitFor(
      () => inTrace().find((s) => s.name === 'RunWorkflow:runGenkitFlow'),
      15_000,
      "the worker's RunWorkflow span in the caller's trace",
    );
    // The request span ends with the response, after the run: it is exported last.
    const request = await waitFor(
      () => inTrace().find((s) => s.service === 'otlp-test-api' && s.parentSpanId === callerSpan),
      15_000,
      "the API's request span, child of the caller's",
    );
    expect(request.attributes['url.path']).toBe('/flows/tracingGreetFlow');
    const start = inTrace().find((s) => s.name === 'StartWorkflow:runGenkitFlow');
    expect(start).toMatchObject({ service: 'otlp-test-api', parentSpanId: request!.spanId });
    expect(run).toMatchObject({ service: 'otlp-test-worker', parentSpanId: start!.spanId });
  } finally {
    api.child.kill('SIGTERM');
    expect(await api.exited).toBe(0);
  }
}, 90_000);

it('flushes and exits 0 on SIGTERM', async () => {
  worker.child.kill('SIGTERM');
  expect(await worker.exited).toBe(0);
  expect(worker.output()).toContain('"message":"worker stopped"');
}, 15_000);

it('refuses to start with tracing on and no traced bundle, naming the file', async () => {
  const plainOnly = await mkdtemp(join(tmpdir(), 'genkitx-otlp-plain-'));
  await writeFile(join(plainOnly, 'workflow-bundle.js'), '// a plain bundle');
  const refused = startCloudRunService(
    'worker',
    {
      FLOWS_MODULE: join(root, 'test/fixtures/traced-flows.ts'),
      WORKFLOW_BUNDLE_PATH: join(plainOnly, 'workflow-bundle.js'),
      GENKITX_OTEL: 'true',
    },
    { librarySource: true },
  );
  expect(await refused.exited).toBe(1);
  expect(refused.output()).toContain(`no workflow bundle at ${join(plainOnly, 'workflow-bundle.traced.js')}`);
  expect(refused.output()).not.toContain('worker polling');
}, 60_000);
