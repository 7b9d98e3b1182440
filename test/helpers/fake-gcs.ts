// A minimal local stand-in for the GCS JSON API (media/multipart upload with ifGenerationMatch, media download),
// so the real `@google-cloud/storage` client can be tested without Google. Objects live in memory.
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { CRC32C } from '@google-cloud/storage';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';

export interface FakeGcs {
  endpoint: string;
  objects: Map<string, Buffer>;
  requests: string[];
  close(): void;
}

export async function startFakeGcs(): Promise<FakeGcs> {
  const objects = new Map<string, Buffer>();
  const requests: string[] = [];
  const app = new Hono();
  app.use('*', async (c, next) => {
    requests.push(`${c.req.method} ${new URL(c.req.url).pathname}`);
    await next();
  });
  app.post('/upload/storage/v1/b/:bucket/o', async (c) => {
    const url = new URL(c.req.url);
    const body = Buffer.from(await c.req.arrayBuffer());
    const { name, media } = parseUpload(url, c.req.header('content-type') ?? '', body);
    const key = `${c.req.param('bucket')}/${name}`;
    if (url.searchParams.get('ifGenerationMatch') === '0' && objects.has(key)) {
      return c.json(
        { error: { code: 412, message: 'At least one of the pre-conditions you specified did not hold.' } },
        412,
      );
    }
    objects.set(key, media);
    // Like GCS, return the checksums: the client compares them with what it sent.
    const crc32c = new CRC32C();
    crc32c.update(media);
    return c.json({
      kind: 'storage#object',
      bucket: c.req.param('bucket'),
      name,
      size: String(media.length),
      generation: '1',
      md5Hash: createHash('md5').update(media).digest('base64'),
      crc32c: crc32c.toString(),
    });
  });
  app.get('/storage/v1/b/:bucket/o/:name{.+}', (c) => {
    const key = `${c.req.param('bucket')}/${decodeURIComponent(c.req.param('name'))}`;
    const bytes = objects.get(key);
    if (!bytes) return c.json({ error: { code: 404, message: 'No such object' } }, 404);
    if (new URL(c.req.url).searchParams.get('alt') !== 'media') {
      return c.json({ bucket: c.req.param('bucket'), name: c.req.param('name'), size: String(bytes.length) });
    }
    return c.body(new Uint8Array(bytes), 200, { 'content-type': 'application/octet-stream' });
  });
  app.notFound((c) =>
    c.json({ error: { code: 404, message: `fake-gcs: no route ${c.req.method} ${c.req.url}` } }, 404),
  );
  const server = await new Promise<ServerType>((ready) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => ready(s));
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    objects,
    requests,
    close: () => server.close(),
  };
}

function parseUpload(url: URL, contentType: string, body: Buffer): { name: string; media: Buffer } {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) return { name: url.searchParams.get('name') ?? '', media: body };
  // multipart/related: a JSON metadata part, then the media part.
  const parts: Buffer[] = [];
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const next = body.indexOf(delimiter, at + delimiter.length);
    if (next === -1) break;
    const part = body.subarray(at + delimiter.length, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    parts.push(part.subarray(headerEnd + 4, part.length - 2)); // drop the CRLF before the next delimiter
    at = next;
  }
  const metadata = JSON.parse(parts[0]!.toString('utf8')) as { name?: string };
  return { name: metadata.name ?? url.searchParams.get('name') ?? '', media: parts[1]! };
}
