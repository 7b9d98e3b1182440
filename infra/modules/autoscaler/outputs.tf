output "job_name" {
  description = "Name of the autoscaler's Cloud Run job (run it by hand with `gcloud run jobs execute`)."
  value       = google_cloud_run_v2_job.autoscaler.name
}

output "scheduler_job_name" {
  description = "Name of the Cloud Scheduler job."
  value       = google_cloud_scheduler_job.tick.name
}

output "service_account_email" {
  description = "Email of the autoscaler's runtime service account."
  value       = module.identity.email
}

output "scheduler_service_account_email" {
  description = "Email of the scheduler's service account."
  value       = module.scheduler_identity.email
}
