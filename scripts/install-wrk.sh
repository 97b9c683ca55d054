#!/usr/bin/env bash
# Install Debian's wrk, the HTTP load generator benchmarks/bench_load.py drives (closed loop,
# keep-alive, in a process of its own). Only the benchmark needs it; the tests do not.
# Does nothing when wrk is already there. Needs apt (root or sudo).
set -euo pipefail
if command -v wrk >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
echo "installing wrk (Debian) for the load benchmark ..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
command -v wrk >/dev/null
