// For the tracing tests: a local OTLP/HTTP receiver that collects what the exporters send (OTLP/JSON, the protocol
// the tests configure).
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A span as OTLP/JSON carries it, with its resource's service name. */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
  status?: { code?: number; message?: string };
  events?: Array<{ name: string; attributes?: Array<{ key: string; value: Record<string, unknown> }> }>;
  service: unknown;
}

/**
 * The environment that points a service's exporter at a receiver on `port`: traces only, over OTLP/JSON, exported
 * 100 ms after they end (GENKITX_OTEL turns the kit's OpenTelemetry set-up on).
 */
export function otlpEnv(port: number): Record<string, string> {
  return {
    GENKITX_OTEL: 'true',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
  };
}

/** OTLP/JSON attribute lists ([{ key, value: { stringValue | intValue | … } }]) as a plain record. */
export function attributesOf(list: Array<{ key: string; value: Record<string, unknown> }> = []) {
  return Object.fromEntries(list.map(({ key, value }) => [key, Object.values(value)[0]]));
}

/** An OTLP/HTTP receiver on 127.0.0.1 that keeps every span it is sent (in `spans`), and the raw bodies. */
export async function startOtlpReceiver(spans: OtlpSpan[] = []): Promise<{
  port: number;
  spans: OtlpSpan[];
  bodies: string[];
  server: Server;
  close(): Promise<void>;
}> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        bodies.push(body);
        for (const rs of JSON.parse(body).resourceSpans ?? []) {
          const service = attributesOf(rs.resource?.attributes)['service.name'];
          for (const ss of rs.scopeSpans ?? [])
            for (const s of ss.spans ?? []) spans.push({ ...s, attributes: attributesOf(s.attributes), service });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    spans,
    bodies,
    server,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
