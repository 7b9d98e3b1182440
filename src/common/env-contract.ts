// The environment contract of the deployable kit: every variable a Cloud Run component reads, by component. The one
// list of names: the components' settings readers take theirs from here (the Cloud Run templates through the
// package, `genkitx-temporal` for the worker, `/http` for the API, `/autoscale` for the autoscaler, since they
// are copied into other projects), and the Terraform templates in infra/ set exactly `set` and `secrets`
// (test/infra checks both directions); `platform` names are set by Cloud Run itself and never by the templates.

/** Variables Cloud Run sets on every service, job and worker pool instance. */
export const PLATFORM_ENV = [
  'PORT',
  'K_SERVICE',
  'K_REVISION',
  'K_CONFIGURATION',
  'CLOUD_RUN_JOB',
  'CLOUD_RUN_EXECUTION',
  // Worker pools: their name and revision (they have no K_SERVICE / K_REVISION).
  'CLOUD_RUN_WORKER_POOL',
  'CLOUD_RUN_REVISION',
] as const;

/** The worker service (`cloudrun/worker`): hosts the flows and `runGenkitFlowActivity`. */
export const WORKER_ENV = {
  set: [
    'TEMPORAL_ADDRESS',
    'TEMPORAL_NAMESPACE',
    'TEMPORAL_TASK_QUEUE',
    'FLOWS_MODULE',
    'WORKFLOW_BUNDLE_PATH',
    'WORKER_MAX_CONCURRENT_ACTIVITIES',
    // Worker Versioning (docs/versioning.md): on/off, the Worker Deployment (default: the service or worker pool
    // name), and the build ID when the platform gives no revision.
    'TEMPORAL_WORKER_VERSIONING',
    'TEMPORAL_WORKER_DEPLOYMENT',
    'TEMPORAL_WORKER_BUILD_ID',
    // Tracing: on/off, and where the NodeSDK exports (docs/observability.md).
    'GENKITX_OTEL',
    // With encrypted payloads, spans are redacted unless this is true (docs/security.md).
    'GENKITX_OTEL_USER_DATA',
    'OTEL_SERVICE_NAME',
    'OTEL_EXPORTER_OTLP_ENDPOINT',
  ],
  secrets: ['TEMPORAL_API_KEY', 'GEMINI_API_KEY', 'GENKITX_ENCRYPTION_KEYS', 'GENKITX_CONTEXT_KEYS'],
  /**
   * Of `PLATFORM_ENV`: the health port, and the service or worker pool and the revision its identity, deployment
   * name and build ID come from.
   */
  platform: ['PORT', 'K_SERVICE', 'K_REVISION', 'CLOUD_RUN_WORKER_POOL', 'CLOUD_RUN_REVISION'],
} as const;

/** The backlog autoscaler (`src/autoscale`, run as a Cloud Run job or a scheduled function). */
export const AUTOSCALER_ENV = {
  set: [
    'TEMPORAL_ADDRESS',
    'TEMPORAL_NAMESPACE',
    'TEMPORAL_TASK_QUEUE',
    'AUTOSCALER_TARGET',
    'AUTOSCALER_TARGET_PER_INSTANCE',
    'AUTOSCALER_MIN_INSTANCES',
    'AUTOSCALER_MAX_INSTANCES',
    'AUTOSCALER_MAX_STEP_UP',
    'AUTOSCALER_SCALE_DOWN_WINDOW_SECONDS',
    'AUTOSCALER_ACTIVATION_BACKLOG',
    'AUTOSCALER_DRY_RUN',
    // The Worker Deployment (Worker Versioning) whose versions run on the worker pool's revisions: with it the
    // autoscaler also writes the pool's instance splits (draining versions keep their workers).
    'AUTOSCALER_WORKER_DEPLOYMENT',
  ],
  secrets: ['TEMPORAL_API_KEY'],
  platform: [],
} as const;

/** The front-door API service (`cloudrun/api`): the Hono flow API, webhooks and the codec server (`/codec`). */
export const API_ENV = {
  set: [
    'TEMPORAL_ADDRESS',
    'TEMPORAL_NAMESPACE',
    'TEMPORAL_TASK_QUEUE',
    'FLOWS_MODULE',
    'API_AUTH',
    'FIREBASE_PROJECT_ID',
    // Console sign-in: Firebase's web config for the sign-in page; behind IAP, its audience and key set.
    'FIREBASE_WEB_CONFIG',
    'IAP_AUDIENCE',
    'IAP_JWKS_URL',
    'CODEC_UI_ORIGIN',
    // Open streams (run events, Genkit streams) per caller and per instance; above them a 429 (docs/security.md, docs/deploy.md).
    'API_MAX_STREAMS_PER_CALLER',
    'API_MAX_STREAMS',
    // Fairness between callers: weights per fairness key (JSON), and a verified claim that keys runs instead of the
    // caller (e.g. a tenant); docs/fairness.md.
    'GENKITX_FAIRNESS_WEIGHTS',
    'GENKITX_FAIRNESS_BY_CLAIM',
    // Tracing: request and StartWorkflow spans, in the same traces as the worker's.
    'GENKITX_OTEL',
    // With encrypted payloads, spans are redacted unless this is true (docs/security.md).
    'GENKITX_OTEL_USER_DATA',
    'OTEL_SERVICE_NAME',
    'OTEL_EXPORTER_OTLP_ENDPOINT',
  ],
  secrets: [
    'TEMPORAL_API_KEY',
    'API_BEARER_TOKEN',
    // Signs the console's session cookies (people sign in once with a token or Firebase).
    'API_SESSION_KEYS',
    'WEBHOOK_SECRET',
    'CODEC_SERVER_TOKEN',
    'GENKITX_ENCRYPTION_KEYS',
    'GENKITX_CONTEXT_KEYS',
    // Verifies approval links (docs/human-in-the-loop.md); with it the API serves /runs/:id/inputs/:name/links/:token.
    'GENKITX_APPROVAL_KEYS',
  ],
  /** Of `PLATFORM_ENV`: the port it listens on, and its service name (the default tracing service name). */
  platform: ['PORT', 'K_SERVICE'],
} as const;
