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

variable "secret_env" {
  description = "The workload's environment variables read from Secret Manager (name => { secret = secret ID, version }), as its Cloud Run resource maps them. The account gets secretAccessor on exactly these secrets, one binding per name."
  type = map(object({
    secret  = string
    version = optional(string, "latest")
  }))
  default = {}
}
