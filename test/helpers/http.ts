// Serves a Hono app on a real port (127.0.0.1, random) with @hono/node-server, for the HTTP tests.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import { afterAll } from 'vitest';

/** Serves `app` for this test file; `url(path)` is its address. Closed after the file's tests. */
export async function serveForTests(app: Hono<any>): Promise<{ url: (path: string) => string; server: ServerType }> {
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { server, url: (path: string) => `http://127.0.0.1:${port}${path}` };
}
