# An example environment: the whole Cloud Run side of the kit in one project. Firebase functions are deployed
# with `firebase deploy` (docs/deploy.md), not here. The environment variables below are the contract in
# src/common/env-contract.ts, component by component; test/infra checks both directions.

locals {
  labels = merge({ app = "genkitx-temporal" }, var.labels)

  image_base       = module.registry.image_base
  worker_image     = "${local.image_base}/${var.worker_image_name}:${var.image_tag}"
  api_image        = "${local.image_base}/${var.api_image_name}:${var.image_tag}"
  autoscaler_image = "${local.image_base}/${var.autoscaler_image_name}:${var.image_tag}"

  # The Temporal API key secret exists only when Temporal asks for one (Temporal Cloud); the codec server's token
  # only with the codec server.
  unused_secrets = concat(
    var.temporal_api_key_enabled ? [] : ["temporal_api_key"],
    var.codec_server_enabled ? [] : ["codec_token"],
    local.console_sessions ? [] : ["session_keys"],
    var.approval_links_enabled ? [] : ["approval_keys"],
  )
  # People sign in to the run console with the API's own auth (a bearer token, Firebase) and get a session cookie
  # signed with the session keys; behind IAP, IAP signs them in.
  console_sessions = contains(["bearer", "firebase"], var.api_auth)
  # Only a worker pool can keep a draining version's workers up (instance splits); a service runs unversioned.
  worker_versioning = var.worker_versioning && var.worker_kind == "worker_pool"
  secret_ids        = { for key, id in module.naming.secret_ids : key => id if !contains(local.unused_secrets, key) }
  secret_ref = {
    for key, id in module.secrets.secret_ids : key => { secret = id, version = var.secret_version }
  }
  temporal_api_key_ref = var.temporal_api_key_enabled ? local.secret_ref["temporal_api_key"] : null
  codec_token_ref      = var.codec_server_enabled ? local.secret_ref["codec_token"] : null
  session_keys_ref     = local.console_sessions ? local.secret_ref["session_keys"] : null
  approval_keys_ref    = var.approval_links_enabled ? local.secret_ref["approval_keys"] : null

  worker_env = {
    TEMPORAL_ADDRESS                 = var.temporal_address
    TEMPORAL_NAMESPACE               = var.temporal_namespace
    TEMPORAL_TASK_QUEUE              = var.temporal_task_queue
    FLOWS_MODULE                     = var.flows_module
    WORKFLOW_BUNDLE_PATH             = var.workflow_bundle_path
    WORKER_MAX_CONCURRENT_ACTIVITIES = tostring(module.worker_size.max_concurrent_activities)
    # Worker Versioning: the Worker Deployment is the worker pool (by name: the pool's own output would be a cycle);
    # each revision's name is its Build ID, which Cloud Run gives the container, so the fallback stays empty.
    TEMPORAL_WORKER_VERSIONING = tostring(local.worker_versioning)
    TEMPORAL_WORKER_DEPLOYMENT = module.naming.worker
    TEMPORAL_WORKER_BUILD_ID   = ""
    # Tracing (docs/observability.md): one trace per run, exported over OTLP by the worker's NodeSDK.
    GENKITX_OTEL                = tostring(var.tracing_enabled)
    GENKITX_OTEL_USER_DATA      = tostring(var.tracing_user_data)
    OTEL_SERVICE_NAME           = module.naming.worker
    OTEL_EXPORTER_OTLP_ENDPOINT = var.otel_exporter_otlp_endpoint
    # Read by Node itself, not by the code: keeps the V8 heap under the container's memory limit.
    NODE_OPTIONS = module.worker_size.node_options
  }
  worker_secret_env = {
    TEMPORAL_API_KEY        = local.temporal_api_key_ref
    GEMINI_API_KEY          = local.secret_ref["gemini_api_key"]
    GENKITX_ENCRYPTION_KEYS = local.secret_ref["encryption_keys"]
    # Verifies the caller identity the front door signed (unsigned or forged contexts are refused).
    GENKITX_CONTEXT_KEYS = local.secret_ref["context_keys"]
  }

  api_env = {
    TEMPORAL_ADDRESS    = var.temporal_address
    TEMPORAL_NAMESPACE  = var.temporal_namespace
    TEMPORAL_TASK_QUEUE = var.temporal_task_queue
    FLOWS_MODULE        = var.flows_module
    API_AUTH            = var.api_auth
    FIREBASE_PROJECT_ID = coalesce(var.firebase_project_id, var.project_id)
    # The console's Firebase sign-in page (with api_auth = "firebase"): the web app's public config.
    FIREBASE_WEB_CONFIG = var.firebase_web_config == null ? "" : jsonencode(var.firebase_web_config)
    # Behind IAP (api_access = "iap", api_auth = "iap"): what the API checks IAP's signed assertion against.
    IAP_AUDIENCE = var.api_access == "iap" ? "/projects/${data.google_project.this.number}/locations/${var.region}/services/${module.naming.api}" : ""
    IAP_JWKS_URL = var.iap_jwks_url
    # Browser origin(s) of the Temporal Web UI allowed to call the codec server at /codec.
    CODEC_UI_ORIGIN = var.codec_ui_origin
    # Open streams (run events, Genkit streams) per caller and per instance; "" keeps the library's defaults.
    API_MAX_STREAMS_PER_CALLER = var.api_max_streams_per_caller == null ? "" : tostring(var.api_max_streams_per_caller)
    API_MAX_STREAMS            = var.api_max_streams == null ? "" : tostring(var.api_max_streams)
    # Fairness between callers: weights per fairness key, and the claim that keys runs ("" keys them by caller).
    GENKITX_FAIRNESS_WEIGHTS  = length(var.fairness_weights) == 0 ? "" : jsonencode(var.fairness_weights)
    GENKITX_FAIRNESS_BY_CLAIM = var.fairness_by_claim
    # Tracing: each request's span continues the caller's traceparent and parents the run's trace.
    GENKITX_OTEL                = tostring(var.tracing_enabled)
    GENKITX_OTEL_USER_DATA      = tostring(var.tracing_user_data)
    OTEL_SERVICE_NAME           = module.naming.api
    OTEL_EXPORTER_OTLP_ENDPOINT = var.otel_exporter_otlp_endpoint
  }
  api_secret_env = {
    TEMPORAL_API_KEY = local.temporal_api_key_ref
    API_BEARER_TOKEN = local.secret_ref["api_bearer_token"]
    # Signs console session cookies; to rotate, add a secret version with a new key first and the old one after it.
    API_SESSION_KEYS = local.session_keys_ref
    WEBHOOK_SECRET   = local.secret_ref["webhook_secret"]
    # Turns the codec server on (POST /codec/encode, /codec/decode); null (unset) keeps it off.
    CODEC_SERVER_TOKEN      = local.codec_token_ref
    GENKITX_ENCRYPTION_KEYS = local.secret_ref["encryption_keys"]
    # Signs each run's caller identity for the workers.
    GENKITX_CONTEXT_KEYS = local.secret_ref["context_keys"]
    # Verifies approval links (and signs those minted here); null (unset) keeps the link route off.
    GENKITX_APPROVAL_KEYS = local.approval_keys_ref
  }

  autoscaler_env = {
    TEMPORAL_ADDRESS                     = var.temporal_address
    TEMPORAL_NAMESPACE                   = var.temporal_namespace
    TEMPORAL_TASK_QUEUE                  = var.temporal_task_queue
    AUTOSCALER_TARGET                    = module.worker.resource_name
    AUTOSCALER_TARGET_PER_INSTANCE       = tostring(var.autoscaler_target_per_instance)
    AUTOSCALER_MIN_INSTANCES             = tostring(var.worker_kind == "service" ? max(1, var.worker_min_instances) : var.worker_min_instances)
    AUTOSCALER_MAX_INSTANCES             = tostring(var.worker_max_instances)
    AUTOSCALER_MAX_STEP_UP               = tostring(var.autoscaler_max_step_up)
    AUTOSCALER_SCALE_DOWN_WINDOW_SECONDS = tostring(var.autoscaler_scale_down_window_seconds)
    AUTOSCALER_ACTIVATION_BACKLOG        = tostring(var.autoscaler_activation_backlog)
    AUTOSCALER_DRY_RUN                   = tostring(var.autoscaler_dry_run)
    # With Worker Versioning the autoscaler also writes the pool's instance splits (a draining version keeps its
    # revision's workers until Temporal reports it drained): the same deployment name the workers register with.
    AUTOSCALER_WORKER_DEPLOYMENT = local.worker_versioning ? module.naming.worker : ""
  }
  autoscaler_secret_env = {
    TEMPORAL_API_KEY = local.temporal_api_key_ref
  }
}

