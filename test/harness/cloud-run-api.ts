// A local fake of the Cloud Run Admin API v2 over REST, enough for the real `@google-cloud/run` client with
// `fallback: true`: get/patch worker pools and services (update masks, etag checks), long-running operations
// (done at once, after some polls, or never), and injected faults (HTTP errors, a concurrent writer).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunClientOptions } from '../../src/autoscale/cloud-run-target';

type Json = Record<string, any>;

/** How update operations finish: at once, after `polls` GETs of the operation, or never. */
export type OperationMode = { kind: 'immediate' } | { kind: 'after-polls'; polls: number } | { kind: 'hang' };

/** A scripted failure for the next request matching `method`. */
export interface Fault {
  method: 'GET' | 'PATCH';
  /** HTTP status and the google.rpc status name the body carries (the client maps it to a gRPC code). */
  status: number;
  code: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: Json;
}

export interface FakeCloudRunApi {
  port: number;
  /** Options for `new WorkerPoolsClient(...)` / `new ServicesClient(...)`: REST to this server, no credentials. */
  clientOptions: RunClientOptions;
  requests: RecordedRequest[];
  /** The stored resource (a copy). */
  get(name: string): Json;
  /** The instance count the autoscaler owns: a worker pool's manual count or a service's min count. */
  count(name: string): number;
  setCount(name: string, count: number): void;
  operationMode: OperationMode;
  /** Failures served, in order, to the next matching requests. */
  faults: Fault[];
  /** Another writer changes the resource (new etag) right before the next PATCH is checked. */
  concurrentWriteBeforeNextPatch(name: string): void;
  /** Called after every change of a count (to start or stop worker processes). */
  onCountChange?: (name: string, count: number, previous: number) => void | Promise<void>;
  close(): Promise<void>;
}

const STATUS_BY_CODE: Record<string, number> = { INVALID_ARGUMENT: 400, NOT_FOUND: 404, ABORTED: 409 };

