output "memory_mib" {
  description = "The memory limit in MiB."
  value       = local.memory_mib

  precondition {
    condition     = local.memory_mib >= local.min_memory_mib
    error_message = "memory must be at least 512Mi for a whole-CPU instance."
  }

  precondition {
    condition     = local.memory_mib <= local.max_memory_mib_for_cpu
    error_message = "memory ${var.memory} is more than Cloud Run allows for ${var.cpu} vCPU (${local.max_memory_mib_for_cpu}Mi)."
  }
}

output "heap_mib" {
  description = "V8 old-space size in MiB."
  value       = local.heap_mib
}

output "node_options" {
  description = "Value for NODE_OPTIONS: the heap cap that keeps V8 below the container's memory limit."
  value       = "--max-old-space-size=${local.heap_mib}"
}

output "limits" {
  description = "The Cloud Run `resources.limits` map."
  value = {
    cpu    = tostring(var.cpu)
    memory = var.memory
  }
}

output "max_concurrent_activities" {
  description = "Value for WORKER_MAX_CONCURRENT_ACTIVITIES."
  value       = local.concurrency

  precondition {
    condition     = local.concurrency <= local.heap_mib
    error_message = "max_concurrent_activities (${local.concurrency}) leaves less than 1 MiB of heap per activity (${local.heap_mib} MiB heap)."
  }
}
