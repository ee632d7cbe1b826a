#!/usr/bin/env bash
# Speed of the planning studio (issue 5), measured, never asserted in tests:
#  1. server-side validation of one edit: criterion bench of the audit `POST /api/audit` runs;
#  2. 200 concurrent audit requests against a loopback server (bounded: 120 s);
#  3. first paint of the Lombardy map in headless Chromium (page start -> 1,506 polygons drawn
#     and the first validation shown), printed by the browser test.
# Loopback only. Needs Debian's chromium + chromium-driver for 3 (.ci/install-browser.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "== 1. validating one edit (server side)"
cargo bench -p ambit-server --bench validate -- --noplot
echo "== 2. 200 concurrent audits over loopback"
cargo test -p ambit-server --release --test load -- --ignored --nocapture 2>&1 | grep -E "concurrent audits|test result"
echo "== 3. first paint in headless chromium"
for i in 1 2 3; do
  cargo test -p ambit-server --release --test e2e_browser -- --nocapture 2>&1 | grep -E "first paint|SKIPPED" || true
done
