# Secret Manager secrets for the kit. Only the containers are created here, never the values: a value given
# to Terraform would sit in its state in plain text. Add versions with
# `gcloud secrets versions add ID --data-file=-` (docs/deploy.md), and rotate the same way.
# Who may read which secret is decided by the component modules (secretAccessor per secret they map).

resource "google_secret_manager_secret" "secret" {
  for_each = var.secret_ids

  project   = var.project_id
  secret_id = each.value
  labels    = var.labels

  replication {
    dynamic "auto" {
      for_each = length(var.replica_locations) == 0 ? [1] : []
      content {}
    }

    dynamic "user_managed" {
      for_each = length(var.replica_locations) == 0 ? [] : [1]
      content {
        dynamic "replicas" {
          for_each = var.replica_locations
          content {
            location = replicas.value
          }
        }
      }
    }
  }
}
