variable "project_id" {
  description = "Google Cloud project ID."
  type        = string
}

variable "secret_ids" {
  description = "Secrets to create: key => Secret Manager secret ID (see the naming module's secret_ids)."
  type        = map(string)

  validation {
    condition     = alltrue([for id in values(var.secret_ids) : can(regex("^[A-Za-z0-9_-]{1,255}$", id))])
    error_message = "secret IDs must be 1-255 characters of letters, digits, '-' and '_'."
  }
}

variable "replica_locations" {
  description = "Regions to keep the secrets in (user-managed replication); empty for automatic replication."
  type        = list(string)
  default     = []
}

variable "labels" {
  description = "Labels for the secrets."
  type        = map(string)
  default     = {}
}
