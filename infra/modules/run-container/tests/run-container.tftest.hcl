# The container rules, applied offline (the module has no provider): defaults, and each kind of environment mistake
# refused before any Cloud Run resource sees it.

variables {
  container = {
    image = "europe-west1-docker.pkg.dev/p/r/worker:abc"
  }
}

run "an_image_alone_gets_the_defaults" {
  command = plan

  assert {
    condition     = output.spec.command == null && output.spec.args == null
    error_message = "command and args must stay null (the image's own)"
  }

  assert {
    condition     = length(output.spec.env) == 0 && length(output.spec.secret_env) == 0 && length(output.secrets) == 0
    error_message = "env and secret_env must default to empty maps"
  }

  assert {
    condition     = output.spec.limits == tomap({ cpu = "1", memory = "512Mi" })
    error_message = "limits must default to 1 CPU and 512Mi"
  }
}

run "secrets_default_to_latest_and_name_what_the_identity_may_read" {
  command = plan

  variables {
    container = {
      image = "img"
      env   = { TEMPORAL_ADDRESS = "temporal:7233" }
      secret_env = {
        TEMPORAL_API_KEY        = { secret = "genkit-temporal-api-key" }
        GENKITX_ENCRYPTION_KEYS = { secret = "genkit-encryption-keys", version = "3" }
      }
    }
  }

  assert {
    condition     = output.spec.secret_env["TEMPORAL_API_KEY"].version == "latest"
    error_message = "a secret without a version must read the latest"
  }

  assert {
    condition     = output.spec.secret_env["GENKITX_ENCRYPTION_KEYS"].version == "3"
    error_message = "an explicit version must be kept"
  }

  assert {
    condition     = output.secrets == tomap({ TEMPORAL_API_KEY = "genkit-temporal-api-key", GENKITX_ENCRYPTION_KEYS = "genkit-encryption-keys" })
    error_message = "secrets must map each secret variable to its secret ID, and nothing else"
  }
}

run "a_secret_looking_plain_value_is_refused" {
  command = plan

  variables {
    container = {
      image = "img"
      env   = { API_BEARER_TOKEN = "literal" }
    }
  }

  expect_failures = [var.container]
}

run "a_name_both_plain_and_secret_is_refused" {
  command = plan

  variables {
    container = {
      image      = "img"
      env        = { WEBHOOK_URL = "https://example.com" }
      secret_env = { WEBHOOK_URL = { secret = "s" } }
    }
  }

  expect_failures = [var.container]
}

run "an_invalid_variable_name_is_refused" {
  command = plan

  variables {
    container = {
      image = "img"
      env   = { "1ST-FLOW" = "x" }
    }
  }

  expect_failures = [var.container]
}

run "a_secret_version_that_is_not_a_version_is_refused" {
  command = plan

  variables {
    container = {
      image      = "img"
      secret_env = { TEMPORAL_API_KEY = { secret = "s", version = "newest" } }
    }
  }

  expect_failures = [var.container]
}

run "an_empty_image_is_refused" {
  command = plan

  variables {
    container = {
      image = " "
    }
  }

  expect_failures = [var.container]
}
