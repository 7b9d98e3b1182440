// Entry point of `genkitx-temporal/http`: a Hono flow API and signed-webhook handlers. Loads the light client
// only (no worker, no genkit root), so it suits serverless front doors.
import { requirePeers } from '../peer-dependencies';

// Before anything else loads: a missing peer is named, with the command that installs it.
requirePeers('genkitx-temporal/http', ['@temporalio/client']);

export { createFlowApi, type FlowApiOptions, type FlowApiStartOptions } from './api/flow-api';
export type { ApprovalLinkRefusal } from './api/approval-links';
export {
  APPROVAL_KEYS_ENV,
  mintApprovalLink,
  type ApprovalKeys,
  type ApprovalLink,
  type ApprovalLinkProblem,
  type MintApprovalLinkOptions,
  type MintedApprovalLink,
} from '../identity/approval-link';
export {
  bearerTokenAuth,
  firebaseAuth,
  principalAuth,
  type BearerTokenAuthOptions,
  type FlowApiEnv,
  type IdTokenVerifier,
  type Principal,
  type PrincipalResolver,
} from './auth/principal-auth';
export { createRunConsole, type RunConsoleOptions } from './console';
export {
  FIREBASE_WEB_SDK_VERSION,
  type ConsoleSignInOptions,
  type FirebaseSignInOptions,
} from './console/sign-in-options';
export { crossSiteGuard, requireJsonContentType, type CrossSiteOptions } from './auth/cross-site';
export { iapAuth, IAP_ASSERTION_HEADER, IAP_ISSUER, IAP_KEY_SET_URL, type IapAuthOptions } from './auth/iap-auth';
export { parseSessionKeys, type SessionSettings } from './auth/session';
export { toHttpError, type ErrorBody } from './errors';
export { TemporalStreamManager } from './api/stream-manager';
export { API_ENV, PLATFORM_ENV } from '../common/env-contract';
export { requestSpans } from '../telemetry/http-middleware';
export { flowWebhook, webhookWorkflowId, type FlowWebhookOptions } from './webhooks/flow-webhook';
export {
  githubWebhook,
  hmacWebhook,
  standardWebhooks,
  stripeWebhook,
  WebhookSignatureError,
  type DeliveryKey,
  type HmacWebhookOptions,
  type VerifiedDelivery,
  type WebhookVerifier,
} from './webhooks/verifiers';
