# Offline tests of the naming rules: `terraform test` in this folder (no provider needed).

run "short_names_are_prefix_dash_component" {
  command = plan

  variables {
    prefix      = "genkit"
    environment = "prod"
  }

  assert {
    condition     = output.worker == "genkit-prod-worker" && output.api == "genkit-prod-api"
    error_message = "short names must be <prefix>-<environment>-<component>, got ${output.worker} / ${output.api}"
  }

  assert {
    condition     = output.service_account_ids.autoscaler == "genkit-prod-autoscaler"
    error_message = "service account IDs that fit must not be shortened"
  }

  assert {
    condition     = output.secret_ids.temporal_api_key == "genkit-prod-temporal-api-key"
    error_message = "secret IDs are <base>-<secret>"
  }

  assert {
    condition     = output.secret_ids.context_keys == "genkit-prod-context-keys"
    error_message = "the context signing keys have their own secret, apart from the encryption keys"
  }
}

run "mixed_case_and_underscores_are_sanitised" {
  command = plan

  variables {
    prefix      = "My__Genkit_App"
    environment = "Staging"
  }

  assert {
    condition     = output.base == "my-genkit-app-staging"
    error_message = "expected lower case with single hyphens, got ${output.base}"
  }
}

run "long_names_fit_every_limit_and_stay_distinct" {
  command = plan

  variables {
    prefix      = "a-very-long-deployment-prefix-for-a-team-with-many-words"
    environment = "production-europe-west"
  }

  assert {
    condition = alltrue([
      for name in [output.worker, output.api, output.autoscaler_job] :
      length(name) <= 49 && can(regex("^[a-z]([-a-z0-9]*[a-z0-9])?$", name))
    ])
    error_message = "Cloud Run names must be <= 49 characters of [a-z0-9-], start with a letter and not end with '-'"
  }

  assert {
    condition = alltrue([
      for id in values(output.service_account_ids) :
      length(id) >= 6 && length(id) <= 30 && can(regex("^[a-z]([-a-z0-9]*[a-z0-9])$", id))
    ])
    error_message = "service account IDs must be 6-30 characters of [a-z0-9-]: ${jsonencode(output.service_account_ids)}"
  }

  assert {
    condition     = length(distinct(values(output.service_account_ids))) == 4
    error_message = "shortened service account IDs must stay distinct"
  }

  assert {
    condition     = endswith(output.service_account_ids.scheduler, "-scheduler") && endswith(output.worker, "-worker")
    error_message = "shortened names keep their component suffix"
  }

  assert {
    condition     = length(output.registry) <= 63 && can(regex("^[a-z]([-a-z0-9]*[a-z0-9])?$", output.registry))
    error_message = "the Artifact Registry ID must be <= 63 characters of [a-z0-9-]"
  }

  assert {
    condition     = alltrue([for id in values(output.secret_ids) : length(id) <= 255 && can(regex("^[A-Za-z0-9_-]+$", id))])
    error_message = "secret IDs must be <= 255 characters of [A-Za-z0-9_-]"
  }
}

run "long_prefix_one" {
  command = plan

  variables {
    prefix = "shared-start-of-a-long-prefix-that-gets-truncated-one"
  }

  assert {
    condition     = output.service_account_ids.worker == "shared-start-of-a-${substr(md5(output.base), 0, 4)}-worker"
    error_message = "a shortened ID is <truncated base>-<hash of the full base>-<component>, got ${output.service_account_ids.worker}"
  }
}

run "long_prefix_two_differs_only_after_the_cut" {
  command = plan

  variables {
    prefix = "shared-start-of-a-long-prefix-that-gets-truncated-two"
  }

  # The first run's ID, spelled out (run.<name> references are not portable to OpenTofu's test runner).
  assert {
    condition     = output.service_account_ids.worker != "shared-start-of-a-${substr(md5("shared-start-of-a-long-prefix-that-gets-truncated-one"), 0, 4)}-worker"
    error_message = "two prefixes that differ only after the cut must still get different service account IDs"
  }

  assert {
    condition     = startswith(output.service_account_ids.worker, "shared-start-of-a-")
    error_message = "both prefixes share the truncated part; only the hash may tell them apart"
  }
}

run "prefix_must_start_with_a_letter" {
  command = plan

  variables {
    prefix = "1genkit"
  }

  expect_failures = [var.prefix]
}

run "prefix_rejects_other_characters" {
  command = plan

  variables {
    prefix = "gen kit"
  }

  expect_failures = [var.prefix]
}

run "one_letter_prefix_is_too_short_for_service_account_ids" {
  command = plan

  variables {
    prefix = "g"
  }

  expect_failures = [var.prefix]
}
