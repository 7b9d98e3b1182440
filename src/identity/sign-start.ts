// The starter's side: every run starts with its context stripped of credentials and, when this process holds a
// context key, signed for exactly that run.
import type { ContextSignature } from '../common/types';
import { withoutCredentials } from './credentials';
import { resolveContextKeyRing, type ContextKey } from './context-keys';
import { signRunContext, type SignedRun } from './signature';

/** The `context` and `contextSignature` fields of a run's start request. */
export function startContext(
  run: Omit<SignedRun, 'context'> & { context?: Record<string, unknown> },
  keys?: readonly ContextKey[],
): { context?: Record<string, unknown>; contextSignature?: ContextSignature } {
  const context = withoutCredentials(run.context);
  const ring = resolveContextKeyRing(keys);
  return ring ? { context, contextSignature: signRunContext(ring, { ...run, context }) } : { context };
}
