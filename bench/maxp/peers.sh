#!/usr/bin/env bash
# Runs the peer max-p solvers (PySAL spopt MaxPHeuristic, GeoDa maxp_sa via pygeoda) on the shared
# benchmark instances and appends one JSON line per run to bench/maxp/runs/<solver>.jsonl.
# Slow (spopt takes minutes per run on >= 900 units): run it in the background; run.sh reuses the
# recorded runs. Usage: bench/maxp/peers.sh [spopt|geoda] [dataset:threshold ...]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SHARED="${AMBIT_BENCH_SHARED:-$ROOT/../shared/bench}"
# a git worktree sits one level deeper than the main checkout
[ -d "$SHARED" ] || SHARED="$ROOT/../../shared/bench"
PY="${AMBIT_BENCH_PYTHON:-$ROOT/bench/venv/bin/python}"
SOLVER="${1:-spopt}"; shift || true
RUNS=("$@")
if [ ${#RUNS[@]} -eq 0 ]; then
  RUNS=(stl78:1000000 sids100:5000 tokyo262:500 lattice900:46000 it_lombardia:80000
        lattice2500:41000 it_nordovest:80000 it_italia:80000 lattice10000:45000)
fi
REPS="${AMBIT_BENCH_PEER_REPS:-3}"
TIMEOUT="${AMBIT_BENCH_PEER_TIMEOUT:-1800}"
if [ ! -x "$PY" ]; then
  python3 -m venv "$ROOT/bench/venv"
  "$ROOT/bench/venv/bin/pip" install -q spopt libpysal geopandas pygeoda pandas numpy scipy
fi
for spec in "${RUNS[@]}"; do
  ds="${spec%%:*}"; n=$(($(wc -l < "$SHARED/data/$ds/units.csv") - 1))
  reps="$REPS"
  # spopt needs 10-20 minutes per run from 7,898 units up: one seed there
  if [ "$SOLVER" = spopt ] && [ "$n" -ge 5000 ]; then reps=1; fi
  if [ "$SOLVER" = spopt ] && [ "$n" -ge 1500 ] && [ "$n" -lt 5000 ]; then reps=2; fi
  "$PY" "$SHARED/maxp_spopt.py" bench "$spec" --root "$SHARED/data" --solver "$SOLVER" \
    --reps "$reps" --timeout "$TIMEOUT" --out "$HERE/runs/$SOLVER.jsonl" >/dev/null
done
