// Reads and sets the instance count of a Cloud Run worker pool (`scaling.manualInstanceCount`) or service
// (`scaling.minInstanceCount`) through the real `@google-cloud/run` client. The client retries nothing and its
// long-running operations never time out, so this adds both: bounded retries on transient errors, a re-read on an
// etag conflict, and a deadline on the operation.
import type { RevisionsClient, ServicesClient, WorkerPoolsClient, protos } from '@google-cloud/run';
import { EMPTY_STATE, type ScaleDownState } from './policy';
import { GrpcStatus } from '../client/grpc-errors';
import { decodeState, encodeState, STATE_ANNOTATION } from './state-annotation';
import { sameSplits, sortSplits, type InstanceSplit } from './version-split';

type Resource = protos.google.cloud.run.v2.IWorkerPool | protos.google.cloud.run.v2.IService;
type Kind = 'workerPool' | 'service';
/** The `@google-cloud/run` client options (google-gax `ClientOptions`). */
export type RunClientOptions = ConstructorParameters<typeof WorkerPoolsClient>[0];

// google-gax maps the Admin API's HTTP errors to gRPC status codes. CANCELLED is transient too: a server or proxy
// that resets the stream (HTTP 499) says nothing about whether the next try succeeds.
const TRANSIENT = new Set<number>([
  GrpcStatus.CANCELLED,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.INTERNAL,
  GrpcStatus.UNAVAILABLE,
]);
/** An etag mismatch (AIP-154 answers ABORTED; FAILED_PRECONDITION is also seen): re-read, decide again, retry. */
const CONFLICT = new Set<number>([GrpcStatus.ABORTED, GrpcStatus.FAILED_PRECONDITION]);

export interface CloudRunTargetOptions {
  /** `projects/P/locations/L/workerPools/W` (the default kind) or `projects/P/locations/L/services/S`. */
  name: string;
  /** Options for the `@google-cloud/run` client (tests point it at a local fake with `fallback: true`). */
  clientOptions?: RunClientOptions;
  /** How long to wait for the update's long-running operation. @default 60_000 */
  operationDeadlineMs?: number;
  /** Attempts of one read or read-modify-write before giving up. @default 4 */
  maxAttempts?: number;
  /** First retry delay, doubled per attempt. @default 500 */
  retryDelayMs?: number;
}

/** The target's count and the autoscaler's pending state, as read. */
export interface TargetSnapshot {
  count: number;
  state: ScaleDownState;
  etag?: string;
  /** A worker pool's instance splits (empty: all on the latest ready revision). */
  splits: InstanceSplit[];
  latestReadyRevision?: string;
  /** The worker pool's revisions (short names), when the update asked for them. */
  revisions?: string[];
}

/** What to write for a snapshot: the count and the state to keep, and for a worker pool its splits. */
export interface Plan {
  count: number;
  state: ScaleDownState;
  /** The worker pool's instance splits; left as they are when absent. */
  splits?: InstanceSplit[];
}

export interface UpdateOutcome<P extends Plan> {
  /** The snapshot the final plan was made from. */
  before: TargetSnapshot;
  plan: P;
  /** `none`: nothing to change; `dry-run`: a change was due but not written; `written`: the operation finished. */
  write: 'none' | 'dry-run' | 'written';
  attempts: number;
}

/** The update's operation did not finish within the deadline. It may still finish; the next run reads the result. */
export class OperationDeadlineError extends Error {
  override readonly name = 'OperationDeadlineError';
  constructor(
    readonly operation: string | undefined,
    readonly deadlineMs: number,
  ) {
    super(`Cloud Run operation ${operation ?? '(unnamed)'} did not finish within ${deadlineMs} ms`);
  }
}

/**
 * A Cloud Run worker pool or service whose instance count the autoscaler owns.
 *
 * @example
 * ```ts
 * const target = new CloudRunTarget({ name: 'projects/p/locations/us-central1/workerPools/genkit-workers' });
 * const { write } = await target.update((now) => ({ count: 3, state: now.state }));
 * ```
 */
export class CloudRunTarget {
  readonly kind: Kind;
  private client?: Promise<WorkerPoolsClient | ServicesClient>;
  private revisionsClient?: Promise<RevisionsClient>;

  constructor(private readonly options: CloudRunTargetOptions) {
    this.kind = targetKind(options.name);
  }

