#!/bin/sh
# The worker image's start command: node with a heap sized to the container's memory limit.
set -eu
cd "$(dirname "$0")"
# shellcheck disable=SC2046 # the flag is one word, or nothing when the container has no memory limit
exec node $(node dist/heap-flag.js) dist/main.js
