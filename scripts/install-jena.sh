#!/usr/bin/env bash
# Install Debian's Apache Jena (libapache-jena-java), whose SHACL validator benchmarks/bench_shacl.py
# runs beside pySHACL and the project's engine. Only the benchmark needs it; the tests do not.
# Does nothing when the jar is already there. Needs apt (root or sudo).
set -euo pipefail
if ls /usr/share/java/jena-shacl*.jar >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
echo "installing libapache-jena-java (Debian) for the SHACL benchmark ..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libapache-jena-java default-jre-headless >/dev/null
ls /usr/share/java/jena-shacl*.jar >/dev/null
