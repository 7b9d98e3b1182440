output "name" {
  description = "Name of the worker pool or service."
  value       = var.name
}

output "kind" {
  description = "\"worker_pool\" or \"service\"."
  value       = var.kind
}

output "resource_name" {
  description = "Full Admin API name of the scaled resource (the autoscaler's AUTOSCALER_TARGET)."
  value       = "projects/${var.project_id}/locations/${var.region}/${var.kind == "worker_pool" ? "workerPools" : "services"}/${var.name}"
}

output "service_account_email" {
  description = "Email of the worker's service account."
  value       = google_service_account.worker.email
}

output "service_account_name" {
  description = "Resource name of the worker's service account (for service-account IAM bindings)."
  value       = google_service_account.worker.name
}
