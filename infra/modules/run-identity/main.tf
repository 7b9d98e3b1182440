# The runtime identity of one Cloud Run workload (the API, the worker, the autoscaler job, the scheduler that runs
# it): its own service account, and secretAccessor on exactly the secrets it maps into its environment, one binding
# per secret, nothing project-wide. Other grants stay with the module that knows their target.

resource "google_service_account" "this" {
  project      = var.project_id
  account_id   = var.account_id
  display_name = var.display_name
}

resource "google_secret_manager_secret_iam_member" "secret_access" {
  for_each = var.secrets

  project   = var.project_id
  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.this.member
}
