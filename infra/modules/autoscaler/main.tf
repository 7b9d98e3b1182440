# The backlog autoscaler as a Cloud Run job that Cloud Scheduler runs every minute. Two identities:
# - the job's own service account, which may update exactly one worker pool (or service) and read the
#   Temporal API key;
# - the scheduler's service account, which may only run this one job.
# Neither the job nor anything else here has a public invoker.

# The container's type, defaults and environment rules (run-container, provider-less), shared by every workload.
module "container" {
  source    = "../run-container"
  container = var.container
}

module "identity" {
  source       = "../run-identity"
  project_id   = var.project_id
  account_id   = var.service_account_id
  display_name = "genkitx-temporal autoscaler (${var.target_name})"
  secrets      = module.container.secrets
}

# This module created the account and its secret bindings itself before run-identity existed; these keep them.
moved {
  from = google_service_account.autoscaler
  to   = module.identity.google_service_account.this
}

moved {
  from = google_secret_manager_secret_iam_member.secret_access
  to   = module.identity.google_secret_manager_secret_iam_member.secret_access
}

# Reads no secrets: its only grant is run.invoker on the job, below.
module "scheduler_identity" {
  source       = "../run-identity"
  project_id   = var.project_id
  account_id   = var.scheduler_service_account_id
  display_name = "genkitx-temporal autoscaler schedule (${var.job_name})"
}

moved {
  from = google_service_account.scheduler
  to   = module.scheduler_identity.google_service_account.this
}

# roles/run.developer on the one scaled resource, not on the project: get and update it, nothing else.
resource "google_cloud_run_v2_worker_pool_iam_member" "scale_target" {
  count = var.target_kind == "worker_pool" ? 1 : 0

  project  = var.project_id
  location = var.region
  name     = var.target_name
  role     = "roles/run.developer"
  member   = module.identity.member
}

resource "google_cloud_run_v2_service_iam_member" "scale_target" {
  count = var.target_kind == "service" ? 1 : 0

  project  = var.project_id
  location = var.region
  name     = var.target_name
  role     = "roles/run.developer"
  member   = module.identity.member
}

# Cloud Run checks actAs on the runtime identity of a resource on every update, scaling included.
resource "google_service_account_iam_member" "act_as_worker" {
  service_account_id = var.worker_service_account_name
  role               = "roles/iam.serviceAccountUser"
  member             = module.identity.member
}

resource "google_cloud_run_v2_job" "autoscaler" {
  project             = var.project_id
  location            = var.region
  name                = var.job_name
  labels              = var.labels
  deletion_protection = var.deletion_protection

  template {
    task_count  = 1
    parallelism = 1

    template {
      service_account = module.identity.email
      timeout         = var.task_timeout
      # The next tick is the retry; a retried run could overlap it.
      max_retries = 0

      containers {
        name    = "autoscaler"
        image   = module.container.spec.image
        command = module.container.spec.command
        args    = module.container.spec.args

        resources {
          limits = module.container.spec.limits
        }

        dynamic "env" {
          for_each = module.container.spec.env
          content {
            name  = env.key
            value = env.value
          }
        }

        dynamic "env" {
          for_each = module.container.spec.secret_env
          content {
            name = env.key
            value_source {
              secret_key_ref {
                secret  = env.value.secret
                version = env.value.version
              }
            }
          }
        }
      }
    }
  }

  depends_on = [
    module.identity,
    google_cloud_run_v2_worker_pool_iam_member.scale_target,
    google_cloud_run_v2_service_iam_member.scale_target,
    google_service_account_iam_member.act_as_worker,
  ]
}

# The scheduler may run this job and nothing else.
resource "google_cloud_run_v2_job_iam_member" "scheduler_runs_job" {
  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_job.autoscaler.name
  role     = "roles/run.invoker"
  member   = module.scheduler_identity.member
}

resource "google_cloud_scheduler_job" "tick" {
  project          = var.project_id
  region           = var.region
  name             = var.scheduler_job_name
  description      = "Runs the genkitx-temporal autoscaler for ${var.target_name}."
  schedule         = var.schedule
  time_zone        = var.time_zone
  paused           = var.paused
  attempt_deadline = "30s"

  # A missed tick is not retried: the next one comes within a minute with fresher numbers.
  retry_config {
    retry_count = 0
  }

  http_target {
    http_method = "POST"
    uri         = "https://run.googleapis.com/v2/projects/${var.project_id}/locations/${var.region}/jobs/${google_cloud_run_v2_job.autoscaler.name}:run"

    oauth_token {
      service_account_email = module.scheduler_identity.email
      scope                 = "https://www.googleapis.com/auth/cloud-platform"
    }
  }

  depends_on = [google_cloud_run_v2_job_iam_member.scheduler_runs_job]
}
