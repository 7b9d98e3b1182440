// A local fake of the Cloud Run Admin API v2 over REST, enough for the real `@google-cloud/run` client with
// `fallback: true`: get/patch worker pools and services (update masks, etag checks), a worker pool's revisions and
// instance splits (validated like the API: existing revisions, whole percentages adding up to 100), long-running
// operations (done at once, after some polls, or never), and injected faults (HTTP errors, a concurrent writer).
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
  /** A worker pool's instances per revision, as the fake places them (see `instancesByRevision`). */
  instances(name: string): Record<string, number>;
  /** Called after every write that changed a worker pool's instances per revision. */
  onInstancesChange?: (name: string, now: Record<string, number>, before: Record<string, number>) => void;
  /**
   * A new revision of a worker pool (a deploy): it becomes the latest ready revision. `promote` (gcloud's
   * default) also moves the whole split to the latest revision; without it the split is left as it is.
   */
  deployRevision(name: string, revision: string, opts?: { promote?: boolean }): void;
  /** Deletes a revision; like the API, not one that the split names. */
  deleteRevision(name: string, revision: string): void;
  /** Sets a worker pool's split as an operator would (short revision names; `latest` for the latest ready). */
  setSplits(name: string, splits: Array<{ revision?: string; latest?: boolean; percent: number }>): void;
  close(): Promise<void>;
}

const STATUS_BY_CODE: Record<string, number> = { INVALID_ARGUMENT: 400, NOT_FOUND: 404, ABORTED: 409 };

