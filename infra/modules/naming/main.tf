# Names for every resource of the kit, computed once so that they always fit the limits of the APIs that own
# them (Cloud Run: 49 characters; service account IDs: 6-30; Artifact Registry: 63; lower-case letters, digits
# and hyphens, starting with a letter, not ending with a hyphen). A name that would be too long keeps its
# component suffix and gets a short hash of the full base, so truncated names stay distinct and stable.
# Provider-less on purpose: `terraform test` runs it offline.

locals {
  raw_base = var.environment == "" ? var.prefix : "${var.prefix}-${var.environment}"
  # Lower-case, '_' and anything else outside [a-z0-9-] to '-', runs of '-' collapsed, no '-' at either end.
  base = trim(replace(replace(lower(local.raw_base), "/[^a-z0-9-]/", "-"), "/-+/", "-"), "-")
  hash = substr(md5(local.base), 0, 4)

  limits = {
    cloud_run       = 49
    service_account = 30
    registry        = 63
  }

  # Component suffixes: kept whole, so a name always tells what it is.
  cloud_run_suffixes = {
    worker     = "worker"
    api        = "api"
    autoscaler = "autoscaler"
  }
  service_account_suffixes = {
    worker     = "worker"
    api        = "api"
    autoscaler = "autoscaler"
    scheduler  = "scheduler"
  }
  secret_suffixes = {
    temporal_api_key = "temporal-api-key"
    gemini_api_key   = "gemini-api-key"
    encryption_keys  = "encryption-keys"
    context_keys     = "context-keys"
    codec_token      = "codec-server-token"
    webhook_secret   = "webhook-secret"
    api_bearer_token = "api-bearer-token"
    session_keys     = "session-keys"
    approval_keys    = "approval-keys"
  }

  cloud_run = {
    for component, suffix in local.cloud_run_suffixes : component => (
      length(local.base) + 1 + length(suffix) <= local.limits.cloud_run
      ? "${local.base}-${suffix}"
      : "${trim(substr(local.base, 0, local.limits.cloud_run - length(suffix) - 6), "-")}-${local.hash}-${suffix}"
    )
  }
  service_accounts = {
    for component, suffix in local.service_account_suffixes : component => (
      length(local.base) + 1 + length(suffix) <= local.limits.service_account
      ? "${local.base}-${suffix}"
      : "${trim(substr(local.base, 0, local.limits.service_account - length(suffix) - 6), "-")}-${local.hash}-${suffix}"
    )
  }
  secrets  = { for key, suffix in local.secret_suffixes : key => "${local.base}-${suffix}" }
  registry = length(local.base) <= local.limits.registry ? local.base : "${trim(substr(local.base, 0, local.limits.registry - 5), "-")}-${local.hash}"
}
