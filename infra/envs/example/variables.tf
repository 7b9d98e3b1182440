variable "project_id" {
  description = "Google Cloud project ID to deploy into."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a Google Cloud project ID: 6-30 characters of lower-case letters, digits and hyphens."
  }
}

variable "region" {
  description = "Region of every regional resource (Cloud Run, Artifact Registry, Cloud Scheduler)."
  type        = string
  default     = "us-central1"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.region))
    error_message = "region must look like us-central1 or europe-west1."
  }
}

variable "prefix" {
  description = "Short name that starts every resource name (see modules/naming)."
  type        = string
  default     = "genkit"
}

variable "environment" {
  description = "Environment suffix of the names (for example \"prod\"); empty for none."
  type        = string
  default     = ""
}

variable "image_tag" {
  description = "Tag of the images pushed to the repository (immutable: one tag per build, for example the git SHA)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag)) && var.image_tag != "latest"
    error_message = "image_tag must be a Docker tag other than \"latest\" (tags are immutable in the repository)."
  }
}

variable "worker_image_name" {
  description = "Image name of the worker (cloudrun/worker) in the repository."
  type        = string
  default     = "worker"
}

variable "api_image_name" {
  description = "Image name of the front-door API (cloudrun/api) in the repository."
  type        = string
  default     = "api"
}

variable "autoscaler_image_name" {
  description = "Image name that holds the autoscaler entry (by default the worker image, started with autoscaler_args)."
  type        = string
  default     = "worker"
}

variable "autoscaler_command" {
  description = "Entrypoint that starts the autoscaler in its image (for example [\"node\"]); null keeps the image's."
  type        = list(string)
  default     = null
}

variable "autoscaler_args" {
  description = "Arguments that start the autoscaler entry in its image; null keeps the image's command."
  type        = list(string)
  default     = null
}

variable "temporal_address" {
  description = "Temporal frontend host:port: NAMESPACE.ACCOUNT.tmprl.cloud:7233 for Temporal Cloud, or your own frontend's address."
  type        = string

  validation {
    condition     = can(regex("^[^:/\\s]+:[0-9]{1,5}$", var.temporal_address))
    error_message = "temporal_address must be host:port, without a scheme."
  }
}

variable "temporal_namespace" {
  description = "Temporal namespace (on Temporal Cloud: NAMESPACE.ACCOUNT)."
  type        = string
  default     = "default"
}

variable "temporal_task_queue" {
  description = "Task queue the workers poll and the API and functions start flows on."
  type        = string
  default     = "genkit"

  validation {
    condition     = length(var.temporal_task_queue) > 0 && length(var.temporal_task_queue) <= 1000
    error_message = "temporal_task_queue must be 1-1000 characters."
  }
}

variable "temporal_api_key_enabled" {
  description = "Authenticate to Temporal with an API key from Secret Manager (Temporal Cloud). Set false for a self-hosted Temporal without API keys."
  type        = bool
  default     = true
}

variable "secret_version" {
  description = "Secret Manager version the containers read: \"latest\" (a new revision or job run picks up a rotated value) or a pinned version number."
  type        = string
  default     = "latest"

  validation {
    condition     = var.secret_version == "latest" || can(regex("^[1-9][0-9]*$", var.secret_version))
    error_message = "secret_version must be \"latest\" or a version number."
  }
}

variable "flows_module" {
  description = "Path (inside the images) of the module that defines and exports the Genkit flows."
  type        = string
  default     = "/app/dist/flows.js"
}

variable "workflow_bundle_path" {
  description = "Path (inside the worker image) of the workflow bundle prebuilt at image build time."
  type        = string
  default     = "/app/dist/workflow-bundle.js"
}

variable "tracing_enabled" {
  description = "Trace every run with OpenTelemetry (GENKITX_OTEL on the worker and the API; docs/observability.md)."
  type        = bool
  default     = false
}

variable "tracing_user_data" {
  description = "Export prompts, outputs and error texts in spans although payloads are encrypted (GENKITX_OTEL_USER_DATA; redacted by default; docs/security.md)."
  type        = bool
  default     = false
}

variable "otel_exporter_otlp_endpoint" {
  description = "OTLP/HTTP endpoint the worker and the API export spans to when tracing is on: your OpenTelemetry Collector (e.g. a sidecar on localhost, or a service that forwards to Cloud Trace)."
  type        = string
  default     = "http://localhost:4318"
}

