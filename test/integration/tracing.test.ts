// One OpenTelemetry trace per run, against the real dev server: the caller's traceparent → the front door's
// request span → StartWorkflow → RunWorkflow → StartActivity → RunActivity (one per attempt) → Genkit's flow,
// model and tool spans. Spans are collected by an in-memory exporter on a registered SDK tracer provider, the
// way an app's NodeSDK would collect them. And: with tracing off, nothing of it is installed.
import { randomBytes } from 'node:crypto';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getTemporalClient, closeTemporalClients } from '../../src/client/connection';
import { onCallFlow } from '../../src/firebase';
import { createFlowApi } from '../../src/http';
import { bundleFlowWorkflows } from '../../src/worker/start-worker';
import type { TemporalWorkerHandle } from '../../src/worker/start-worker';
import { tracedAgentFlow, tracedModel, tracingGreetFlow } from '../fixtures/traced-flows';
import { serveForTests } from '../helpers/http';
import { address, namespace, startWorker, uniqueTaskQueue, waitFor } from '../helpers/temporal';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider();
provider.addSpanProcessor(new SimpleSpanProcessor(exporter));
// What NodeSDK does too: the global provider, an AsyncLocalStorage context manager, W3C trace context.
provider.register({ contextManager: new AsyncLocalStorageContextManager().enable() });

const tracedQueue = uniqueTaskQueue('traced');
const untracedQueue = uniqueTaskQueue('untraced');
const traced = { address: address(), namespace: namespace(), taskQueue: tracedQueue, telemetry: true };
const untraced = { address: address(), namespace: namespace(), taskQueue: untracedQueue };
const workers: TemporalWorkerHandle[] = [];
let tracedBundle: string;

beforeAll(async () => {
  // The Cloud Run worker's way: a prebuilt bundle, built with the workflow interceptors.
  tracedBundle = (await bundleFlowWorkflows({ telemetry: true, logger: quietLogger() })).code;
  workers.push(await startWorker(tracedQueue, { telemetry: true, workflowBundle: { code: tracedBundle } }));
  workers.push(await startWorker(untracedQueue));
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.shutdown()));
  await closeTemporalClients();
  await provider.shutdown();
});

