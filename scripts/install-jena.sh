#!/usr/bin/env bash
# Install Debian's Apache Jena (libapache-jena-java): the tests use its `rsparql` and `riot` as
# independent clients of the live server (tests/test_clients.py), and benchmarks/bench_shacl.py its
# SHACL validator. Does nothing when the jars are already there. Needs apt (root or sudo).
set -euo pipefail
if ls /usr/share/java/jena-shacl*.jar >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
echo "installing libapache-jena-java (Debian) for the client tests and the SHACL benchmark ..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libapache-jena-java default-jre-headless >/dev/null
ls /usr/share/java/jena-shacl*.jar >/dev/null
