// Trusted caller identity: credentials stripped from run contexts, contexts signed by starters and verified by
// workers. See docs/security.md ("Trusted caller identity").
export { CREDENTIAL_CONTEXT_KEYS, withoutCredentials } from './credentials';
export {
  CONTEXT_KEYS_ENV,
  contextKeyRing,
  contextKeysFromEnv,
  parseContextKeys,
  type ContextKey,
  type ContextKeyRing,
} from './context-keys';
export { signRunContext, verifyRunContext, type SignatureProblem, type SignedRun } from './signature';
export { resolveContextTrust, UNTRUSTED_CONTEXT_FAILURE, type ContextTrust, type ContextTrustOptions } from './trust';