/** A W3C traceparent of a caller's span (its trace and span IDs). */
function callerContext() {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

const spansOf = (traceId: string) => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
const subtype = (s: ReadableSpan) => s.attributes['genkit:metadata:subtype'];

describe('tracing on', () => {
  it('one trace links the HTTP request, the workflow, each attempt and Genkit flow, model and tool spans', async () => {
    const { url } = await serveForTests(createFlowApi({ ...traced, flows: [tracedAgentFlow] }));
    const caller = callerContext();
    const res = await fetch(url('/flows/tracedAgentFlow?wait=true'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', traceparent: caller.traceparent },
      body: JSON.stringify({ data: 'weather in Paris?' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ result: 'sunny in Paris' });
    expect(tracedModel.calls).toBe(3); // failed once, asked for the tool, answered

    // Workflow spans reach the exporter through a sink when the workflow ends.
    await waitFor(
      () => spansOf(caller.traceId).some((s) => s.name === 'RunWorkflow:runGenkitFlow'),
      10_000,
      'the RunWorkflow span',
    );
    const trace = spansOf(caller.traceId);
    const byId = new Map(trace.map((s) => [s.spanContext().spanId, s]));
    const parentOf = (s: ReadableSpan) => (s.parentSpanId ? byId.get(s.parentSpanId) : undefined);
    /** The span's ancestors, nearest first, up to the trace's root span. */
    const ancestors = (s: ReadableSpan) => {
      const chain: ReadableSpan[] = [];
      for (let p = parentOf(s); p; p = parentOf(p)) chain.push(p);
      return chain;
    };
    const one = (name: string) => {
      const found = trace.filter((s) => s.name === name);
      expect(found.map((s) => s.name)).toEqual([name]);
      return found[0];
    };

    // The front door continues the caller's trace; the rest hangs below it, link by link.
    const http = one('POST /flows/:name');
    expect(http.parentSpanId).toBe(caller.spanId);
    const start = one('StartWorkflow:runGenkitFlow');
    expect(parentOf(start)).toBe(http);
    const run = one('RunWorkflow:runGenkitFlow');
    expect(parentOf(run)).toBe(start);
    // Every span of the trace is connected: only the request span's parent is outside it (the caller's).
    expect(trace.filter((s) => !parentOf(s)).map((s) => s.name)).toEqual([http.name]);
    // The journal's updates from the activity, and the workflow handling them, are part of it.
    expect(trace.some((s) => s.name.startsWith('StartWorkflowUpdate:'))).toBe(true);
    expect(trace.some((s) => s.name.startsWith('HandleUpdate:'))).toBe(true);

    // Two attempts: each scheduled by the workflow, each run under its own activity span.
    const attempts = trace
      .filter((s) => s.name === 'RunActivity:runGenkitFlowActivity')
      .sort((a, b) => Number(a.attributes['genkit.flow.attempt']) - Number(b.attributes['genkit.flow.attempt']));
    expect(attempts.map((s) => s.attributes['genkit.flow.attempt'])).toEqual([1, 2]);
    for (const attempt of attempts) {
      expect(attempt.attributes['genkit.flow.name']).toBe('tracedAgentFlow');
      expect(parentOf(attempt)?.name).toBe('StartActivity:runGenkitFlowActivity');
      expect(parentOf(parentOf(attempt)!)).toBe(run);
    }

    // Genkit's own spans, as children of the attempt's activity span.
    const flowSpans = trace.filter((s) => subtype(s) === 'flow' && s.name === 'tracedAgentFlow');
    expect(flowSpans.map((s) => parentOf(s))).toEqual(attempts);
    expect(flowSpans[0].status.code).toBe(2); // ERROR: the first attempt failed
    const models = trace.filter((s) => subtype(s) === 'model');
    const tools = trace.filter((s) => subtype(s) === 'tool');
    expect(models.map((s) => s.name)).toEqual(['traced/agent-model', 'traced/agent-model', 'traced/agent-model']);
    expect(tools.map((s) => s.name)).toEqual(['lookupWeather']);
    const attemptOf = (s: ReadableSpan) => attempts.indexOf(ancestors(s).find((a) => attempts.includes(a))!) + 1;
    expect(models.map(attemptOf).sort()).toEqual([1, 2, 2]);
    expect(attemptOf(tools[0])).toBe(2);
    // The whole chain from the tool call up to the caller.
    const toolChain = ancestors(tools[0]);
    const expectedOrder = [flowSpans[1], attempts[1], parentOf(attempts[1])!, run, start, http];
    expect(toolChain.filter((s) => expectedOrder.includes(s))).toEqual(expectedOrder);
    expect(toolChain.at(-1)).toBe(http);
    // Every Genkit span of the run is in this trace.
    expect(exporter.getFinishedSpans().filter((s) => s.attributes['genkit:name'] === 'tracedAgentFlow')).toEqual(
      flowSpans,
    );
  });

  it("a Firebase callable's start joins the caller's trace, down to the flow span", async () => {
    const caller = callerContext();
    const callable = onCallFlow(tracingGreetFlow, { temporal: traced }) as unknown as {
      run(request: object): Promise<{ workflowId: string }>;
    };
    const { workflowId } = await callable.run({
      data: 'ada',
      auth: { uid: 'ada', token: { uid: 'ada', sub: 'ada' }, rawToken: 'RAW.ID.TOKEN' },
      rawRequest: { headers: { traceparent: caller.traceparent } },
      acceptsStreaming: false,
    });
    expect(await (await getTemporalClient(traced)).workflow.getHandle(workflowId).result()).toBe('hello ada');
    await waitFor(
      () => spansOf(caller.traceId).some((s) => s.name === 'RunWorkflow:runGenkitFlow'),
      10_000,
      'the RunWorkflow span',
    );
    const trace = spansOf(caller.traceId);
    const byId = new Map(trace.map((s) => [s.spanContext().spanId, s]));
    const callableSpan = trace.find((s) => s.name === 'onCallFlow tracingGreetFlow')!;
    expect(callableSpan.parentSpanId).toBe(caller.spanId);
    const flowSpan = trace.find((s) => s.name === 'tracingGreetFlow' && subtype(s) === 'flow')!;
    const chain: string[] = [];
    for (let p = byId.get(flowSpan.parentSpanId!); p; p = byId.get(p.parentSpanId ?? '')) chain.push(p.name);
    expect(chain).toEqual([
      'RunActivity:runGenkitFlowActivity',
      'StartActivity:runGenkitFlowActivity',
      'RunWorkflow:runGenkitFlow',
      'StartWorkflow:runGenkitFlow',
      'onCallFlow tracingGreetFlow',
    ]);
  });

  it('a prebuilt bundle without the workflow interceptors is reported when tracing is on', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const worker = await startWorker(uniqueTaskQueue('traced-plain'), { telemetry: true }); // the plain bundle
      await worker.shutdown();
      expect(warn.mock.calls.flat().join('\n')).toMatch(/bundleFlowWorkflows\(\{ telemetry: true \}\)/);
      expect(tracedBundle).toContain('interceptors-opentelemetry/lib/workflow-interceptors');
    } finally {
      warn.mockRestore();
    }
  });
});

describe('tracing off (the default)', () => {
  it('adds no interceptors, sinks or request spans, and a run makes no Temporal spans', async () => {
    const worker = workers[1].worker;
    expect(worker.options.interceptors.activity).toEqual([]);
    expect(worker.options.interceptors.client.workflow).toEqual([]);
    expect(worker.options.interceptors.workflowModules.join()).not.toMatch(/opentelemetry/);
    expect(Object.keys(worker.options.sinks ?? {})).not.toContain('exporter');
    const client = await getTemporalClient(untraced);
    expect(client.options.interceptors.workflow ?? []).toEqual([]);
    // The traced worker, for contrast: the same fields are filled there.
    expect(workers[0].worker.options.interceptors.activity).toHaveLength(2);
    expect(Object.keys(workers[0].worker.options.sinks ?? {})).toContain('exporter');

    const { url } = await serveForTests(createFlowApi({ ...untraced, flows: [tracingGreetFlow] }));
    const caller = callerContext();
    const res = await fetch(url('/flows/tracingGreetFlow'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', traceparent: caller.traceparent },
      body: JSON.stringify({ data: 'ada' }),
    });
    const { workflowId } = (await res.json()) as { workflowId: string };
    expect(await client.workflow.getHandle(workflowId).result()).toBe('hello ada');
    await new Promise((r) => setTimeout(r, 500));
    const temporalSpans = exporter.getFinishedSpans().filter((s) => s.attributes.temporalWorkflowId === workflowId);
    expect(temporalSpans).toEqual([]);
    expect(spansOf(caller.traceId)).toEqual([]);
  });
});

function quietLogger() {
  const noop = () => undefined;
  return { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
}
