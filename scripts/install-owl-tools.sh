#!/usr/bin/env bash
# Install what `asmk-graph check-owl` runs on (Debian packages): a Java runtime for the reasoners that
# owlready2 bundles (HermiT, Pellet) and the OWL API (libowlapi-java), whose OWL 2 DL profile checker
# the check uses. Does nothing when both are present. Needs apt (root or sudo).
set -euo pipefail
if command -v java >/dev/null 2>&1 && [ -f /usr/share/java/owlapi-distribution.jar ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
echo "installing default-jre-headless and libowlapi-java (Debian) for the OWL 2 DL check ..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  default-jre-headless libowlapi-java >/dev/null
command -v java >/dev/null
test -f /usr/share/java/owlapi-distribution.jar
