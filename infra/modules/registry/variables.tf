variable "project_id" {
  description = "Google Cloud project ID."
  type        = string
}

variable "region" {
  description = "Region of the repository (use the Cloud Run region: pulls stay in-region)."
  type        = string
}

variable "repository_id" {
  description = "Repository ID; see the naming module."
  type        = string
}

variable "keep_recent_versions" {
  description = "Image versions kept by the cleanup policy, newest first (rollbacks need a few)."
  type        = number
  default     = 10

  validation {
    condition     = var.keep_recent_versions >= 1
    error_message = "keep_recent_versions must be at least 1."
  }
}

variable "delete_untagged_after" {
  description = "Age after which untagged images are deleted, in seconds with an 's' suffix."
  type        = string
  default     = "604800s"
}

variable "writers" {
  description = "Principals allowed to push images (for example the CI service account)."
  type        = list(string)
  default     = []
}

variable "labels" {
  description = "Labels for the repository."
  type        = map(string)
  default     = {}
}