variable "worker_kind" {
  description = "\"worker_pool\" (Cloud Run worker pool) or \"service\" (internal service, CPU always on, min 1)."
  type        = string
  default     = "worker_pool"

  validation {
    condition     = contains(["worker_pool", "service"], var.worker_kind)
    error_message = "worker_kind must be \"worker_pool\" or \"service\"."
  }
}

variable "worker_versioning" {
  description = "Worker Versioning (docs/deploy.md, \"Rolling out a new build\"): the worker pool is one Worker Deployment named after it, each revision one version (its Build ID is the revision name), and a new build takes runs only once the rollout makes it current. false runs the workers unversioned. The service variant always runs unversioned: a service has no instance splits to keep a draining revision's workers up."
  type        = bool
  default     = true
}

variable "worker_deployers" {
  description = "Principals that run the rollout (cloudrun/worker/cloudbuild.yaml), e.g. serviceAccount:PROJECT_NUMBER@cloudbuild.gserviceaccount.com: they may deploy revisions of the worker pool (roles/run.developer on the pool, roles/iam.serviceAccountUser on the worker's service account)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.worker_deployers : can(regex("^(serviceAccount|group|user|principal|principalSet):", p))])
    error_message = "worker_deployers lists named principals (serviceAccount:, group:, user:, principal:, principalSet:); never allUsers or allAuthenticatedUsers."
  }
}

variable "worker_cpu" {
  description = "vCPUs per worker instance (1, 2, 4, 6 or 8)."
  type        = number
  default     = 1
}

variable "worker_memory" {
  description = "Memory per worker instance (for example 1Gi); the V8 heap is derived from it."
  type        = string
  default     = "1Gi"
}

variable "worker_max_concurrent_activities" {
  description = "Flow activities per worker instance; null derives it from CPU and memory (modules/sizing)."
  type        = number
  default     = null
}

variable "autoscaler_enabled" {
  description = "Deploy the backlog autoscaler. Without it the worker runs worker_min_instances instances."
  type        = bool
  default     = true
}

variable "autoscaler_dry_run" {
  description = "Let the autoscaler log its decisions without changing the worker."
  type        = bool
  default     = false
}

variable "worker_min_instances" {
  description = "Fewest worker instances (the autoscaler never goes below; with a service variant at least 1 is kept anyway)."
  type        = number
  default     = 1

  validation {
    condition     = var.worker_min_instances >= 0 && floor(var.worker_min_instances) == var.worker_min_instances
    error_message = "worker_min_instances must be a whole number >= 0."
  }
}

variable "worker_max_instances" {
  description = "Most worker instances the autoscaler may set."
  type        = number
  default     = 10

  validation {
    condition     = var.worker_max_instances >= 1 && floor(var.worker_max_instances) == var.worker_max_instances
    error_message = "worker_max_instances must be a whole number >= 1."
  }
}

variable "autoscaler_target_per_instance" {
  description = "Backlog (queued tasks) one worker instance should absorb: desired = ceil(backlog / target)."
  type        = number
  default     = 5

  validation {
    condition     = var.autoscaler_target_per_instance >= 1
    error_message = "autoscaler_target_per_instance must be at least 1."
  }
}

variable "autoscaler_max_step_up" {
  description = "Most instances added in one autoscaler run."
  type        = number
  default     = 4

  validation {
    condition     = var.autoscaler_max_step_up >= 1
    error_message = "autoscaler_max_step_up must be at least 1."
  }
}

variable "autoscaler_scale_down_window_seconds" {
  description = "A lower count must have been wanted for this long before the autoscaler scales down."
  type        = number
  default     = 300

  validation {
    condition     = var.autoscaler_scale_down_window_seconds >= 0
    error_message = "autoscaler_scale_down_window_seconds must be >= 0."
  }
}

variable "autoscaler_activation_backlog" {
  description = "Backlog that wakes a worker scaled to zero."
  type        = number
  default     = 1

  validation {
    condition     = var.autoscaler_activation_backlog >= 0
    error_message = "autoscaler_activation_backlog must be >= 0."
  }
}

variable "api_access" {
  description = "Who may call the API: \"public\" (the API authenticates with API_AUTH), \"invoker\" (api_invokers only) or \"iap\"."
  type        = string
  default     = "public"
}

variable "api_invokers" {
  description = "Principals allowed to call the API when api_access = \"invoker\"."
  type        = list(string)
  default     = []
}

