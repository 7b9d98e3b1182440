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

variable "container" {
  description = "The container: image, and optionally command, args, env (plain values), secret_env (Secret Manager) and limits. Its type, defaults and rules are the run-container module's; the service account gets secretAccessor on exactly the secret_env secrets."
  # Checked and given its defaults by run-container (module.container below), the one definition of that type.
  type = any
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
