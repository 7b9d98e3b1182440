// The error a client gets when Temporal cannot be reached: which address was tried, and where it came from.
import type { ResolvedTemporalConfig } from './config';

/** No Temporal server answered at the configured address within the connect timeout. */
export class TemporalConnectionError extends Error {
  override readonly name = 'TemporalConnectionError';
  readonly address: string;

  constructor(config: Pick<ResolvedTemporalConfig, 'address' | 'namespace' | 'connectTimeoutMs'>, cause: unknown) {
    super(
      `genkitx-temporal: could not connect to Temporal at ${config.address} (namespace "${config.namespace}") ` +
        `within ${config.connectTimeoutMs} ms. Set the address with the TEMPORAL_ADDRESS environment variable, ` +
        "the temporal() plugin's or the call's `address` option, or a temporal.toml profile; the wait with " +
        '`connectTimeout` / TEMPORAL_CONNECT_TIMEOUT.',
      { cause },
    );
    this.address = config.address;
  }
}
