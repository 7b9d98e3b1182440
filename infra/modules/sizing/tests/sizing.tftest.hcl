# Offline tests of the sizing rules: `terraform test` in this folder (no provider needed).

run "defaults_one_cpu_one_gib" {
  command = plan

  assert {
    condition     = output.memory_mib == 1024 && output.heap_mib == 768
    error_message = "1Gi at 0.75 must give a 768 MiB heap, got ${output.heap_mib}"
  }

  assert {
    condition     = output.node_options == "--max-old-space-size=768"
    error_message = "unexpected NODE_OPTIONS ${output.node_options}"
  }

  assert {
    condition     = output.max_concurrent_activities == 20
    error_message = "1 vCPU at 20 per CPU must give 20, got ${output.max_concurrent_activities}"
  }

  assert {
    condition     = output.limits.cpu == "1" && output.limits.memory == "1Gi"
    error_message = "limits must echo the inputs in Cloud Run's string form"
  }
}

run "small_instance_keeps_the_reserved_headroom" {
  command = plan

  variables {
    memory        = "512Mi"
    heap_fraction = 0.9
  }

  assert {
    condition     = output.heap_mib == 384
    error_message = "512Mi must leave 128 MiB outside the heap even at 0.9, got ${output.heap_mib}"
  }
}

run "decimal_units_round_down_to_whole_mib" {
  command = plan

  variables {
    cpu    = 2
    memory = "2G"
  }

  assert {
    condition     = output.memory_mib == 1907
    error_message = "2G is 1907.3 MiB, rounded down; got ${output.memory_mib}"
  }

  assert {
    condition     = output.heap_mib < output.memory_mib
    error_message = "the heap must stay below the limit"
  }
}

run "heap_caps_concurrency_on_a_big_cpu_small_memory_instance" {
  command = plan

  variables {
    cpu    = 8
    memory = "1Gi"
  }

  assert {
    condition     = output.max_concurrent_activities == 48
    error_message = "768 MiB heap at 16 MiB per activity is 48, below 8 x 20; got ${output.max_concurrent_activities}"
  }
}

run "explicit_concurrency_wins" {
  command = plan

  variables {
    max_concurrent_activities = 5
  }

  assert {
    condition     = output.max_concurrent_activities == 5
    error_message = "an explicit value must be used as given"
  }
}

run "memory_above_the_cpu_ceiling_fails" {
  command = plan

  variables {
    cpu    = 1
    memory = "8Gi"
  }

  expect_failures = [output.memory_mib]
}

run "memory_below_512mi_fails" {
  command = plan

  variables {
    memory = "256Mi"
  }

  expect_failures = [output.memory_mib]
}

run "memory_in_bytes_is_rejected" {
  command = plan

  variables {
    memory = "1073741824"
  }

  expect_failures = [var.memory]
}

run "fractional_cpu_is_rejected" {
  command = plan

  variables {
    cpu = 0.5
  }

  expect_failures = [var.cpu]
}

run "zero_concurrency_is_rejected" {
  command = plan

  variables {
    max_concurrent_activities = 0
  }

  expect_failures = [var.max_concurrent_activities]
}
