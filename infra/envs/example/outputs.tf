output "image_base" {
  description = "Push images here: docker push IMAGE_BASE/worker:TAG (docs/deploy.md)."
  value       = module.registry.image_base
}

output "api_url" {
  description = "URL of the front-door API."
  value       = module.api.uri
}

output "worker" {
  description = "The worker: kind, name, the Admin API name the autoscaler scales, and its Worker Deployment (null when unversioned; the rollout's _WORKER_POOL and --deployment)."
  value = {
    kind          = module.worker.kind
    name          = module.worker.name
    resource_name = module.worker.resource_name
    deployment    = local.worker_versioning ? module.worker.name : null
  }

  precondition {
    condition     = var.worker_max_instances >= var.worker_min_instances
    error_message = "worker_max_instances must be >= worker_min_instances."
  }
}

output "secret_ids" {
  description = "Secret Manager secrets to fill with `gcloud secrets versions add` before the first full apply."
  value       = module.secrets.secret_ids
}

output "service_accounts" {
  description = "Service account of each component."
  value = {
    worker     = module.worker.service_account_email
    api        = module.api.service_account_email
    autoscaler = one(module.autoscaler[*].service_account_email)
    scheduler  = one(module.autoscaler[*].scheduler_service_account_email)
  }
}

output "autoscaler_job" {
  description = "The autoscaler's Cloud Run job (null when disabled)."
  value       = one(module.autoscaler[*].job_name)
}
