// The front door's body limit: a Content-Length over the limit is refused without reading the body, and a body
// without Content-Length (chunked) is still counted, so leaving the header out never gets past the limit.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBodyLimit } from '../../../src/http/body-limit';

const LIMIT = 64;
let server: ServerType;
let url: string;
const received: string[] = [];

function limitedApp(): Hono {
  const app = new Hono();
  app.post(
    '/echo',
    requestBodyLimit({ maxSize: LIMIT, onError: (c) => c.json({ error: 'too large' }, 413) }),
    async (c) => {
      const body = await c.req.text();
      received.push(body);
      return c.json({ length: body.length });
    },
  );
  return app;
}

/** A request body sent as a stream: no Content-Length, `Transfer-Encoding: chunked` on the wire. */
function chunked(parts: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
}

beforeAll(async () => {
  server = serve({ fetch: limitedApp().fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/echo`;
});

afterAll(() => {
  server.close();
});

describe('requestBodyLimit over HTTP', () => {
  it('passes a body within the limit (Content-Length) to the route unchanged', async () => {
    const body = 'x'.repeat(LIMIT);
    const res = await fetch(url, { method: 'POST', body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ length: LIMIT });
    expect(received.at(-1)).toBe(body);
  });

  it('refuses a Content-Length one byte over the limit before the route runs', async () => {
    const before = received.length;
    const res = await fetch(url, { method: 'POST', body: 'x'.repeat(LIMIT + 1) });
    expect(res.status).toBe(413);
    // The unread body leaves the connection unusable: the answer says it closes (it used to say keep-alive).
    expect(res.headers.get('connection')).toBe('close');
    expect(await res.json()).toEqual({ error: 'too large' });
    expect(received.length).toBe(before);
  });

  it('counts a chunked body without Content-Length and refuses it once it passes the limit', async () => {
    const before = received.length;
    const parts = ['y'.repeat(40), 'y'.repeat(40)];
    const res = await fetch(url, { method: 'POST', body: chunked(parts), duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    expect(received.length).toBe(before);
  });

  it('passes a chunked body within the limit whole', async () => {
    const res = await fetch(url, { method: 'POST', body: chunked(['ab', 'cd', 'ef']), duplex: 'half' } as RequestInit);
    expect(res.status).toBe(200);
    expect(received.at(-1)).toBe('abcdef');
  });
});

describe('requestBodyLimit in-process (app.request, no Content-Length header)', () => {
  it('counts the body, so an oversized one is still refused', async () => {
    const res = await limitedApp().request('/echo', { method: 'POST', body: 'z'.repeat(LIMIT * 2) });
    expect(res.status).toBe(413);
  });

  it('refuses a body whose Content-Length is not a number (it bounds nothing)', async () => {
    const res = await limitedApp().request('/echo', {
      method: 'POST',
      headers: { 'content-length': 'abc' },
      body: 'z'.repeat(LIMIT * 2),
    });
    expect(res.status).toBe(413);
  });
});
