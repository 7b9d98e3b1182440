output "name" {
  description = "Name of the API service."
  value       = google_cloud_run_v2_service.api.name
}

output "uri" {
  description = "URL of the API service."
  value       = google_cloud_run_v2_service.api.uri
}

output "service_account_email" {
  description = "Email of the API's service account."
  value       = module.identity.email
}
