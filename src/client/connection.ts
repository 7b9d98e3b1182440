// One Temporal client per (address, namespace, credentials) per process: created lazily, reused by every
// call, closable. gRPC reconnects by itself after a server restart, and the SDK retries UNAVAILABLE calls (for
// about the connect timeout: then the caller is told Temporal is unavailable).
import {
  Client,
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type GrpcRetryOptions,
} from '@temporalio/client';
import { withEncryptedPayloadGuard } from '../codec/encrypted-payload-guard';
import { TemporalConnectionError } from './connection-error';
import { resolveTemporalConfig, type ResolvedTemporalConfig, type TemporalConnectionOptions } from './config';
import { GrpcStatus } from './grpc-errors';
import { telemetryClientInterceptors } from '../telemetry/client-interceptors';

const clients = new Map<string, Promise<Client>>();
let connectionsOpened = 0;

function cacheKey(c: ResolvedTemporalConfig): string {
  return JSON.stringify([
    c.address,
    c.namespace,
    c.apiKey ?? null,
    c.tls ?? null,
    c.metadata ?? null,
    converterId(c),
    !!c.telemetry,
  ]);
}

// Data converters hold codecs and drivers (not serializable): clients are keyed by the converter object itself.
const converterIds = new WeakMap<object, number>();
let lastConverterId = 0;
function converterId(c: ResolvedTemporalConfig): number | null {
  if (!c.dataConverter) return null;
  let id = converterIds.get(c.dataConverter);
  if (id === undefined) converterIds.set(c.dataConverter, (id = ++lastConverterId));
  return id;
}

/**
 * The shared client for these options (see the configuration order in `config.ts`). The first call connects;
 * later calls with the same settings get the same client.
 */
export function getTemporalClient(options: TemporalConnectionOptions = {}): Promise<Client> {
  return clientFor(resolveTemporalConfig(options));
}

/** @internal The shared client for settings already resolved (callers that need them too resolve once). */
export function clientFor(config: ResolvedTemporalConfig): Promise<Client> {
  const key = cacheKey(config);
  let client = clients.get(key);
  if (!client) {
    client = connect(config);
    clients.set(key, client);
    // A failed connect must not poison the cache: the next call tries again.
    client.catch(() => clients.delete(key));
  }
  return client;
}

async function connect(config: ResolvedTemporalConfig): Promise<Client> {
  const connection = await Connection.connect({
    address: config.address,
    apiKey: config.apiKey,
    tls: config.tls,
    metadata: config.metadata,
    connectTimeout: config.connectTimeoutMs,
    // Subchannels of this connection only: grpc-js otherwise shares them process-wide, so a connection made after
    // Temporal was unreachable would inherit the failed subchannel's reconnect backoff (seconds, growing) and time out.
    channelArgs: { 'grpc.use_local_subchannel_pool': 1 },
    interceptors: [makeGrpcRetryInterceptor(boundedRetryOptions(config.connectTimeoutMs))],
  }).catch((err: unknown) => {
    throw new TemporalConnectionError(config, err);
  });
  connectionsOpened++;
  return new Client({
    connection,
    namespace: config.namespace,
    // An encrypted payload this client cannot read fails with EncryptionKeysMissingError (names the variable).
    dataConverter: withEncryptedPayloadGuard(config.dataConverter),
    ...(config.telemetry ? { interceptors: { workflow: telemetryClientInterceptors() } } : {}),
  });
}

/**
 * The SDK's gRPC retries, with Temporal unreachable (`UNAVAILABLE`) retried only for about `budgetMs` rather than
 * its 10 attempts (~20 s): a front door whose server went down answers 503 quickly instead of holding the caller
 * (and the platform's request slot) until the SDK gives up. Other retryable codes keep the SDK's own rule.
 */
function boundedRetryOptions(budgetMs: number): GrpcRetryOptions {
  const sdk = defaultGrpcRetryOptions();
  return {
    delayFunction: sdk.delayFunction,
    retryableDecider(attempt, status) {
      if (status.code !== GrpcStatus.UNAVAILABLE) return sdk.retryableDecider(attempt, status);
      // The delays before this attempt, at their longest (the SDK adds up to 20% jitter).
      let spent = 0;
      for (let a = 1; a <= attempt; a++) spent += Math.min(5_000, 1.7 ** a * 100) * 1.2;
      return spent <= budgetMs && sdk.retryableDecider(attempt, status);
    },
  };
}

/** Closes every cached connection (call before a short-lived process exits). */
export async function closeTemporalClients(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.all(all.map(async (c) => (await c.catch(() => undefined))?.connection.close()));
}

/** How many connections this process has opened so far (for tests and diagnostics). */
export function connectionCount(): number {
  return connectionsOpened;
}
