# The container of one Cloud Run workload (the worker, the API, the autoscaler job), defined and checked in one place:
# its type with the defaults, and the rules every workload's environment follows (plain values apart from secrets).
# The workload modules take it as `container` and render what `spec` and `secrets` give back. Provider-less on
# purpose: `terraform test` checks the rules offline.

variable "container" {
  description = "One container: image; command and args (null keeps the image's); env, plain values by name (secrets never go here); secret_env, variables read from Secret Manager (name => { secret = secret ID, version }); resources.limits."
  type = object({
    image   = string
    command = optional(list(string))
    args    = optional(list(string))
    env     = optional(map(string), {})
    secret_env = optional(map(object({
      secret  = string
      version = optional(string, "latest")
    })), {})
    limits = optional(map(string), { cpu = "1", memory = "512Mi" })
  })

  validation {
    condition     = length(trimspace(var.container.image)) > 0
    error_message = "container.image must name an image, for example europe-west1-docker.pkg.dev/PROJECT/REPO/worker:TAG."
  }

  validation {
    condition     = alltrue([for name in concat(keys(var.container.env), keys(var.container.secret_env)) : can(regex("^[A-Za-z_][A-Za-z0-9_]*$", name))])
    error_message = "environment variable names are letters, digits and '_', not starting with a digit."
  }

  validation {
    condition     = alltrue([for name in keys(var.container.env) : !can(regex("(KEY|SECRET|TOKEN|PASSWORD)", upper(name)))])
    error_message = "env holds plain values only; a variable named like a key, secret, token or password must come from secret_env (Secret Manager)."
  }

  validation {
    condition     = length(setintersection(keys(var.container.env), keys(var.container.secret_env))) == 0
    error_message = "a variable is either plain (env) or a secret (secret_env), never both."
  }

  validation {
    condition     = alltrue([for ref in values(var.container.secret_env) : can(regex("^(latest|[1-9][0-9]*)$", ref.version))])
    error_message = "a secret_env version is \"latest\" or a version number."
  }
}
