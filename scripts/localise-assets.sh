#!/usr/bin/env bash
# After `npm ci` (Makefile): point the URLs of other hosts that a vendored browser asset would
# fetch at run time at this host, so that the served files are plain static files. ReDoc's bundle
# shows Redocly's logo from Redocly's CDN in its side menu, with no option to turn it off, and no
# npm package ships that logo: the bundle shows the site's own icon instead.
set -euo pipefail
bundle=node_modules/redoc/bundles/redoc.standalone.js
sed -i 's#https://cdn\.redoc\.ly/redoc/logo-mini\.svg#/static/favicon.svg#g' "$bundle"
if grep -q 'cdn\.redoc\.ly' "$bundle"; then
  echo "error: $bundle still names cdn.redoc.ly: a new ReDoc version fetches something else from it" >&2
  exit 1
fi
