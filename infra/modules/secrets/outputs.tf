output "secret_ids" {
  description = "key => secret ID, for secret_key_ref and IAM bindings."
  value       = { for key, secret in google_secret_manager_secret.secret : key => secret.secret_id }
}

output "names" {
  description = "key => full resource name (projects/PROJECT/secrets/ID)."
  value       = { for key, secret in google_secret_manager_secret.secret : key => secret.name }
}
