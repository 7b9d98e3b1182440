// Redaction of spans before export (issue 20): what a redacted span keeps and loses, and the rule that decides
// whether spans may carry user data. The end-to-end check on exported OTLP is tracing-redaction.test.ts.
import { randomBytes } from 'node:crypto';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createDataConverter } from '../../../src/codec/data-converter';
import { REDACTED, redactingSpanProcessor } from '../../../src/telemetry/redaction';
import { tracesCarryUserData } from '../../../src/client/traces-carry-user-data';

const keys = `k1:${randomBytes(32).toString('base64')}`;

function exportOneSpan(redact: boolean) {
  const exporter = new InMemorySpanExporter();
  const exporting = new SimpleSpanProcessor(exporter);
  const provider = new BasicTracerProvider();
  provider.addSpanProcessor(redact ? redactingSpanProcessor(exporting) : exporting);
  const span = provider.getTracer('t').startSpan('generate', { attributes: { 'genkit:input': '"the prompt"' } });
  span.setAttributes({
    'genkit:output': '"the answer"',
    'genkit:metadata:subtype': 'model',
    'genkit.flow.attempt': 2,
    'genkit:name': 'generate',
  });
  span.recordException(new TypeError('provider said: the prompt was rude'));
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'the prompt was rude' });
  span.end();
  return { exported: exporter.getFinishedSpans()[0], original: span };
}

describe('redactingSpanProcessor', () => {
  it('hands the exporter no input, output, status message or exception text, and keeps the rest', () => {
    const { exported } = exportOneSpan(true);
    expect(exported.name).toBe('generate');
    expect(exported.attributes).toEqual({
      'genkit:input': REDACTED,
      'genkit:output': REDACTED,
      'genkit:metadata:subtype': 'model',
      'genkit.flow.attempt': 2,
      'genkit:name': 'generate',
    });
    expect(exported.status).toEqual({ code: SpanStatusCode.ERROR, message: REDACTED });
    expect(exported.events[0].attributes).toMatchObject({
      'exception.type': 'TypeError',
      'exception.message': REDACTED,
      'exception.stacktrace': REDACTED,
    });
    expect(exported.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(exported.duration).toEqual(expect.any(Array));
    expect(JSON.stringify([exported.attributes, exported.status, exported.events])).not.toContain('prompt');
  });

  it('does not change the span itself (other processors see it whole)', () => {
    const { original } = exportOneSpan(true);
    expect((original as unknown as { attributes: Record<string, unknown> }).attributes['genkit:input']).toBe(
      '"the prompt"',
    );
  });

  it('without it, the exporter gets everything (what tracing sent before)', () => {
    const { exported } = exportOneSpan(false);
    expect(exported.attributes['genkit:input']).toBe('"the prompt"');
    expect(exported.status.message).toBe('the prompt was rude');
  });
});

describe('tracesCarryUserData', () => {
  it('yes without encryption; no with GENKITX_ENCRYPTION_KEYS or a codec; yes again with the opt-in', () => {
    expect(tracesCarryUserData({}, { GENKITX_OTEL: 'true' })).toBe(true);
    expect(tracesCarryUserData({}, { GENKITX_OTEL: 'true', GENKITX_ENCRYPTION_KEYS: keys })).toBe(false);
    expect(
      tracesCarryUserData(
        { dataConverter: createDataConverter({ encryption: true }, { GENKITX_ENCRYPTION_KEYS: keys }) },
        {},
      ),
    ).toBe(false);
    expect(
      tracesCarryUserData({}, { GENKITX_OTEL: 'true', GENKITX_ENCRYPTION_KEYS: keys, GENKITX_OTEL_USER_DATA: 'true' }),
    ).toBe(true);
    expect(tracesCarryUserData({ telemetry: { userData: true } }, { GENKITX_ENCRYPTION_KEYS: keys })).toBe(true);
    // The option wins over the variable.
    expect(
      tracesCarryUserData(
        { telemetry: { userData: false } },
        { GENKITX_ENCRYPTION_KEYS: keys, GENKITX_OTEL_USER_DATA: 'true' },
      ),
    ).toBe(false);
  });

  it('refuses a GENKITX_OTEL_USER_DATA value that is neither yes nor no, naming the variable', () => {
    expect(() => tracesCarryUserData({}, { GENKITX_OTEL: 'true', GENKITX_OTEL_USER_DATA: 'yes' })).toThrow(
      /GENKITX_OTEL_USER_DATA must be true, false, 1 or 0/,
    );
  });
});
