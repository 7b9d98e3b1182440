variable "project_id" {
  description = "Google Cloud project ID."
  type        = string
}

variable "region" {
  description = "Region of the Cloud Run job and the Cloud Scheduler job."
  type        = string
}

variable "job_name" {
  description = "Name of the autoscaler's Cloud Run job."
  type        = string
}

variable "scheduler_job_name" {
  description = "Name of the Cloud Scheduler job that runs it."
  type        = string
}

variable "service_account_id" {
  description = "account_id of the autoscaler's runtime service account (created here)."
  type        = string
}

variable "scheduler_service_account_id" {
  description = "account_id of the service account Cloud Scheduler uses to run the job (created here)."
  type        = string
}

variable "container" {
  description = "The container: image, and optionally command, args, env (plain values), secret_env (Secret Manager) and limits. Its type, defaults and rules are the run-container module's; the service account gets secretAccessor on exactly the secret_env secrets."
  # Checked and given its defaults by run-container (module.container below), the one definition of that type.
  type = any
}

variable "target_kind" {
  description = "Kind of the scaled worker: \"worker_pool\" or \"service\" (the worker module's kind output)."
  type        = string

  validation {
    condition     = contains(["worker_pool", "service"], var.target_kind)
    error_message = "target_kind must be \"worker_pool\" or \"service\"."
  }
}

variable "target_name" {
  description = "Name of the worker pool or service the autoscaler may update (and nothing else)."
  type        = string
}

variable "worker_service_account_name" {
  description = "Resource name of the worker's service account. Updating a Cloud Run resource requires actAs on the identity it runs as, so the autoscaler gets roles/iam.serviceAccountUser on this one account only."
  type        = string
}

variable "schedule" {
  description = "Cron schedule of the autoscaler (Cloud Scheduler's finest is once a minute)."
  type        = string
  default     = "* * * * *"
}

variable "time_zone" {
  description = "Time zone of the schedule."
  type        = string
  default     = "Etc/UTC"
}

variable "task_timeout" {
  description = "Deadline of one autoscaler run. Below the schedule's period, so that two runs never race on the same worker."
  type        = string
  default     = "50s"

  validation {
    condition     = can(regex("^[0-9]+s$", var.task_timeout)) && try(tonumber(trimsuffix(var.task_timeout, "s")) <= 55, false)
    error_message = "task_timeout must be a number of seconds (for example \"50s\") of at most 55s, under the one-minute schedule."
  }
}

variable "paused" {
  description = "Pause the schedule (the worker keeps its current count)."
  type        = bool
  default     = false
}

variable "labels" {
  description = "Labels for the job."
  type        = map(string)
  default     = {}
}

variable "deletion_protection" {
  description = "Refuse to destroy the job from Terraform."
  type        = bool
  default     = true
}
