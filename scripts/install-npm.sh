#!/usr/bin/env bash
# Install Debian's npm (with nodejs) when npm is not on PATH: `make install` runs `npm ci` to fetch
# the pages' browser assets (package.json) from the npm registry. Needs apt (root or sudo).
set -euo pipefail
if command -v npm >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
echo "installing npm (Debian) for the web pages' assets ..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
command -v npm >/dev/null
