// The exporter path users configure: a worker process whose NodeSDK is set up by OTEL_* variables alone exports
// the run's spans over OTLP/HTTP (here to a local receiver on 127.0.0.1) — workflow, both attempts' activity
// spans and Genkit's spans in one trace, all with the worker's service name (the workflow spans too, which
// reach the exporter through the sink rather than the tracer).
import { once } from 'node:events';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { executeFlowWorkflow } from '../../src/client';
import { closeTemporalClients } from '../../src/connection';
import { flowRef } from '../../src/flow-ref';
import { bundleFlowWorkflows } from '../../src/worker';
import { address, namespace, uniqueTaskQueue, waitFor } from '../helpers/temporal';
import { spawnWorker, type WorkerProcess } from '../helpers/worker-process';

/** A span as OTLP/JSON carries it, with its resource's service name. */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
  service: unknown;
}

const received: OtlpSpan[] = [];
let receiver: Server;
let worker: WorkerProcess;
const taskQueue = uniqueTaskQueue('otlp');

/** OTLP/JSON attribute lists ([{ key, value: { stringValue | intValue | … } }]) as a plain record. */
function attributesOf(list: Array<{ key: string; value: Record<string, unknown> }> = []) {
  return Object.fromEntries(list.map(({ key, value }) => [key, Object.values(value)[0]]));
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        for (const rs of JSON.parse(body).resourceSpans ?? []) {
          const service = attributesOf(rs.resource?.attributes)['service.name'];
          for (const ss of rs.scopeSpans ?? [])
            for (const s of ss.spans ?? []) received.push({ ...s, attributes: attributesOf(s.attributes), service });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const port = (receiver.address() as AddressInfo).port;

  const dir = await mkdtemp(join(tmpdir(), 'genkitx-otlp-'));
  const bundlePath = join(dir, 'workflow-bundle.js');
  const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} };
  await writeFile(bundlePath, (await bundleFlowWorkflows({ telemetry: true, logger: quiet })).code);
  worker = await spawnWorker(
    taskQueue,
    {
      GENKITX_OTEL: 'true',
      OTEL_SERVICE_NAME: 'otlp-test-worker',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
    },
    { script: 'otlp-worker-process.ts', bundlePath },
  );
}, 180_000);

afterAll(async () => {
  worker?.child.kill('SIGTERM');
  await worker?.exited;
  await closeTemporalClients();
  await new Promise((r) => receiver?.close(r));
});

it('exports one connected trace of the run over OTLP, configured by OTEL_* variables only', async () => {
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
