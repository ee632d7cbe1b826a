#!/usr/bin/env bash
# Speed of the planning studio (issues 5 and 12), measured, never asserted in tests:
#  1. server-side validation of one edit: criterion bench of the audit `POST /api/audit` runs
#     (live validation without merger options, with one district's, and the full audit);
#  2. 200 concurrent audit requests against a loopback server (bounded: 120 s per burst): the
#     the load test (2017 ambiti, live validation) and the bursts of benches/concurrent_audits.rs;
#  3. first paint of the Lombardy map in headless Chromium (page start -> 1,506 polygons drawn
#     and the first validation shown) and the validation round trip the page shows, printed by
#     the browser test.
#  5. France: first paint of 34,970 communes on a canvas, panning, a click and a brush stroke
#     validated live by a delta (browser test france_national_map_click_and_live_validation);
#  6. the incremental audit of one France edit (criterion, ambit-rules bench france).
# Loopback only. Needs Debian's chromium + chromium-driver for 3 (.ci/install-browser.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "== 1. validating one edit (server side)"
cargo bench -p ambit-server --bench validate -- --noplot
echo "== 2. 200 concurrent audits over loopback"
cargo test -p ambit-server --release --test load -- --nocapture 2>&1 | grep -E "concurrent audits|test result"
cargo test -p ambit-server --release --bench concurrent_audits -- --ignored --nocapture 2>&1 | grep -E "concurrent audits|test result"
echo "== 3. first paint and validation round trip in headless chromium"
for i in 1 2 3; do
  cargo test -p ambit-server --release --test e2e_browser map_merge -- --nocapture 2>&1 | grep -E "first paint|round trip|SKIPPED" || true
done
echo "== 4. drawing (issue 12): borders and labels, a 20-comune brush stroke, panning at 1,506 and 35,000 polygons"
cargo test -p ambit-server --release --test e2e_browser bench_studio_drawing -- --ignored --nocapture 2>&1 \
  | grep -E "first paint|redraw|brush stroke|panning|35,000|SKIPPED|test result" || true
echo "== 5. France (issue 16): the national map on a canvas, the 1,259 EPCI opened, a commune clicked and painted, validated live by a delta"
cargo test -p ambit-server --release --test e2e_browser france_national -- --ignored --nocapture 2>&1 \
  | grep -E "france:|SKIPPED|test result" || true
echo "== 6. one France edit through the incremental audit (library part of POST /api/audit/live)"
cargo bench -p ambit-rules --bench france -- live_ --noplot
