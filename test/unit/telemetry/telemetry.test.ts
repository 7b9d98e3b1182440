// Tracing's in-process parts: how the setting resolves (option > plugin > GENKITX_OTEL > off), the request-span
// middleware (caller's traceparent, route names, errors), the worker plugin's wiring, and the processor that
// hands workflow spans to the registered provider. The end-to-end trace is in test/integration/tracing.test.ts.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { Resource } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import type { WorkerOptions } from '@temporalio/worker';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveTemporalConfig, setPluginDefaults } from '../../../src/client/config';
import { requestSpans } from '../../../src/telemetry/http-middleware';
import { temporalOtelWorkflowModule } from '../../../src/telemetry/load';
import { RegisteredProviderSpanProcessor } from '../../../src/telemetry/registered-provider';
import { telemetryBundleOptions, telemetryPlugins } from '../../../src/telemetry/worker-wiring';

const home = mkdtempSync(join(tmpdir(), 'genkitx-telemetry-'));
const env = (vars: Record<string, string> = {}) => ({ HOME: home, XDG_CONFIG_HOME: home, ...vars });

let exporter: InMemorySpanExporter;
let provider: BasicTracerProvider;
beforeEach(() => {
  exporter = new InMemorySpanExporter();
  provider = new BasicTracerProvider({ resource: new Resource({ 'service.name': 'unit-test' }) });
  provider.addSpanProcessor(new SimpleSpanProcessor(exporter));
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable() });
});
afterEach(async () => {
  setPluginDefaults({});
  await provider.shutdown();
  trace.disable(); // unregisters the provider, so the next test registers its own
});

describe('the telemetry setting', () => {
  it('is off by default, and on through the option, the plugin defaults or GENKITX_OTEL', () => {
    expect(resolveTemporalConfig({}, env()).telemetry).toBe(false);
    expect(resolveTemporalConfig({ telemetry: true }, env()).telemetry).toBe(true);
    for (const on of ['true', '1', 'TRUE'])
      expect(resolveTemporalConfig({}, env({ GENKITX_OTEL: on })).telemetry).toBe(true);
    for (const off of ['false', '0', ''])
      expect(resolveTemporalConfig({}, env({ GENKITX_OTEL: off })).telemetry).toBe(false);
    // The call's option wins over the environment, both ways.
    expect(resolveTemporalConfig({ telemetry: false }, env({ GENKITX_OTEL: 'true' })).telemetry).toBe(false);
    setPluginDefaults({ telemetry: true });
    expect(resolveTemporalConfig({}, env()).telemetry).toBe(true);
    const options = { spanProcessor: new SimpleSpanProcessor(exporter) };
    expect(resolveTemporalConfig({ telemetry: options }, env()).telemetry).toBe(options);
  });

  it('a GENKITX_OTEL value that is not a boolean is an error naming the variable', () => {
    expect(() => resolveTemporalConfig({}, env({ GENKITX_OTEL: 'yes please' }))).toThrow(/GENKITX_OTEL must be/);
  });
});

describe('requestSpans (front door)', () => {
  function app() {
    const seen: { spanId?: string } = {};
    const a = new Hono();
    a.use(requestSpans());
    a.get('/items/:id', (c) => {
      seen.spanId = trace.getActiveSpan()?.spanContext().spanId;
      return c.json({ id: c.req.param('id') });
    });
    a.get('/boom', () => {
      throw new Error('kaput');
    });
    a.onError((_err, c) => c.json({ error: 'internal' }, 500));
    return { a, seen };
  }

  it("continues the caller's trace, names the span by route, and is the active span in the handler", async () => {
    const { a, seen } = app();
    const traceId = 'a'.repeat(32);
    const res = await a.request('/items/42', { headers: { traceparent: `00-${traceId}-${'b'.repeat(16)}-01` } });
    expect(res.status).toBe(200);
    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('GET /items/:id');
    expect(span.spanContext().traceId).toBe(traceId);
    expect(span.parentSpanId).toBe('b'.repeat(16));
    expect(span.attributes).toMatchObject({ 'http.route': '/items/:id', 'http.response.status_code': 200 });
    expect(seen.spanId).toBe(span.spanContext().spanId);
  });

  it('starts a new trace without a traceparent, and ignores a malformed one', async () => {
    const { a } = app();
    await a.request('/items/1');
    await a.request('/items/2', { headers: { traceparent: 'not-a-trace-context' } });
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(2);
    expect(spans.map((s) => s.parentSpanId)).toEqual([undefined, undefined]);
    expect(spans[0].spanContext().traceId).not.toBe(spans[1].spanContext().traceId);
  });

  it('a failing handler: the 500 and the exception are on the span', async () => {
    const { a } = app();
    const res = await a.request('/boom');
    expect(res.status).toBe(500);
    const [span] = exporter.getFinishedSpans();
    expect(span.status.code).toBe(2); // ERROR
    expect(span.attributes['http.response.status_code']).toBe(500);
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
  });
});

