#!/usr/bin/env bash
# Installs the system packages the tests need, idempotently: Debian's Chromium (headless browser tests and
# `dropgrad figure`). Safe to run repeatedly; does nothing when everything is present.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq
  apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${need[@]}"
fi
echo "system packages ready: $(chromium --version 2>/dev/null || echo 'chromium missing')"
