#!/usr/bin/env bash
# Install Debian's virtuoso-opensource, which the test suite starts on 127.0.0.1 to prove the API
# on a real SPARQL server. Does nothing when virtuoso-t is already on PATH. Needs apt (root or sudo).
set -euo pipefail
if command -v virtuoso-t >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
echo "installing virtuoso-opensource (Debian) for the SPARQL-server tests ..."
$SUDO apt-get update -qq
# the package asks for a DBA password; the tests use their own throwaway database instead
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq virtuoso-opensource >/dev/null
# the Debian service is not used: the tests start their own virtuoso-t in a temporary directory
command -v virtuoso-t >/dev/null