/** A finished span as Temporal's workflow sink hands it over (a plain object). */
function sandboxSpan(name: string): ReadableSpan {
  const spanContext = { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), traceFlags: 1 };
  return {
    name,
    spanContext: () => spanContext,
    resource: Resource.empty(),
    attributes: {},
    events: [],
    links: [],
    status: { code: 0 },
  } as unknown as ReadableSpan;
}

describe('RegisteredProviderSpanProcessor (workflow spans)', () => {
  it("forwards to the registered provider's processors with its resource", async () => {
    const processor = new RegisteredProviderSpanProcessor();
    processor.onEnd(sandboxSpan('RunWorkflow:x'));
    await processor.forceFlush();
    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('RunWorkflow:x');
    expect(span.spanContext().spanId).toBe('d'.repeat(16));
    expect(span.resource.attributes['service.name']).toBe('unit-test');
  });

  it('uses the resource it was given instead', () => {
    new RegisteredProviderSpanProcessor(new Resource({ 'service.name': 'workflows' })).onEnd(sandboxSpan('s'));
    expect(exporter.getFinishedSpans()[0].resource.attributes['service.name']).toBe('workflows');
  });

  it('drops spans, without failing, while no SDK provider is registered', async () => {
    trace.disable();
    const processor = new RegisteredProviderSpanProcessor();
    expect(() => processor.onEnd(sandboxSpan('lost'))).not.toThrow();
    await expect(processor.forceFlush()).resolves.toBeUndefined();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

describe('worker wiring', () => {
  it('off: no plugin and no bundle options', () => {
    expect(telemetryPlugins(undefined)).toEqual([]);
    expect(telemetryPlugins(false)).toEqual([]);
    expect(telemetryBundleOptions(undefined, {})).toEqual({});
  });

  it('a bundle built with tracing gets the workflow interceptors beside the ones given', () => {
    const module = temporalOtelWorkflowModule();
    expect(existsSync(module)).toBe(true);
    expect(telemetryBundleOptions(true, { workflowInterceptorModules: ['/mine.js'] })).toEqual({
      workflowInterceptorModules: ['/mine.js', module],
    });
  });

  it('the plugin keeps what the worker had and adds interceptors, the sink and the workflow module', async () => {
    const [plugin] = telemetryPlugins(true);
    const mine = () => ({});
    const mySink = { fn: () => undefined };
    const base: WorkerOptions = {
      taskQueue: 'q',
      workflowsPath: '/w.js',
      sinks: { mine: { log: mySink } },
      interceptors: { activity: [mine], workflowModules: ['/mine.js'] },
    };
    const configured = await plugin.configureWorker!(base);
    expect(configured.interceptors?.activity?.[0]).toBe(mine);
    expect(configured.interceptors?.activity).toHaveLength(3);
    expect(configured.interceptors?.workflowModules).toEqual(['/mine.js', temporalOtelWorkflowModule()]);
    expect(configured.interceptors?.client?.workflow).toHaveLength(1);
    expect(Object.keys(configured.sinks ?? {}).sort()).toEqual(['exporter', 'mine']);

    // A prebuilt bundle: nothing to add to its modules; one built without them is reported.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const bundled = await plugin.configureWorker!({ taskQueue: 'q', workflowBundle: { code: '/* plain */' } });
      expect(bundled.interceptors?.workflowModules).toBeUndefined();
      expect(warn.mock.calls.flat().join()).toMatch(/telemetry: true/);
      warn.mockClear();
      const marked = `/* ${temporalOtelWorkflowModule().replace(/\.js$/, '')} */`;
      await plugin.configureWorker!({ taskQueue: 'q', workflowBundle: { code: marked } });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