variable "api_auth" {
  description = "How the API authenticates requests (API_AUTH): \"bearer\" (API_BEARER_TOKEN), \"firebase\" (Firebase ID tokens), \"iap\" (IAP's signed assertion; use with api_access = \"iap\") or \"none\". With bearer and firebase, people sign in to the run console once and get a session cookie signed with the session-keys secret."
  type        = string
  default     = "bearer"

  validation {
    condition     = contains(["bearer", "firebase", "iap", "none"], var.api_auth)
    error_message = "api_auth must be \"bearer\", \"firebase\", \"iap\" or \"none\"."
  }
}

variable "api_max_streams_per_caller" {
  description = "Streams (GET /runs/:id/events, Genkit streams) one caller may hold open at once on one API instance (API_MAX_STREAMS_PER_CALLER); above it a 429 with Retry-After. null: the library's default, 20. With api_auth = \"bearer\" every request is the one caller."
  type        = number
  default     = null

  validation {
    condition     = var.api_max_streams_per_caller == null ? true : var.api_max_streams_per_caller >= 1 && floor(var.api_max_streams_per_caller) == var.api_max_streams_per_caller
    error_message = "api_max_streams_per_caller must be a whole number of at least 1 (or null)."
  }
}

variable "api_max_streams" {
  description = "Streams one API instance serves at once in all (API_MAX_STREAMS); readers of one run share one poller. Above it a 429 with Retry-After. null: the library's default, 500."
  type        = number
  default     = null

  validation {
    condition     = var.api_max_streams == null ? true : var.api_max_streams >= 1 && floor(var.api_max_streams) == var.api_max_streams
    error_message = "api_max_streams must be a whole number of at least 1 (or null)."
  }
}

variable "fairness_weights" {
  description = "Fairness weight per fairness key (GENKITX_FAIRNESS_WEIGHTS): a key with weight 2 gets twice the dispatches of one with 1 when the task queue is backlogged. Keys are callers (principal ids), or values of fairness_by_claim. Needs fairness on in the Temporal namespace (docs/fairness.md). {}: every key weighs 1."
  type        = map(number)
  default     = {}

  validation {
    condition     = alltrue([for w in values(var.fairness_weights) : w >= 0.001 && w <= 1000])
    error_message = "fairness_weights must map keys to weights from 0.001 to 1000."
  }
}

variable "fairness_by_claim" {
  description = "A verified token claim (e.g. \"tenant\") whose value is the fairness key of a caller's runs (GENKITX_FAIRNESS_BY_CLAIM); callers without it are keyed by their principal id. \"\": every caller is its own key."
  type        = string
  default     = ""
}

variable "firebase_web_config" {
  description = "The Firebase web app's config (apiKey, authDomain, projectId: public values from the Firebase console) for the run console's sign-in page when api_auth = \"firebase\"; null: people sign in with an ID token instead."
  type = object({
    apiKey     = string
    authDomain = string
    projectId  = optional(string)
  })
  default = null
}

variable "iap_jwks_url" {
  description = "Where the API reads IAP's public keys when api_auth = \"iap\"."
  type        = string
  default     = "https://www.gstatic.com/iap/verify/public_key-jwk"
}

variable "approval_links_enabled" {
  description = "Serve approval links (signed, expiring, single-use URLs that answer a run's pending input) from the API, verified with the approval-keys secret (GENKITX_APPROVAL_KEYS)."
  type        = bool
  default     = false
}

variable "codec_server_enabled" {
  description = "Serve the codec server (Temporal's remote codec protocol) from the API service at /codec, behind its own bearer token from Secret Manager, so the Temporal CLI and Web UI can show decrypted payloads."
  type        = bool
  default     = false
}

variable "codec_ui_origin" {
  description = "Origin(s) of the Temporal Web UI allowed to call the codec server from a browser (comma-separated), for example https://cloud.temporal.io."
  type        = string
  default     = "https://cloud.temporal.io"

  validation {
    condition     = alltrue([for o in split(",", var.codec_ui_origin) : can(regex("^https?://[^/\\s]+$", trimspace(o)))])
    error_message = "codec_ui_origin must list origins such as https://cloud.temporal.io (scheme and host, no path)."
  }
}

variable "firebase_project_id" {
  description = "Firebase project whose ID tokens the API accepts; null uses project_id."
  type        = string
  default     = null
}

variable "image_writers" {
  description = "Principals allowed to push images (for example your CI's service account)."
  type        = list(string)
  default     = []
}

variable "deletion_protection" {
  description = "Protect the Cloud Run resources from terraform destroy."
  type        = bool
  default     = true
}

variable "labels" {
  description = "Labels added to every resource that takes them."
  type        = map(string)
  default     = {}
}