  /** Reads the current count and state (retrying transient errors). */
  async read(): Promise<TargetSnapshot> {
    return this.withRetries(
      async () => snapshotOf(this.kind, await this.get()),
      () => true,
    ).then((r) => r.value);
  }

  /**
   * Read-modify-write: reads the resource, asks `plan` what it should be, and writes only when the count or the
   * state differs, guarded by the etag read. A conflict re-reads and plans again; transient errors retry with
   * backoff; the operation is awaited up to the deadline (then `OperationDeadlineError`).
   */
  async update<P extends Plan>(
    plan: (now: TargetSnapshot) => P,
    opts: { dryRun?: boolean; revisions?: boolean } = {},
  ): Promise<UpdateOutcome<P>> {
    let last: { before: TargetSnapshot; plan: P } | undefined;
    const { value, attempts } = await this.withRetries(
      async () => {
        const resource = await this.get();
        const before = snapshotOf(this.kind, resource);
        if (opts.revisions) before.revisions = await this.listRevisions();
        const next = plan(before);
        last = { before, plan: next };
        const stateChanged = encodeState(next.state) !== encodeState(before.state);
        const splitsChanged = next.splits !== undefined && !sameSplits(next.splits, before.splits);
        if (next.count === before.count && !stateChanged && !splitsChanged) return 'none' as const;
        if (opts.dryRun) return 'dry-run' as const;
        await this.write(resource, next, stateChanged, splitsChanged);
        return 'written' as const;
      },
      // A stale etag means someone else wrote first: plan again from a fresh read.
      (err) => !(err instanceof OperationDeadlineError),
    );
    return { ...last!, write: value, attempts };
  }

  /** Closes the clients' channels (a job should call it before exiting). */
  async close(): Promise<void> {
    if (this.client) await (await this.client).close();
    if (this.revisionsClient) await (await this.revisionsClient).close();
  }

  private async get(): Promise<Resource> {
    const client = await this.runClient();
    const [resource] =
      this.kind === 'workerPool'
        ? await (client as WorkerPoolsClient).getWorkerPool({ name: this.options.name })
        : await (client as ServicesClient).getService({ name: this.options.name });
    return resource;
  }

  /** The worker pool's revisions (short names); listed in the same attempt as the read they are planned with. */
  private async listRevisions(): Promise<string[]> {
    if (this.kind !== 'workerPool') throw new RangeError('autoscaler: only a worker pool has instance splits');
    this.revisionsClient ??= import('@google-cloud/run').then(
      (run) => new run.RevisionsClient(this.options.clientOptions),
    );
    const [revisions] = await (
      await this.revisionsClient
    ).listRevisions({ parent: this.options.name }, { autoPaginate: true });
    return revisions.map((r) => shortName(r.name ?? '')).filter(Boolean);
  }

  private async write(current: Resource, plan: Plan, stateChanged: boolean, splitsChanged = false): Promise<void> {
    const annotations = { ...(current.annotations ?? {}) };
    const encoded = encodeState(plan.state);
    if (encoded === undefined) delete annotations[STATE_ANNOTATION];
    else annotations[STATE_ANNOTATION] = encoded;
    const countPath = this.kind === 'workerPool' ? 'scaling.manual_instance_count' : 'scaling.min_instance_count';
    const paths = [
      ...(plan.count !== snapshotOf(this.kind, current).count ? [countPath] : []),
      ...(stateChanged ? ['annotations'] : []),
      ...(splitsChanged ? ['instance_splits'] : []),
    ];
    const base = { name: this.options.name, etag: current.etag, annotations };
    const client = await this.runClient();
    const [operation] =
      this.kind === 'workerPool'
        ? await (client as WorkerPoolsClient).updateWorkerPool({
            workerPool: {
              ...base,
              scaling: { manualInstanceCount: plan.count },
              ...(splitsChanged ? { instanceSplits: toProtoSplits(plan.splits ?? []) } : {}),
            },
            updateMask: { paths },
          })
        : await (client as ServicesClient).updateService({
            service: {
              ...base,
              scaling: { ...(current as protos.google.cloud.run.v2.IService).scaling, minInstanceCount: plan.count },
            },
            updateMask: { paths },
          });
    await withDeadline(operation, this.options.operationDeadlineMs ?? 60_000);
  }

