variable "project_id" {
  description = "Google Cloud project ID."
  type        = string
}

variable "account_id" {
  description = "account_id of the service account (created here); see the naming module."
  type        = string
}

variable "display_name" {
  description = "Display name of the service account."
  type        = string
}

variable "secrets" {
  description = "The secrets the workload maps into its environment, keyed by the environment variable (name => secret ID). The account gets secretAccessor on exactly these, one binding per name."
  type        = map(string)
  default     = {}
}
