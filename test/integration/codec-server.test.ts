// The codec server over real HTTP: the `temporal` CLI decodes a run through it; auth, CORS and the body limit.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCodecServer, createDataConverter, type EncryptionKey } from '../../src/codec';
import { closeTemporalClients } from '../../src/client/connection';
import { startFlowWorkflow } from '../../src/client/start-flow';
import type { TemporalWorkerHandle } from '../../src/worker/start-worker';
import { SECRETS, secretFlow } from '../fixtures/secret-flows';
import { cliHistoryText, secretsIn, temporalCli } from '../helpers/history-secrets';
import { address, namespace, startWorker, uniqueTaskQueue } from '../helpers/temporal';

const key: EncryptionKey = { id: 'cs1', key: randomBytes(32) };
const TOKEN = 'codec-token-123';
const UI = 'http://localhost:8233';
const BODY_LIMIT = 64 * 1024;
// Failures stay plaintext here, so the shared test bundle (built without a failure converter) fits.
const dataConverter = createDataConverter({ encryption: { keys: [key] }, encryptFailures: false });

let server: ServerType;
let endpoint: string;
let worker: TemporalWorkerHandle;
let workflowId: string;

beforeAll(async () => {
  const app = createCodecServer({ keys: [key], auth: { token: TOKEN }, uiOrigin: UI, bodyLimit: BODY_LIMIT });
  server = await new Promise<ServerType>((ready) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => ready(s));
  });
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const taskQueue = uniqueTaskQueue('codec-server');
  worker = await startWorker(taskQueue, { dataConverter });
  const handle = await startFlowWorkflow(
    secretFlow,
    { prompt: SECRETS.prompt },
    { address: address(), namespace: namespace(), taskQueue, dataConverter },
  );
  await handle.result();
  workflowId = handle.workflowId;
});

afterAll(async () => {
  await worker?.shutdown();
  await closeTemporalClients();
  server?.close();
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${endpoint}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
  });
const auth = { authorization: `Bearer ${TOKEN}` };

describe('codec server', () => {
  it('the temporal CLI decodes the run through it (and sees nothing without it)', async () => {
    expect(secretsIn(await cliHistoryText(workflowId), SECRETS)).toEqual([]);
    const decoded = await cliHistoryText(workflowId, ['--codec-endpoint', endpoint, '--codec-auth', `Bearer ${TOKEN}`]);
    expect(secretsIn(decoded, SECRETS).sort()).toEqual(['journal', 'modelAnswer', 'prompt', 'toolResult']);
  });

  it('the CLI with a wrong token gets no plaintext', async () => {
    const attempt = await temporalCli([
      'workflow',
      'show',
      '-w',
      workflowId,
      '--output',
      'json',
      '--codec-endpoint',
      endpoint,
      '--codec-auth',
      'Bearer wrong',
    ]).then(
      (r) => r.stdout,
      (e: { stdout?: string; stderr?: string }) => `${e.stdout ?? ''}${e.stderr ?? ''}`,
    );
    expect(secretsIn(attempt, SECRETS)).toEqual([]);
  });

  it('round-trips /encode then /decode in the protocol shape', async () => {
    const plain = { payloads: [{ metadata: { encoding: btoa('json/plain') }, data: btoa('"hello"') }] };
    const encoded = await (await post('/encode', JSON.stringify(plain), auth)).json();
    expect(Buffer.from(encoded.payloads[0].metadata.encoding, 'base64').toString()).toBe('binary/encrypted');
    expect(Buffer.from(encoded.payloads[0].metadata['encryption-key-id'], 'base64').toString()).toBe('cs1');
    const decoded = await (await post('/decode', JSON.stringify(encoded), auth)).json();
    expect(decoded).toEqual(plain);
  });

  it('requires authentication: none or a wrong token → 401', async () => {
    const body = JSON.stringify({ payloads: [] });
    expect((await post('/decode', body)).status).toBe(401);
    expect((await post('/decode', body, { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await post('/encode', body, { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await post('/decode', body, auth)).status).toBe(200);
  });

  it('answers a CORS preflight from the UI origin, without needing a token', async () => {
    const res = await fetch(`${endpoint}/decode`, {
      method: 'OPTIONS',
      headers: {
        origin: UI,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-namespace',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    const actual = await post('/decode', JSON.stringify({ payloads: [] }), { ...auth, origin: UI });
    expect(actual.headers.get('access-control-allow-origin')).toBe(UI);
  });

  it('gives other origins no CORS headers at all, preflight or not', async () => {
    const preflight = await fetch(`${endpoint}/decode`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    const actual = await post('/decode', JSON.stringify({ payloads: [] }), { ...auth, origin: 'https://evil.example' });
    for (const res of [preflight, actual]) {
      const corsHeaders: string[] = [];
      res.headers.forEach((_value, name) => name.startsWith('access-control-') && corsHeaders.push(name));
      expect(corsHeaders).toEqual([]);
    }
    expect(preflight.status).toBe(403);
  });

  it('rejects an oversized body with 413 and malformed input with 400', async () => {
    const big = JSON.stringify({ payloads: [{ metadata: {}, data: 'A'.repeat(BODY_LIMIT) }] });
    expect((await post('/decode', big, auth)).status).toBe(413);
    expect((await post('/decode', '{not json', auth)).status).toBe(400);
    expect((await post('/decode', JSON.stringify({ nope: 1 }), auth)).status).toBe(400);
    expect((await post('/decode', JSON.stringify({ payloads: [{ data: '***' }] }), auth)).status).toBe(400);
  });

  it('a payload under a key the server lacks → 422 naming the key', async () => {
    const other = createDataConverter({ encryption: { keys: [{ id: 'other', key: randomBytes(32) }] } });
    const [sealed] = await other.payloadCodecs![0]!.encode([{ metadata: {}, data: Buffer.from('x') }]);
    const body = {
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(sealed!.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')]),
          ),
          data: Buffer.from(sealed!.data!).toString('base64'),
        },
      ],
    };
    const res = await post('/decode', JSON.stringify(body), auth);
    expect(res.status).toBe(422);
    expect((await res.json()).keyId).toBe('other');
  });
});
