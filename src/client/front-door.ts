// A front door's Temporal settings, resolved once and passed down. The HTTP API and the webhook handler resolve
// when they are created, a callable on its first request (Firebase loads the module to deploy it, without the
// secrets the settings may need; its fairness settings, which need none, when it is created); every request after that uses the same settings and the same cached client.
// The resolution reads the environment and the envconfig profile file, so a long-running front door keeps what it
// read: a changed variable or profile file takes effect when the process (a Cloud Run instance, a function
// instance) starts again, as with every other setting it reads at start-up.
import type { Client } from '@temporalio/client';
import { resolveTemporalConfig, type ResolvedTemporalConfig, type TemporalConnectionOptions } from './config';
import { clientFor } from './connection';
import { resolveFairness, type FairnessOptions, type ResolvedFairness } from './fairness';

/** Settings resolved once, and the client for them. */
export interface FrontDoorTemporal {
  /** The resolved settings every request of this front door uses. */
  readonly config: ResolvedTemporalConfig;
  /** The given client, or the shared one for `config` (the first call connects; a failed connect is tried again). */
  client(): Promise<Client>;
  /** How runs get their priority and fairness key from the caller (`fairness` option over the environment). */
  readonly fairness: ResolvedFairness;
}

/** A front door's settings besides the connection. */
export interface FrontDoorSettings {
  /** See `FairnessOptions`; `false` sets no fairness key. @default the caller's id, weights from the environment */
  fairness?: FairnessOptions | false;
}

/** @internal Resolves `options` (and the front door's `settings`) now. */
export function frontDoorTemporal(
  options: TemporalConnectionOptions & { client?: Client },
  settings: FrontDoorSettings = {},
): FrontDoorTemporal {
  return withFairness(options, resolveFairness(settings.fairness));
}

/**
 * @internal Resolves `options` on the first call and answers the same settings after it. A resolution that throws
 * (a variable that does not parse) is not kept: each call throws again, naming the variable. The `settings` need
 * no secret, so they are resolved now: a malformed one stops the function when its module loads (and `firebase
 * deploy`, which loads it too), naming the variable, instead of failing each request as a bare `internal`.
 */
export function resolvedOnFirstUse(
  options: TemporalConnectionOptions & { client?: Client },
  settings: FrontDoorSettings = {},
): () => FrontDoorTemporal {
  const fairness = resolveFairness(settings.fairness);
  let resolved: FrontDoorTemporal | undefined;
  return () => (resolved ??= withFairness(options, fairness));
}

function withFairness(
  options: TemporalConnectionOptions & { client?: Client },
  fairness: ResolvedFairness,
): FrontDoorTemporal {
  const config = resolveTemporalConfig(options);
  const given = options.client;
  return { config, fairness, client: () => (given ? Promise.resolve(given) : clientFor(config)) };
}
