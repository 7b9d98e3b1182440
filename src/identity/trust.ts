// The worker's side: which run contexts it trusts. With a context key configured (the safe default once a key
// exists), a run must carry a valid signature from a starter that holds the key, or it fails on attempt 1 with a
// non-retryable PERMISSION_DENIED before any step runs.
import { ValueError } from '@temporalio/common';
import { FailureTypes, libraryFailure } from '../common/failures';
import { CONTEXT_KEYS_ENV, resolveContextKeyRing, type ContextKey, type ContextKeyRing } from './context-keys';
import { verifyRunContext, type SignatureProblem, type SignedRun } from './signature';

/**
 * Failure type of a run whose context is unsigned or does not verify.
 * @deprecated Use `FailureTypes.untrustedContext` (the same string), where every failure type is listed.
 */
export const UNTRUSTED_CONTEXT_FAILURE = FailureTypes.untrustedContext;

/** Worker options deciding which run contexts are trusted. */
export interface ContextTrustOptions {
  /** Keys that verify context signatures (current first). @default the keys in GENKITX_CONTEXT_KEYS */
  contextKeys?: readonly ContextKey[];
  /**
   * What to do with a run that carries no signature:
   * - `'reject'` (the default when a key is configured): PERMISSION_DENIED on attempt 1, no step runs;
   * - `'allow'` (the default without any key): run it with the context as given. Anyone who can start workflows
   *   in the namespace can then act as any user (see docs/security.md); use it only for starters that cannot
   *   sign (other SDKs) in a namespace you trust.
   *
   * A signature that is present is always checked, in both modes.
   */
  unsignedContext?: 'reject' | 'allow';
}

/** The resolved policy. */
export interface ContextTrust {
  ring?: ContextKeyRing;
  unsignedContext: 'reject' | 'allow';
}

/**
 * Resolves the worker's policy; throws at start-up for a bad key or `'reject'` without a key.
 *
 * @example
 * ```ts
 * resolveContextTrust({ unsignedContext: 'allow' }); // keys from GENKITX_CONTEXT_KEYS, unsigned runs allowed
 * ```
 */
export function resolveContextTrust(options: ContextTrustOptions = {}, env = process.env): ContextTrust {
  const ring = resolveContextKeyRing(options.contextKeys, env);
  const unsignedContext = options.unsignedContext ?? (ring ? 'reject' : 'allow');
  if (unsignedContext !== 'reject' && unsignedContext !== 'allow') {
    throw new ValueError(`genkitx-temporal: unsignedContext must be 'reject' or 'allow', got ${unsignedContext}`);
  }
  if (unsignedContext === 'reject' && !ring) {
    throw new ValueError(
      `genkitx-temporal: unsignedContext 'reject' needs context keys (contextKeys, or ${CONTEXT_KEYS_ENV})`,
    );
  }
  return { ring, unsignedContext };
}

/**
 * Throws the run's failure (non-retryable PERMISSION_DENIED) unless its context is trusted under `trust`.
 * @internal Called by the flow activity before it claims the run.
 */
export function assertTrustedContext(trust: ContextTrust, run: SignedRun, signature: unknown, attempt: number): void {
  if (signature == null && trust.unsignedContext === 'allow') return;
  if (!trust.ring) return; // 'allow' without keys: a signature cannot be checked here, and nothing requires it
  const problem = verifyRunContext(trust.ring, run, signature);
  if (!problem) return;
  throw libraryFailure(FailureTypes.untrustedContext, explain(problem, signature, trust.ring), {
    attempt,
    status: 'PERMISSION_DENIED',
    nonRetryable: true,
    detail: { reason: problem },
  });
}

function explain(problem: SignatureProblem, signature: unknown, ring: ContextKeyRing): string {
  switch (problem) {
    case 'unsigned':
      return (
        `the run of this flow was started without a context signature, and this worker accepts only signed ` +
        `contexts: set ${CONTEXT_KEYS_ENV} (the workers' key) on the process that started the run (the API ` +
        'service, the Firebase functions, your server), or pass contextKeys to its start'
      );
    case 'unknown-key':
      return (
        `the run's context was signed with key "${(signature as { kid: string }).kid}", which this worker does not ` +
        `have (known: ${[...ring.byId.keys()].join(', ')}); add it to ${CONTEXT_KEYS_ENV} on the workers`
      );
    case 'malformed':
      return "the run's context signature is malformed";
    case 'mismatch':
      return "the run's context signature does not match its context, flow, workflow ID or input";
  }
}
