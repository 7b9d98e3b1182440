// A JSON Web Key Set fetched from a URL and kept for a while: IAP's public keys (and any issuer's). One fetch at a
// time; fetched again when it is older than `maxAgeMs`, or when a token names a key it does not hold (the issuer
// rotated), at most once per `refetchIntervalMs` so forged key IDs cannot make it fetch on every request.
import type { HonoJsonWebKey } from 'hono/utils/jwt/jws';
import { KEY_SET_FETCH_TIMEOUT_MS, KEY_SET_MAX_AGE_MS, KEY_SET_REFETCH_INTERVAL_MS } from '../../common/defaults';

/** A key set could not be fetched or read: the request cannot be checked right now (503, not 401). */
export class KeySetUnavailableError extends Error {
  override readonly name = 'KeySetUnavailableError';
}

export interface KeySetOptions {
  /** The key set's URL (`{ "keys": [ … ] }`). */
  url: string;
  /** How long a fetched set is used. @default 1 hour */
  maxAgeMs?: number;
  /** Shortest time between two fetches for an unknown key ID. @default 30 s */
  refetchIntervalMs?: number;
  /** How long one fetch may take. @default 5 s */
  timeoutMs?: number;
}

/** @internal The keys at a URL, by key ID. */
export class RemoteKeySet {
  private keys = new Map<string, HonoJsonWebKey>();
  private fetchedAt = -Infinity;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly options: KeySetOptions) {}

  /** The key named `kid`, or `undefined` when the issuer's set does not hold it. */
  async key(kid: string): Promise<HonoJsonWebKey | undefined> {
    const age = Date.now() - this.fetchedAt;
    const stale = age > (this.options.maxAgeMs ?? KEY_SET_MAX_AGE_MS);
    const unknown = !this.keys.has(kid) && age > (this.options.refetchIntervalMs ?? KEY_SET_REFETCH_INTERVAL_MS);
    if (stale || unknown) await this.refresh(stale);
    return this.keys.get(kid);
  }

  private refresh(mustSucceed: boolean): Promise<void> {
    this.inFlight ??= this.fetchKeys().finally(() => (this.inFlight = undefined));
    // A set that is merely missing one key is still good for the keys it has.
    return mustSucceed ? this.inFlight : this.inFlight.catch(() => undefined);
  }

  private async fetchKeys(): Promise<void> {
    let body: unknown;
    try {
      const res = await fetch(this.options.url, {
        signal: AbortSignal.timeout(this.options.timeoutMs ?? KEY_SET_FETCH_TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      body = await res.json();
    } catch (err) {
      throw new KeySetUnavailableError(
        `the key set at ${this.options.url} could not be fetched (${err instanceof Error ? err.message : String(err)})`,
      );
    }
    const keys = (body as { keys?: unknown })?.keys;
    if (!Array.isArray(keys)) throw new KeySetUnavailableError(`${this.options.url} holds no "keys" list`);
    this.keys = new Map(
      keys
        .filter((k): k is HonoJsonWebKey & { kid: string } => !!k && typeof k === 'object' && typeof k.kid === 'string')
        .map((k) => [k.kid, k]),
    );
    this.fetchedAt = Date.now();
  }
}
