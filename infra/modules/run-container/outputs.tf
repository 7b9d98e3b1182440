output "spec" {
  description = "The container with its defaults filled in: image, command, args, env, secret_env (each with its version), limits."
  value       = var.container
}

output "secrets" {
  description = "The secrets the container maps into its environment (name => secret ID): run-identity's secrets, one secretAccessor binding each."
  value       = tomap({ for name, ref in var.container.secret_env : name => ref.secret })
}