/** Starts the fake with these resources (`…/workerPools/…` or `…/services/…`), each at `count` instances. */
export async function startFakeCloudRunApi(
  resources: Array<{ name: string; count: number; revisions?: string[] }>,
): Promise<FakeCloudRunApi> {
  const store = new Map<string, Json>();
  /** Revisions per worker pool (short names), oldest first. */
  const revisions = new Map<string, string[]>();
  const operations = new Map<string, { op: Json; resource: string; pollsLeft: number; hang: boolean }>();
  const concurrentWrites: string[] = [];
  for (const { name, count, revisions: revs } of resources) {
    store.set(name, newResource(name, count));
    if (isPoolName(name)) {
      revisions.set(name, [...(revs ?? [`${shortName(name)}-00001-aaa`])]);
      setLatest(store.get(name)!, revisions.get(name)!.at(-1)!);
    }
  }

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
    instances: (name) => instancesByRevision(mustGet(name)),
    deployRevision: (name, revision, { promote = true } = {}) => {
      const r = mustGet(name);
      revisions.get(name)!.push(revision);
      setLatest(r, revision);
      if (promote) setSplitsOf(r, [{ type: LATEST, percent: 100 }]);
      bump(r);
    },
    deleteRevision: (name, revision) => {
      const r = mustGet(name);
      if (r.instanceSplits.some((s: Json) => s.revision === revision))
        throw new Error(`fake Cloud Run: ${revision} is in the split of ${name}`);
      revisions.set(
        name,
        revisions.get(name)!.filter((x) => x !== revision),
      );
    },
    setSplits: (name, splits) => {
      const r = mustGet(name);
      setSplitsOf(
        r,
        splits.map((s) => (s.latest ? { type: LATEST, percent: s.percent } : { type: REVISION, ...s })),
      );
      bump(r);
    },
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
    const listing = /^(.+\/workerPools\/[^/]+)\/revisions$/.exec(name);
    if (listing && method === 'GET') {
      const revs = revisions.get(listing[1]);
      if (!revs) return error(res, 404, 'NOT_FOUND', `${listing[1]} not found`);
      return send(res, 200, { revisions: revs.map((r) => ({ name: `${listing[1]}/revisions/${r}` })) });
    }
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
    const previousInstances = isPool(resource) ? instancesByRevision(resource) : {};
    const paths = mask.split(',').filter(Boolean);
    if (paths.includes('instance_splits')) {
      const problem = splitProblem(body.instanceSplits ?? [], revisions.get(resource.name) ?? []);
      if (problem) return error(res, 400, 'INVALID_ARGUMENT', problem);
    }
    for (const path of paths) {
      if (path === 'scaling.manual_instance_count' && isPool(resource))
        resource.scaling.manualInstanceCount = body.scaling?.manualInstanceCount ?? 0;
      else if (path === 'instance_splits' && isPool(resource)) setSplitsOf(resource, body.instanceSplits ?? []);
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
    if (isPool(resource)) {
      const placed = instancesByRevision(resource);
      if (JSON.stringify(placed) !== JSON.stringify(previousInstances))
        fake.onInstancesChange?.(resource.name, placed, previousInstances);
    }
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
  return isPoolName(r.name);
}

function isPoolName(name: string): boolean {
  return name.includes('/workerPools/');
}

function shortName(name: string): string {
  return name.split('/').pop()!;
}

// InstanceSplitAllocationType. The client sends enums as numbers (`$alt=json;enum-encoding=int`).
const LATEST = 1;
const REVISION = 2;

function newResource(name: string, count: number): Json {
  const pool = isPoolName(name);
  const scaling = pool
    ? { manualInstanceCount: count }
    : { minInstanceCount: count, maxInstanceCount: 100, scalingMode: 1 };
  const splits = pool ? { instanceSplits: [], instanceSplitStatuses: [] } : {};
  return {
    name,
    uid: randomUUID(),
    generation: '1',
    labels: {},
    annotations: {},
    scaling,
    ...splits,
    etag: `"${randomUUID()}"`,
  };
}

function setLatest(r: Json, revision: string): void {
  r.latestCreatedRevision = r.latestReadyRevision = `${r.name}/revisions/${revision}`;
  setSplitsOf(r, r.instanceSplits);
}

function typeOf(s: Json): number {
  return s.type === 'INSTANCE_SPLIT_ALLOCATION_TYPE_LATEST' || s.type === LATEST ? LATEST : REVISION;
}

/** The API's checks on a split (the messages are the fake's own): what Cloud Run would refuse, or undefined. */
function splitProblem(splits: Json[], existing: string[]): string | undefined {
  if (!splits.length) return undefined; // empty: all on the latest ready revision
  const seen = new Set<string>();
  for (const s of splits) {
    const percent = s.percent ?? 0;
    if (!Number.isInteger(percent) || percent < 0 || percent > 100) return `bad percent ${percent}`;
    if (typeOf(s) === LATEST) {
      if (s.revision) return 'a LATEST split names no revision';
      continue;
    }
    if (!s.revision) return 'a REVISION split must name its revision';
    if (!existing.includes(s.revision)) return `revision ${s.revision} does not exist`;
    if (seen.has(s.revision)) return `revision ${s.revision} appears twice`;
    seen.add(s.revision);
  }
  const total = splits.reduce((sum, s) => sum + (s.percent ?? 0), 0);
  return total === 100 ? undefined : `instance split percentages add up to ${total}, not 100`;
}

function setSplitsOf(r: Json, splits: Json[]): void {
  r.instanceSplits = splits.map((s) =>
    typeOf(s) === LATEST
      ? { type: LATEST, percent: s.percent ?? 0 }
      : { type: REVISION, revision: s.revision, percent: s.percent ?? 0 },
  );
  const latest = shortName(r.latestReadyRevision ?? '');
  r.instanceSplitStatuses = (r.instanceSplits.length ? r.instanceSplits : [{ type: LATEST, percent: 100 }]).map(
    (s: Json) => ({ ...s, revision: s.revision ?? latest }),
  );
}

/**
 * The fake's placement of a worker pool's instances on its revisions: each share rounded down, then the instances
 * left over one each to the largest remainders (the API documents percentages only, not its rounding).
 */
export function instancesByRevision(r: Json): Record<string, number> {
  const count = r.scaling?.manualInstanceCount ?? 0;
  const statuses: Json[] = r.instanceSplitStatuses ?? [];
  const shares = statuses.map((s) => ({ revision: s.revision as string, exact: ((s.percent ?? 0) * count) / 100 }));
  const placed = shares.map((s) => ({ ...s, n: Math.floor(s.exact) }));
  let left = count - placed.reduce((sum, s) => sum + s.n, 0);
  for (const s of [...placed].sort((a, b) => b.exact - b.n - (a.exact - a.n))) if (left-- > 0) s.n++;
  const out: Record<string, number> = {};
  for (const s of placed.sort((a, b) => a.revision.localeCompare(b.revision))) if (s.n > 0) out[s.revision] = s.n;
  return out;
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
