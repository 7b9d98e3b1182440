output "base" {
  description = "The sanitised prefix every name starts with."
  value       = local.base
}

output "worker" {
  description = "Name of the worker pool (or worker service)."
  value       = local.cloud_run.worker
}

output "api" {
  description = "Name of the front-door API service."
  value       = local.cloud_run.api
}

output "autoscaler_job" {
  description = "Name of the autoscaler's Cloud Run job."
  value       = local.cloud_run.autoscaler
}

output "scheduler_job" {
  description = "Name of the Cloud Scheduler job that runs the autoscaler."
  value       = "${local.base}-autoscaler-tick"
}

output "service_account_ids" {
  description = "account_id of the service account of each component (worker, api, autoscaler, scheduler)."
  value       = local.service_accounts
}

output "secret_ids" {
  description = "Secret Manager secret IDs by key (temporal_api_key, gemini_api_key, encryption_keys, context_keys, codec_token, webhook_secret, api_bearer_token, session_keys, approval_keys)."
  value       = local.secrets
}

output "registry" {
  description = "Artifact Registry repository ID."
  value       = local.registry
}
