// For the tracing tests: a Cloud Run service's entry point run as its own process, and a local OTLP/HTTP receiver
// that collects what the exporters send (OTLP/JSON, the protocol the tests configure).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

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

export interface CloudRunInstance {
  child: ChildProcess;
  exited: Promise<number | string>;
  output: () => string;
}

/** A Cloud Run service's main.ts under tsx, with the given environment only (plus PATH and tsx's tsconfig). */
export function startCloudRunService(service: 'worker' | 'api', env: Record<string, string>): CloudRunInstance {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, `cloudrun/${service}/src/main.ts`)], {
    cwd: root,
    env: {
      PATH: process.env.PATH!,
      TSX_TSCONFIG_PATH: join(root, 'test/fixtures/cloudrun-worker/tsconfig.source.json'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | string>((done) => child.on('exit', (code, signal) => done(code ?? signal ?? -1)));
  return { child, exited, output: () => output };
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
