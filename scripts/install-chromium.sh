#!/usr/bin/env bash
# Install Debian's chromium, the real browser the page tests (tests/test_browser.py) drive headless
# through Playwright (never `playwright install`: no browser download from outside the package
# registries). Does nothing when /usr/bin/chromium is already there. Needs apt (root or sudo).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
echo "installing chromium (Debian) for the browser tests ..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
test -x /usr/bin/chromium
