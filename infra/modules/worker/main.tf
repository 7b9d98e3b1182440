# The Temporal worker that hosts the Genkit flows and the flow activity. By default a Cloud Run worker pool: no
# URL, CPU always on, an instance count set by the autoscaler. The service variant is for regions or
# organisations without worker pools: internal ingress only, CPU always allocated (`cpu_idle = false`, or a
# long-polling worker that receives no requests starves), at least one instance, and no invoker binding at all.

# Least privilege: the worker may read exactly the secrets it maps into its environment.
module "identity" {
  source       = "../run-identity"
  project_id   = var.project_id
  account_id   = var.service_account_id
  display_name = "genkitx-temporal worker (${var.name})"
  secrets      = { for name, ref in var.secret_env : name => ref.secret }
}

# This module created the account and its secret bindings itself before run-identity existed; these keep them.
moved {
  from = google_service_account.worker
  to   = module.identity.google_service_account.this
}

moved {
  from = google_secret_manager_secret_iam_member.secret_access
  to   = module.identity.google_secret_manager_secret_iam_member.secret_access
}

resource "google_cloud_run_v2_worker_pool" "worker" {
  count = var.kind == "worker_pool" ? 1 : 0

  project             = var.project_id
  location            = var.region
  name                = var.name
  labels              = var.labels
  deletion_protection = var.deletion_protection

  scaling {
    scaling_mode          = "MANUAL"
    manual_instance_count = var.instances
  }

  template {
    service_account = module.identity.email
    labels          = var.labels

    containers {
      name    = "worker"
      image   = var.image
      command = var.command
      args    = var.args

      resources {
        limits = var.limits
      }

      dynamic "env" {
        for_each = var.env
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = var.secret_env
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

  lifecycle {
    # The autoscaler sets the count through the Admin API, and keeps its pending scale-down in an annotation
    # (autoscaler.genkitx-temporal.dev/scale-down); with a Worker Deployment it also writes the instance splits
    # (a draining version keeps its revision's workers). An apply must reset none of them.
    ignore_changes = [scaling[0].manual_instance_count, annotations, instance_splits]
  }

  # A revision that starts before its secret bindings exist crash-loops on the missing secret.
  depends_on = [module.identity]
}

resource "google_cloud_run_v2_service" "worker" {
  count = var.kind == "service" ? 1 : 0

  project             = var.project_id
  location            = var.region
  name                = var.name
  labels              = var.labels
  deletion_protection = var.deletion_protection
  # Nothing outside the project's network reaches a worker, and there is no run.invoker binding.
  ingress = "INGRESS_TRAFFIC_INTERNAL_ONLY"

  scaling {
    min_instance_count = max(1, var.instances)
    max_instance_count = var.max_instances
  }

  template {
    service_account = module.identity.email
    labels          = var.labels

    scaling {
      # Revision floor: even if the service-level minimum is lowered, one poller stays up.
      min_instance_count = 1
      max_instance_count = var.max_instances
    }

    containers {
      name    = "worker"
      image   = var.image
      command = var.command
      args    = var.args

      ports {
        container_port = var.port
      }

      resources {
        cpu_idle          = false
        startup_cpu_boost = true
        limits            = var.limits
      }

      # Ready only while polling: a revision whose workers cannot reach Temporal never takes over.
      startup_probe {
        period_seconds    = 5
        failure_threshold = 24
        timeout_seconds   = 3
        http_get {
          path = "/readyz"
          port = var.port
        }
      }

      liveness_probe {
        period_seconds    = 15
        failure_threshold = 3
        timeout_seconds   = 3
        http_get {
          path = "/healthz"
          port = var.port
        }
      }

      dynamic "env" {
        for_each = var.env
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = var.secret_env
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

  lifecycle {
    # The autoscaler sets the service-level minimum and its state annotation; an apply must reset neither.
    ignore_changes = [scaling[0].min_instance_count, annotations]
  }

  depends_on = [module.identity]
}
