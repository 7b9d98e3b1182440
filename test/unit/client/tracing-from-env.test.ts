// startTracingFromEnv, the tracing both Cloud Run images start with GENKITX_OTEL=true: a real NodeSDK in this
// process, configured by OTEL_* variables only, exporting over OTLP/JSON to a local receiver. The images' entries
// end to end (a workflow's spans, the caller's trace) are tracing-otlp.test.ts and tracing-redaction.test.ts.
import { randomBytes } from 'node:crypto';
import { context, propagation, trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTracingFromEnv } from '../../../src/client/tracing-from-env';
import { startOtlpReceiver, type OtlpSpan } from '../../harness/otlp';

const keys = `k1:${randomBytes(32).toString('base64')}`;
const saved = { ...process.env };
const received: OtlpSpan[] = [];
let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;

beforeAll(async () => {
  receiver = await startOtlpReceiver(received);
});
afterAll(() => receiver?.close());

afterEach(() => {
  process.env = { ...saved };
  received.length = 0;
  receiver.bodies.length = 0;
  // The NodeSDK registered itself globally; the next test registers its own.
  trace.disable();
  context.disable();
  propagation.disable();
});

/** Starts tracing with OTLP/JSON to the receiver plus `env`, ends one span carrying a prompt, stops (flushes). */
async function exportOneSpan(env: Record<string, string>, userDataOptIn = false): Promise<OtlpSpan[]> {
  Object.assign(
    process.env,
    {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.port}`,
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
    },
    env,
  );
  const stop = await startTracingFromEnv({ serviceName: 'tracing-unit', userDataOptIn });
  const span = trace.getTracer('t').startSpan('generate', { attributes: { 'genkit:input': '"the prompt"' } });
  span.end();
  await stop();
  return received.splice(0);
}

describe('startTracingFromEnv', () => {
  it('with encrypted payloads, exports spans redacted through the exporter OTEL_TRACES_EXPORTER names', async () => {
    const spans = await exportOneSpan({ GENKITX_ENCRYPTION_KEYS: keys, OTEL_TRACES_EXPORTER: 'otlp' });
    expect(spans.map((s) => [s.name, s.attributes['genkit:input']])).toEqual([['generate', '[redacted]']]);
    expect(JSON.stringify(receiver.bodies)).not.toContain('the prompt');
  });

  it('exports user data without encryption, or with GENKITX_OTEL_USER_DATA opted in', async () => {
    const plain = await exportOneSpan({});
    expect(plain.map((s) => [s.name, s.attributes['genkit:input'], s.service])).toEqual([
      ['generate', '"the prompt"', 'tracing-unit'],
    ]);
    trace.disable();
    const optedIn = await exportOneSpan({ GENKITX_ENCRYPTION_KEYS: keys }, true);
    expect(optedIn.map((s) => s.attributes['genkit:input'])).toEqual(['"the prompt"']);
  });

  it('refuses, naming the variable, an exporter or protocol it cannot wrap while spans are redacted', async () => {
    process.env.GENKITX_ENCRYPTION_KEYS = keys;
    process.env.OTEL_TRACES_EXPORTER = 'zipkin';
    await expect(startTracingFromEnv({ serviceName: 's' })).rejects.toThrow(/OTEL_TRACES_EXPORTER "zipkin"/);
    process.env.OTEL_TRACES_EXPORTER = 'otlp';
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'carrier-pigeon';
    await expect(startTracingFromEnv({ serviceName: 's' })).rejects.toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL/);
  });

  it('tracing off: registers no tracer provider and stops at once', async () => {
    const stop = await startTracingFromEnv(undefined);
    await stop();
    // The API's default: a proxy with no delegate hands out non-recording spans.
    expect(trace.getTracer('t').startSpan('x').isRecording()).toBe(false);
  });
});