data "google_project" "this" {
  project_id = var.project_id
}

module "naming" {
  source      = "../../modules/naming"
  prefix      = var.prefix
  environment = var.environment
}

module "worker_size" {
  source                    = "../../modules/sizing"
  cpu                       = var.worker_cpu
  memory                    = var.worker_memory
  max_concurrent_activities = var.worker_max_concurrent_activities
}

resource "google_project_service" "apis" {
  for_each = toset(concat([
    "artifactregistry.googleapis.com",
    "cloudscheduler.googleapis.com",
    "iam.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
  ], var.api_access == "iap" ? ["iap.googleapis.com"] : []))

  project = var.project_id
  service = each.value
  # Other workloads of the project may use these APIs too.
  disable_on_destroy = false
}

module "registry" {
  source        = "../../modules/registry"
  project_id    = var.project_id
  region        = var.region
  repository_id = module.naming.registry
  writers       = var.image_writers
  labels        = local.labels

  depends_on = [google_project_service.apis]
}

module "secrets" {
  source     = "../../modules/secrets"
  project_id = var.project_id
  secret_ids = local.secret_ids
  labels     = local.labels

  depends_on = [google_project_service.apis]
}

module "worker" {
  source              = "../../modules/worker"
  project_id          = var.project_id
  region              = var.region
  name                = module.naming.worker
  service_account_id  = module.naming.service_account_ids.worker
  kind                = var.worker_kind
  instances           = max(var.worker_kind == "service" ? 1 : 0, var.worker_min_instances)
  max_instances       = var.worker_max_instances
  deployers           = var.worker_deployers
  labels              = local.labels
  deletion_protection = var.deletion_protection
  container = {
    image      = local.worker_image
    env        = local.worker_env
    secret_env = { for name, ref in local.worker_secret_env : name => ref if ref != null }
    limits     = module.worker_size.limits
  }

