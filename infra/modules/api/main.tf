# The front-door Hono API (cloudrun/api) as a request-driven Cloud Run service: starts flows as workflows,
# streams and re-attaches by workflow ID, and receives signed webhooks. Who may reach it is one variable.

# The container's type, defaults and environment rules (run-container, provider-less), shared by every workload.
module "container" {
  source    = "../run-container"
  container = var.container
}

module "identity" {
  source       = "../run-identity"
  project_id   = var.project_id
  account_id   = var.service_account_id
  display_name = "genkitx-temporal API (${var.name})"
  secrets      = module.container.secrets
}

# This module created the account and its secret bindings itself before run-identity existed; these keep them.
moved {
  from = google_service_account.api
  to   = module.identity.google_service_account.this
}

moved {
  from = google_secret_manager_secret_iam_member.secret_access
  to   = module.identity.google_secret_manager_secret_iam_member.secret_access
}

resource "google_cloud_run_v2_service" "api" {
  project             = var.project_id
  location            = var.region
  name                = var.name
  labels              = var.labels
  deletion_protection = var.deletion_protection
  ingress             = var.ingress
  # IAP on Cloud Run is configured on the service itself and is a beta feature of the Admin API.
  iap_enabled  = var.access == "iap"
  launch_stage = var.access == "iap" ? "BETA" : null

  template {
    service_account                  = module.identity.email
    labels                           = var.labels
    timeout                          = var.request_timeout
    max_instance_request_concurrency = var.concurrency

    scaling {
      min_instance_count = var.min_instances
      max_instance_count = var.max_instances
    }

    containers {
      name    = "api"
      image   = module.container.spec.image
      command = module.container.spec.command
      args    = module.container.spec.args

      ports {
        container_port = var.port
      }

      resources {
        cpu_idle          = true
        startup_cpu_boost = true
        limits            = module.container.spec.limits
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

  depends_on = [module.identity]
}

# access = "public": anyone may send requests; the API authenticates them itself (API_AUTH).
resource "google_cloud_run_v2_service_iam_member" "public" {
  count = var.access == "public" ? 1 : 0

  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_service.api.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# access = "invoker": only these principals, with Google-signed ID tokens.
resource "google_cloud_run_v2_service_iam_member" "invokers" {
  for_each = var.access == "invoker" ? toset(var.invokers) : toset([])

  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_service.api.name
  role     = "roles/run.invoker"
  member   = each.value
}

# access = "iap": IAP's service agent invokes the service; users are granted access in IAP itself.
data "google_project" "this" {
  count      = var.access == "iap" ? 1 : 0
  project_id = var.project_id
}

resource "google_cloud_run_v2_service_iam_member" "iap_agent" {
  count = var.access == "iap" ? 1 : 0

  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_service.api.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:service-${data.google_project.this[0].number}@gcp-sa-iap.iam.gserviceaccount.com"
}
