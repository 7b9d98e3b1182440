# The bindings are part of what the identity is: a Cloud Run resource that depends on this module (not only on the
# email) starts its first revision after it may read its secrets, instead of crash-looping on a missing one.

output "email" {
  description = "Email of the service account (the Cloud Run resource's service_account)."
  value       = google_service_account.this.email
}

output "member" {
  description = "IAM member string of the service account (serviceAccount:EMAIL), for grants on other resources."
  value       = google_service_account.this.member
}

output "name" {
  description = "Resource name of the service account (for IAM bindings on the account itself)."
  value       = google_service_account.this.name
}
