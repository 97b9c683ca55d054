#!/usr/bin/env bash
# Install Debian's apache2-bin (the httpd binary and its modules, no service): the tests run the
# w3id redirect rules (w3id/.htaccess) in a real Apache with mod_rewrite on 127.0.0.1, as w3id.org
# does (tests/test_w3id.py). Does nothing when it is already there. Needs apt (root or sudo).
set -euo pipefail
if [ -x /usr/sbin/apache2 ] && [ -f /usr/lib/apache2/modules/mod_rewrite.so ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
echo "installing apache2-bin (Debian) for the w3id redirect tests ..."
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends apache2-bin >/dev/null
test -x /usr/sbin/apache2
