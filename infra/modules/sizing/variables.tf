variable "cpu" {
  description = "vCPUs per instance. Cloud Run worker pools and always-on services take whole CPUs: 1, 2, 4, 6 or 8."
  type        = number
  default     = 1

  validation {
    condition     = contains([1, 2, 4, 6, 8], var.cpu)
    error_message = "cpu must be one of 1, 2, 4, 6, 8."
  }
}

variable "memory" {
  description = "Memory limit per instance in Kubernetes quantity form: 512Mi, 2Gi, 1G, 768M."
  type        = string
  default     = "1Gi"

  validation {
    condition     = can(regex("^[1-9][0-9]*(Mi|Gi|M|G)$", var.memory))
    error_message = "memory must be a whole number followed by Mi, Gi, M or G (for example 512Mi or 2Gi)."
  }
}

variable "heap_fraction" {
  description = "Share of the memory limit given to V8's old space (--max-old-space-size); the rest is for native memory, buffers and the gRPC core."
  type        = number
  default     = 0.75

  validation {
    condition     = var.heap_fraction >= 0.25 && var.heap_fraction <= 0.9
    error_message = "heap_fraction must be between 0.25 and 0.9."
  }
}

variable "reserved_mib" {
  description = "Memory always left outside the V8 heap, in MiB (Node's native memory, the Temporal core SDK)."
  type        = number
  default     = 128

  validation {
    condition     = var.reserved_mib >= 64
    error_message = "reserved_mib must be at least 64."
  }
}

variable "activities_per_cpu" {
  description = "Concurrent flow activities per vCPU. Flows mostly wait on model calls, so this is well above 1."
  type        = number
  default     = 20

  validation {
    condition     = var.activities_per_cpu >= 1 && floor(var.activities_per_cpu) == var.activities_per_cpu
    error_message = "activities_per_cpu must be a whole number >= 1."
  }
}

variable "heap_per_activity_mib" {
  description = "Heap an in-flight flow activity may need, in MiB; caps concurrency on small instances."
  type        = number
  default     = 16

  validation {
    condition     = var.heap_per_activity_mib >= 1
    error_message = "heap_per_activity_mib must be at least 1."
  }
}

variable "max_concurrent_activities" {
  description = "Explicit concurrency for WORKER_MAX_CONCURRENT_ACTIVITIES; null derives it from cpu and heap."
  type        = number
  default     = null

  validation {
    condition     = var.max_concurrent_activities == null || try(var.max_concurrent_activities >= 1 && floor(var.max_concurrent_activities) == var.max_concurrent_activities, false)
    error_message = "max_concurrent_activities must be a whole number >= 1, or null."
  }
}
