variable "project_id" {
  description = "Google Cloud project ID."
  type        = string
}

variable "region" {
  description = "Cloud Run region, for example europe-west1."
  type        = string
}

variable "name" {
  description = "Name of the worker pool (or service); see the naming module."
  type        = string
}

variable "service_account_id" {
  description = "account_id of the worker's own service account (created here)."
  type        = string
}

variable "kind" {
  description = "\"worker_pool\" (default: a Cloud Run worker pool, no URL, always-on CPU) or \"service\" (an internal-only service with CPU always allocated and at least one instance)."
  type        = string
  default     = "worker_pool"

  validation {
    condition     = contains(["worker_pool", "service"], var.kind)
    error_message = "kind must be \"worker_pool\" or \"service\"."
  }
}

variable "container" {
  description = "The container: image, and optionally command, args, env (plain values), secret_env (Secret Manager) and limits. Its type, defaults and rules are the run-container module's; the service account gets secretAccessor on exactly the secret_env secrets."
  # Checked and given its defaults by run-container (module.container below), the one definition of that type.
  type = any
}

variable "instances" {
  description = "Instance count at creation (worker pool) or the minimum instance count (service). The autoscaler owns it afterwards."
  type        = number
  default     = 1

  validation {
    condition     = var.instances >= 0 && floor(var.instances) == var.instances
    error_message = "instances must be a whole number >= 0."
  }
}

variable "max_instances" {
  description = "Maximum instances of the service variant (ignored for a worker pool, whose count is manual)."
  type        = number
  default     = 10

  validation {
    condition     = var.max_instances >= 1
    error_message = "max_instances must be at least 1."
  }
}

variable "port" {
  description = "Port of /healthz and /readyz in the service variant (Cloud Run sets PORT to it)."
  type        = number
  default     = 8080
}

variable "deployers" {
  description = "Principals that run the rollout (e.g. serviceAccount:PROJECT_NUMBER@cloudbuild.gserviceaccount.com): roles/run.developer on this worker pool and roles/iam.serviceAccountUser on the worker's service account, so they can deploy a build as a new revision (and split instances by hand). Worker pools only; empty for none."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.deployers : can(regex("^(serviceAccount|group|user|principal|principalSet):", p))])
    error_message = "deployers lists named principals (serviceAccount:, group:, user:, principal:, principalSet:); never allUsers or allAuthenticatedUsers."
  }
}

variable "labels" {
  description = "Labels for the Cloud Run resource."
  type        = map(string)
  default     = {}
}

variable "deletion_protection" {
  description = "Refuse to destroy the worker pool or service from Terraform."
  type        = bool
  default     = true
}