  depends_on = [google_project_service.apis]
}

module "api" {
  source              = "../../modules/api"
  project_id          = var.project_id
  region              = var.region
  name                = module.naming.api
  service_account_id  = module.naming.service_account_ids.api
  access              = var.api_access
  invokers            = var.api_invokers
  labels              = local.labels
  deletion_protection = var.deletion_protection
  container = {
    image      = local.api_image
    env        = local.api_env
    secret_env = { for name, ref in local.api_secret_env : name => ref if ref != null }
  }

  depends_on = [google_project_service.apis]
}

module "autoscaler" {
  source = "../../modules/autoscaler"
  count  = var.autoscaler_enabled ? 1 : 0

  project_id                   = var.project_id
  region                       = var.region
  job_name                     = module.naming.autoscaler_job
  scheduler_job_name           = module.naming.scheduler_job
  service_account_id           = module.naming.service_account_ids.autoscaler
  scheduler_service_account_id = module.naming.service_account_ids.scheduler
  target_kind                  = module.worker.kind
  target_name                  = module.worker.name
  worker_service_account_name  = module.worker.service_account_name
  labels                       = local.labels
  deletion_protection          = var.deletion_protection
  container = {
    image      = local.autoscaler_image
    command    = var.autoscaler_command
    args       = var.autoscaler_args
    env        = local.autoscaler_env
    secret_env = { for name, ref in local.autoscaler_secret_env : name => ref if ref != null }
  }

  depends_on = [google_project_service.apis]
}