  private async withRetries<T>(
    fn: () => Promise<T>,
    mayRetry: (err: unknown) => boolean,
  ): Promise<{ value: T; attempts: number }> {
    const maxAttempts = this.options.maxAttempts ?? 4;
    let delay = this.options.retryDelayMs ?? 500;
    for (let attempt = 1; ; attempt++) {
      try {
        return { value: await fn(), attempts: attempt };
      } catch (err) {
        if (attempt >= maxAttempts || !mayRetry(err) || !isRetryableCode(err)) throw err;
        await new Promise((r) => setTimeout(r, delay));
        delay *= 2;
      }
    }
  }

  private runClient(): Promise<WorkerPoolsClient | ServicesClient> {
    this.client ??= import('@google-cloud/run').then((run) =>
      this.kind === 'workerPool'
        ? new run.WorkerPoolsClient(this.options.clientOptions)
        : new run.ServicesClient(this.options.clientOptions),
    );
    return this.client;
  }
}

/** Worker pool or service, from the resource name; anything else is a configuration error. */
export function targetKind(name: string): Kind {
  if (/^projects\/[^/]+\/locations\/[^/]+\/workerPools\/[^/]+$/.test(name)) return 'workerPool';
  if (/^projects\/[^/]+\/locations\/[^/]+\/services\/[^/]+$/.test(name)) return 'service';
  throw new RangeError(
    `autoscaler: target must be projects/P/locations/L/workerPools/NAME or projects/P/locations/L/services/NAME, got "${name}"`,
  );
}

function snapshotOf(kind: Kind, resource: Resource): TargetSnapshot {
  const scaling = resource.scaling as { manualInstanceCount?: number | null; minInstanceCount?: number | null } | null;
  const count = (kind === 'workerPool' ? scaling?.manualInstanceCount : scaling?.minInstanceCount) ?? 0;
  const state = decodeState(resource.annotations?.[STATE_ANNOTATION]);
  const pool = kind === 'workerPool' ? (resource as protos.google.cloud.run.v2.IWorkerPool) : undefined;
  return {
    count,
    state: state ?? EMPTY_STATE,
    etag: resource.etag ?? undefined,
    splits: sortSplits((pool?.instanceSplits ?? []).map(fromProtoSplit)),
    latestReadyRevision: pool?.latestReadyRevision ? shortName(pool.latestReadyRevision) : undefined,
  };
}

// The REST client decodes enums as numbers (it asks for int enum encoding); names are accepted too.
const LATEST = new Set<unknown>([1, 'INSTANCE_SPLIT_ALLOCATION_TYPE_LATEST']);

function fromProtoSplit(s: protos.google.cloud.run.v2.IInstanceSplit): InstanceSplit {
  return LATEST.has(s.type)
    ? { latest: true, percent: s.percent ?? 0 }
    : { revision: shortName(s.revision ?? ''), percent: s.percent ?? 0 };
}

function toProtoSplits(splits: InstanceSplit[]): protos.google.cloud.run.v2.IInstanceSplit[] {
  return splits.map((s) =>
    s.latest
      ? { type: 'INSTANCE_SPLIT_ALLOCATION_TYPE_LATEST', percent: s.percent }
      : { type: 'INSTANCE_SPLIT_ALLOCATION_TYPE_REVISION', revision: s.revision, percent: s.percent },
  );
}

/** `projects/…/workerPools/W/revisions/R` or `R`: the revision's short name, as splits and Build IDs name it. */
function shortName(name: string): string {
  return name.split('/').pop() ?? name;
}

function isRetryableCode(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' && (TRANSIENT.has(code) || CONFLICT.has(code));
}

/** Waits for a long-running operation, at most `ms`; then stops its polling and throws. */
async function withDeadline(
  operation: {
    name?: string | null;
    promise(): Promise<unknown>;
    removeAllListeners(event: string): unknown;
    on(e: string, f: () => void): unknown;
  },
  ms: number,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OperationDeadlineError(operation.name ?? undefined, ms)), ms);
  });
  try {
    await Promise.race([operation.promise(), deadline]);
  } catch (err) {
    if (err instanceof OperationDeadlineError) {
      // Without 'complete' listeners google-gax stops polling; keep an 'error' listener so a late poll error
      // cannot surface as an unhandled 'error' event.
      operation.removeAllListeners('complete');
      operation.removeAllListeners('error');
      operation.on('error', () => undefined);
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
