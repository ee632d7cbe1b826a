#!/usr/bin/env bash
# bench/france: the national map at scale (issue 16). Release build; results in RESULTS.md.
#   1. `ambit audit` of the 1,259 EPCI of 2019 (end to end: load 34,970 communes, the adjacency
#      and the policy, audit with closing mergers, write JSON);
#   2. the studio's live validation of one edit: POST /api/audit (the whole map with one commune
#      moved, "closing_mergers": "skip") against `ambit serve --data data/france`, timed by curl
#      on localhost (request parse + audit + JSON answer), plus the library part in criterion
#      (`cargo bench -p ambit-rules --bench france`); and the same edit as a delta
#      (POST /api/audit/live, bench/france/live_delta.py: the studio's live validation);
#   3. national plans: max-districts without nesting and nested in departements, min-change from
#      the 2019 map, wall time and peak memory from /usr/bin/time.
# Usage: bench/france/run.sh [OUT_DIR]   (default /tmp/ambit-france)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-/tmp/ambit-france}
mkdir -p "$OUT"
cargo build --release -q -p ambit
A=target/release/ambit
T="/usr/bin/time -f %e_s_%M_KB"

echo "== audit (3 runs)"
for i in 1 2 3; do
  $T $A audit --data data/france --districts epci-2019 --format json -o "$OUT/audit.json" 2>&1 | tail -1
done

echo "== live validation (server side, 10 edits)"
PORT=${PORT:-18416}
$A serve --data data/france --db "$OUT/studio.sqlite" --addr 127.0.0.1:$PORT > "$OUT/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for i in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/api/territory" -o "$OUT/territory.json" && break
  sleep 1
done
python3 bench/france/edit_body.py data/france "$OUT/edit.json"
for i in $(seq 1 10); do
  curl -s -o "$OUT/edit-audit.json" -w "%{time_total}\n" -H 'content-type: application/json' \
    --data-binary @"$OUT/edit.json" "http://127.0.0.1:$PORT/api/audit"
done
echo "== live validation by deltas (POST /api/audit/live: the edit and back, 20 times)"
python3 bench/france/live_delta.py "http://127.0.0.1:$PORT" 20
kill $SERVER; trap - EXIT

echo "== plans"
$T $A plan --data data/france --quiet --out "$OUT/maxp-national" 2>&1 | tail -1
$T $A plan --data data/france --quiet --nest-by departement --out "$OUT/maxp-departement" 2>&1 | tail -1
$T $A plan --data data/france --quiet --objective min-change --baseline epci-2019 \
  --nest-by departement --out "$OUT/minchange-departement" 2>&1 | tail -1
