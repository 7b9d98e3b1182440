# Read from the resource, not from var.name: whatever uses these (the autoscaler's IAM binding on the worker pool,
# its AUTOSCALER_TARGET) then waits until the worker pool or service exists.
locals {
  # Exactly one of the two exists (count 1 and 0, by kind).
  created_name = one(concat(google_cloud_run_v2_worker_pool.worker[*].name, google_cloud_run_v2_service.worker[*].name))
}

output "name" {
  description = "Name of the worker pool or service."
  value       = local.created_name
}

output "kind" {
  description = "\"worker_pool\" or \"service\"."
  value       = var.kind
}

output "resource_name" {
  description = "Full Admin API name of the scaled resource (the autoscaler's AUTOSCALER_TARGET)."
  value       = "projects/${var.project_id}/locations/${var.region}/${var.kind == "worker_pool" ? "workerPools" : "services"}/${local.created_name}"
}

output "service_account_email" {
  description = "Email of the worker's service account."
  value       = module.identity.email
}

output "service_account_name" {
  description = "Resource name of the worker's service account (for service-account IAM bindings)."
  value       = module.identity.name
}
