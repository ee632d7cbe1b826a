#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium and its WebDriver for the studio's browser tests
# (crates/server/tests/e2e_browser.rs). Idempotent; skips the install when both are present.
# Called from .ci/run before the tests; needs root (CI runs as root).
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    echo "install-browser: chromium and chromedriver already present"
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null
chromium --version || true
chromedriver --version || true
