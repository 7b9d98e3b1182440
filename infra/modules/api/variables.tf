variable "project_id" {
  description = "Google Cloud project ID."
  type        = string
}

variable "region" {
  description = "Cloud Run region."
  type        = string
}

variable "name" {
  description = "Name of the API service; see the naming module."
  type        = string
}

variable "service_account_id" {
  description = "account_id of the API's own service account (created here)."
  type        = string
}

variable "image" {
  description = "Container image of the front-door API (cloudrun/api)."
  type        = string
}

variable "command" {
  description = "Entrypoint override; null keeps the image's."
  type        = list(string)
  default     = null
}

variable "args" {
  description = "Arguments override; null keeps the image's."
  type        = list(string)
  default     = null
}

variable "env" {
  description = "Plain environment variables (name => value). Secrets never go here: use secret_env."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for name in keys(var.env) : !can(regex("(KEY|SECRET|TOKEN|PASSWORD)", upper(name)))])
    error_message = "env holds plain values only; a variable named like a key, secret, token or password must come from secret_env (Secret Manager)."
  }
}

variable "secret_env" {
  description = "Environment variables read from Secret Manager (name => { secret = secret ID, version }). The API's service account gets secretAccessor on exactly these secrets."
  type = map(object({
    secret  = string
    version = optional(string, "latest")
  }))
  default = {}
}

variable "limits" {
  description = "resources.limits of the container."
  type        = map(string)
  default     = { cpu = "1", memory = "512Mi" }
}

variable "access" {
  description = "Who may call the API: \"public\" (allUsers; the API authenticates requests itself, see API_AUTH), \"invoker\" (only the principals in invokers, with Google-signed ID tokens) or \"iap\" (Identity-Aware Proxy in front of the service)."
  type        = string
  default     = "public"

  validation {
    condition     = contains(["public", "invoker", "iap"], var.access)
    error_message = "access must be \"public\", \"invoker\" or \"iap\"."
  }
}

variable "invokers" {
  description = "Principals granted roles/run.invoker when access = \"invoker\" (for example serviceAccount:ci@PROJECT.iam.gserviceaccount.com)."
  type        = list(string)
  default     = []

  validation {
    condition     = !contains(var.invokers, "allUsers") && !contains(var.invokers, "allAuthenticatedUsers")
    error_message = "use access = \"public\" to open the API; invokers lists named principals only."
  }
}

variable "ingress" {
  description = "INGRESS_TRAFFIC_ALL, INGRESS_TRAFFIC_INTERNAL_ONLY or INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER."
  type        = string
  default     = "INGRESS_TRAFFIC_ALL"

  validation {
    condition     = contains(["INGRESS_TRAFFIC_ALL", "INGRESS_TRAFFIC_INTERNAL_ONLY", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"], var.ingress)
    error_message = "ingress must be INGRESS_TRAFFIC_ALL, INGRESS_TRAFFIC_INTERNAL_ONLY or INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER."
  }
}

variable "min_instances" {
  description = "Minimum instances (0 lets the API scale to zero)."
  type        = number
  default     = 0
}

variable "max_instances" {
  description = "Maximum instances."
  type        = number
  default     = 20
}

variable "concurrency" {
  description = "Requests per instance. Streams are long-lived but cheap (they wait on Temporal)."
  type        = number
  default     = 80
}

variable "request_timeout" {
  description = "Request timeout; bounds how long one stream can stay open (clients re-attach by workflow ID)."
  type        = string
  default     = "3600s"
}

variable "port" {
  description = "Container port."
  type        = number
  default     = 8080
}

variable "labels" {
  description = "Labels for the service."
  type        = map(string)
  default     = {}
}

variable "deletion_protection" {
  description = "Refuse to destroy the service from Terraform."
  type        = bool
  default     = true
}