/** Starts the fake with these resources (`…/workerPools/…` or `…/services/…`), each at `count` instances. */
export async function startFakeCloudRunApi(
  resources: Array<{ name: string; count: number }>,
): Promise<FakeCloudRunApi> {
  const store = new Map<string, Json>();
  const operations = new Map<string, { op: Json; resource: string; pollsLeft: number; hang: boolean }>();
  const concurrentWrites: string[] = [];
  for (const { name, count } of resources) store.set(name, newResource(name, count));

  const fake: FakeCloudRunApi = {
    port: 0,
    clientOptions: {},
    requests: [],
    operationMode: { kind: 'immediate' },
    faults: [],
    get: (name) => structuredClone(mustGet(name)),
    count: (name) => countOf(mustGet(name)),
    setCount: (name, count) => {
      const r = mustGet(name);
      setCountOf(r, count);
      bump(r);
    },
    concurrentWriteBeforeNextPatch: (name) => void concurrentWrites.push(name),
    close: () => new Promise((done) => server.close(() => done())),
  };

  function mustGet(name: string): Json {
    const r = store.get(name);
    if (!r) throw new Error(`fake Cloud Run: no resource ${name}`);
    return r;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await new Promise<string>((done) => {
      let data = '';
      req.on('data', (c) => (data += c)).on('end', () => done(data));
    });
    const body = raw ? (JSON.parse(raw) as Json) : undefined;
    const method = req.method ?? 'GET';
    fake.requests.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), body });

    const fault = fake.faults.findIndex((f) => f.method === method);
    if (fault >= 0) {
      const [f] = fake.faults.splice(fault, 1);
      return error(res, f.status, f.code, `injected ${f.code}`);
    }
    const name = url.pathname.replace(/^\/v2\//, '');
    if (/^projects\/[^/]+\/locations\/[^/]+\/operations\/[^/]+$/.test(name) && method === 'GET')
      return getOperation(res, name);
    const resource = store.get(name);
    if (!resource) return error(res, 404, 'NOT_FOUND', `${name} not found`);
    if (method === 'GET') return send(res, 200, resource);
    if (method === 'PATCH') return patch(res, resource, body ?? {}, url.searchParams.get('updateMask') ?? '');
    return error(res, 404, 'NOT_FOUND', 'not found');
  }

  function patch(res: ServerResponse, resource: Json, body: Json, mask: string) {
    const writer = concurrentWrites.indexOf(resource.name);
    if (writer >= 0) {
      concurrentWrites.splice(writer, 1);
      resource.labels = { ...resource.labels, touched: String(Date.now()) };
      bump(resource);
    }
    if (body.etag && body.etag !== resource.etag)
      return error(res, 409, 'ABORTED', 'etag mismatch: the resource changed');
    const previous = countOf(resource);
    for (const path of mask.split(',').filter(Boolean)) {
      if (path === 'scaling.manual_instance_count' && isPool(resource))
        resource.scaling.manualInstanceCount = body.scaling?.manualInstanceCount ?? 0;
      else if (path === 'scaling.min_instance_count' && !isPool(resource))
        resource.scaling.minInstanceCount = body.scaling?.minInstanceCount ?? 0;
      else if (path === 'annotations') resource.annotations = body.annotations ?? {};
      else return error(res, 400, 'INVALID_ARGUMENT', `update mask path not supported: ${path}`);
    }
    bump(resource);
    const opName = resource.name.replace(/\/(workerPools|services)\/.*/, `/operations/${randomUUID()}`);
    const mode = fake.operationMode;
    const op = { name: opName, done: mode.kind === 'immediate' } as Json;
    const entry = {
      op,
      resource: resource.name,
      pollsLeft: mode.kind === 'after-polls' ? mode.polls : 0,
      hang: mode.kind === 'hang',
    };
    if (op.done) op.response = responseOf(resource);
    operations.set(opName, entry);
    const now = countOf(resource);
    // Not awaited: starting workers takes seconds, the API answers at once.
    if (now !== previous) void Promise.resolve(fake.onCountChange?.(resource.name, now, previous)).catch(console.error);
    return send(res, 200, op);
  }

  function getOperation(res: ServerResponse, name: string) {
    const entry = operations.get(name);
    if (!entry) return error(res, 404, 'NOT_FOUND', `operation ${name} not found`);
    if (!entry.op.done && !entry.hang && --entry.pollsLeft <= 0) {
      entry.op.done = true;
      entry.op.response = responseOf(store.get(entry.resource)!);
    }
    return send(res, 200, entry.op);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => error(res, 500, 'INTERNAL', String(err)));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  fake.port = (server.address() as AddressInfo).port;
  fake.clientOptions = {
    fallback: true,
    protocol: 'http',
    apiEndpoint: '127.0.0.1',
    port: fake.port,
    // No metadata-server probe and no credentials: google-gax only needs getRequestHeaders() and fetch().
    universeDomain: 'googleapis.com',
    authClient: {
      getRequestHeaders: async () => new Headers(),
      fetch: (url: string, init: RequestInit) => fetch(url, init),
    } as any,
  } as RunClientOptions;
  return fake;
}

function isPool(r: Json): boolean {
  return r.name.includes('/workerPools/');
}

function newResource(name: string, count: number): Json {
  const scaling = name.includes('/workerPools/')
    ? { manualInstanceCount: count }
    : { minInstanceCount: count, maxInstanceCount: 100, scalingMode: 1 };
  return { name, uid: randomUUID(), generation: '1', labels: {}, annotations: {}, scaling, etag: `"${randomUUID()}"` };
}

function countOf(r: Json): number {
  return (isPool(r) ? r.scaling?.manualInstanceCount : r.scaling?.minInstanceCount) ?? 0;
}

function setCountOf(r: Json, count: number): void {
  if (isPool(r)) r.scaling.manualInstanceCount = count;
  else r.scaling.minInstanceCount = count;
}

function bump(r: Json): void {
  r.generation = String(Number(r.generation) + 1);
  r.etag = `"${randomUUID()}"`;
}

function responseOf(r: Json): Json {
  const type = isPool(r) ? 'google.cloud.run.v2.WorkerPool' : 'google.cloud.run.v2.Service';
  return { '@type': `type.googleapis.com/${type}`, ...structuredClone(r) };
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function error(res: ServerResponse, status: number, code: string, message: string) {
  send(res, status ?? STATUS_BY_CODE[code] ?? 500, { error: { code: status, message, status: code } });
}
