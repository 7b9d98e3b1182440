// A run failed over between two workers, traced: the worker running the flow is shut down mid-step (its attempt is
// failed over, not counted as a retry) and a second worker runs the flow again from the journal. Each activity
// span says which flow attempt it ran and which of the run's activities it was, so the lost run and the one that
// finished are told apart. Spans are collected by an in-memory exporter on a registered SDK tracer provider, as
// an app's NodeSDK would.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { closeTemporalClients, startFlowWorkflow } from '../../src';
import { FLOW_SPAN_ATTRIBUTES } from '../../src/telemetry/tracing-worker-plugin';
import type { TemporalWorkerHandle } from '../../src/worker/start-worker';
import { ledger, sixStepFlow } from '../fixtures/durable-flows';
import { activityStarts, address, namespace, startWorker, uniqueTaskQueue, waitFor } from '../helpers/temporal';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider();
provider.addSpanProcessor(new SimpleSpanProcessor(exporter));
provider.register({ contextManager: new AsyncLocalStorageContextManager().enable() });

const dir = mkdtempSync(join(tmpdir(), 'tracing-failover-'));
const gateFile = join(dir, 'gate');
const taskQueue = uniqueTaskQueue('traced-failover');
const workers: TemporalWorkerHandle[] = [];

beforeAll(() => {
  process.env.GATE_FILE = gateFile;
});
afterAll(async () => {
  if (!existsSync(gateFile)) writeFileSync(gateFile, 'open');
  await Promise.all(workers.map((w) => w.shutdown()));
  await closeTemporalClients();
  await provider.shutdown();
  delete process.env.GATE_FILE;
  rmSync(dir, { recursive: true, force: true });
});

it("labels a failed-over attempt's activity span with its flow attempt and its own activity number", async () => {
  const first = await startWorker(taskQueue, { telemetry: true });
  workers.push(first);
  const handle = await startFlowWorkflow(sixStepFlow, 'failover', {
    address: address(),
    namespace: namespace(),
    taskQueue,
  });
  await waitFor(() => ledger.includes('step:charge'), 30_000, 'the charge step in flight on the first worker');
  // The second worker starts only now, so the failed-over attempt can only run there.
  workers.push(await startWorker(taskQueue, { telemetry: true }));
  await first.shutdown(); // fails the in-flight attempt over
  await waitFor(() => ledger.filter((e) => e === 'step:charge').length === 2, 30_000, 'charge on the second worker');
  writeFileSync(gateFile, 'open');
  await handle.result();
  expect(await activityStarts(handle)).toHaveLength(2);

  const runs = await waitFor(
    () => {
      const spans = exporter
        .getFinishedSpans()
        .filter(
          (s) =>
            s.name === 'RunActivity:runGenkitFlowActivity' &&
            s.attributes[FLOW_SPAN_ATTRIBUTES.flowName] === 'sixStepFlow' &&
            s.attributes.temporalWorkflowId === handle.workflowId,
        );
      return spans.length === 2 ? spans : undefined;
    },
    15_000,
    'both activity spans',
  );
  const labels = runs
    .map((s) => ({
      attempt: s.attributes[FLOW_SPAN_ATTRIBUTES.flowAttempt],
      activity: s.attributes[FLOW_SPAN_ATTRIBUTES.flowActivity],
      failedOver: s.status.code === 2,
    }))
    .sort((a, b) => Number(a.activity) - Number(b.activity));
  console.log('[tracing-failover] activity spans:', JSON.stringify(labels));
  // Both ran flow attempt 1 (a lost attempt is not a retry); they were the run's activities 1 and 2.
  expect(labels).toEqual([
    { attempt: 1, activity: 1, failedOver: true },
    { attempt: 1, activity: 2, failedOver: false },
  ]);
}, 120_000);
