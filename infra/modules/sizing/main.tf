# Instance sizing for the Node containers, derived from the Cloud Run limits so that the numbers never drift
# apart: the V8 heap (--max-old-space-size) from the memory limit, and the worker's activity concurrency from
# CPU and heap. Provider-less on purpose: `terraform test` runs it offline.

locals {
  memory_amount = tonumber(regex("^[0-9]+", var.memory))
  memory_unit   = regex("[A-Za-z]+$", var.memory)
  # Binary units are exact; decimal ones (M, G) are rounded down to whole MiB.
  memory_mib = floor(local.memory_amount * lookup({
    Mi = 1
    Gi = 1024
    M  = 1000000 / 1048576
    G  = 1000000000 / 1048576
  }, local.memory_unit))

  # Cloud Run's memory ceiling per CPU count (docs: configuring/memory-limits).
  max_memory_mib_for_cpu = lookup({ 1 = 4096, 2 = 8192, 4 = 16384, 6 = 24576, 8 = 32768 }, tostring(var.cpu))
  min_memory_mib         = 512

  heap_mib = floor(min(local.memory_mib * var.heap_fraction, local.memory_mib - var.reserved_mib))

  derived_concurrency = max(1, min(var.cpu * var.activities_per_cpu, floor(local.heap_mib / var.heap_per_activity_mib)))
  concurrency         = var.max_concurrent_activities == null ? local.derived_concurrency : var.max_concurrent_activities
}
