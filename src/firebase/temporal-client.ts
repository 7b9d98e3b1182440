// The function instance's Temporal client: the library's per-process cache (one connection, reused by every
// invocation; a failed connect is not cached, so the next invocation connects again). A connect failure is
// `unavailable` to the caller — retryable — rather than a bare `internal`.
import type { Client } from '@temporalio/client';
import { HttpsError } from 'firebase-functions/v2/https';
import type { FlowRunOptions } from '../client/flow-runs';
import type { FrontDoorTemporal } from '../client/front-door';

/**
 * The client to use: the one `options` gives, or the cached connection for the callable's settings (resolved on
 * its first request; connecting on first use).
 */
export async function clientForCallable(options: FlowRunOptions, temporal: () => FrontDoorTemporal): Promise<Client> {
  if (options.client) return options.client;
  try {
    return await temporal().client();
  } catch (err) {
    console.error('genkitx-temporal: cannot connect to Temporal', err);
    throw new HttpsError('unavailable', 'the flow service is unavailable; try again');
  }
}
