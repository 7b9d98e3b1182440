# The Temporal worker that hosts the Genkit flows and the flow activity. By default a Cloud Run worker pool: no
# URL, CPU always on, an instance count set by the autoscaler. The service variant is for regions or
# organisations without worker pools: internal ingress only, CPU always allocated (`cpu_idle = false`, or a
# long-polling worker that receives no requests starves), at least one instance, and no invoker binding at all.

# The container's type, defaults and environment rules (run-container, provider-less), shared by every workload.
module "container" {
  source    = "../run-container"
  container = var.container
}

# Least privilege: the worker may read exactly the secrets it maps into its environment.
module "identity" {
  source       = "../run-identity"
  project_id   = var.project_id
  account_id   = var.service_account_id
  display_name = "genkitx-temporal worker (${var.name})"
  secrets      = module.container.secrets
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

  lifecycle {
    # Fields other actors own after creation; an apply must reset none of them:
    # - the autoscaler sets the instance count through the Admin API, keeps its pending scale-down in an annotation
    #   (autoscaler.genkitx-temporal.dev/scale-down), and with Worker Versioning writes the instance splits: a new
    #   revision's first instance, the current version's share, and a draining version's revision until its pinned
    #   runs are done. An apply that reset the splits would stop the workers those runs are pinned to.
    # - the rollout (cloudrun/worker/cloudbuild.yaml) deploys each build as a revision named after its tag (the
    #   Build ID its workers register with); the image, the revision name and gcloud's client fields are its. An
    #   apply with an older image_tag would otherwise start an old build as a new version that nobody made current.
    # Terraform keeps the rest of the template (env, secrets, limits), with one limit: a change there re-sends the
    # last rollout's revision name, which Cloud Run refuses (409: a revision name is used once;
    # hashicorp/terraform-provider-google#14569). Not ignoring the name is worse: every plan after a rollout would
    # make a new revision only to clear it. docs/deploy.md says how to change the template then.
    ignore_changes = [
      scaling[0].manual_instance_count,
      annotations,
      instance_splits,
      template[0].revision,
      template[0].containers[0].image,
      client,
      client_version,
    ]
  }

  # A revision that starts before its secret bindings exist crash-loops on the missing secret.
  depends_on = [module.identity]
}

# Whoever runs the rollout (the build's service account) deploys revisions of this worker pool, or splits
# instances by hand without the autoscaler (roles/run.developer on this pool only); Cloud Run checks actAs on the
# worker's identity for every deploy. The autoscaler's grants are in its own module; the same role on the pool
# covers its writes of instance_splits.
resource "google_cloud_run_v2_worker_pool_iam_member" "deployers" {
  for_each = var.kind == "worker_pool" ? toset(var.deployers) : toset([])

  project  = var.project_id
  location = var.region
  name     = google_cloud_run_v2_worker_pool.worker[0].name
  role     = "roles/run.developer"
  member   = each.value
}

resource "google_service_account_iam_member" "deployers_act_as" {
  for_each = var.kind == "worker_pool" ? toset(var.deployers) : toset([])

  service_account_id = module.identity.name
  role               = "roles/iam.serviceAccountUser"
  member             = each.value
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
      image   = module.container.spec.image
      command = module.container.spec.command
      args    = module.container.spec.args

      ports {
        container_port = var.port
      }

      resources {
        cpu_idle          = false
        startup_cpu_boost = true
        limits            = module.container.spec.limits
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

  lifecycle {
    # The autoscaler sets the service-level minimum and its state annotation; an apply must reset neither.
    ignore_changes = [scaling[0].min_instance_count, annotations]
  }

  depends_on = [module.identity]
}
