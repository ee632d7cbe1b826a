#!/usr/bin/env bash
# Max-p benchmark, ambit side by side with PySAL spopt and GeoDa on the same inputs.
#   bench/maxp/run.sh            build ambit (release), run it on every instance (3 seeds),
#                                score with the peer harness, write bench/maxp/RESULTS.md
#   bench/maxp/run.sh --big      also the generated 100,489-unit lattice
#   bench/maxp/peers.sh spopt|geoda   (slow, run in the background first) records peer runs
# Needs ../shared/bench (instances and maxp_spopt.py) and bench/venv (created on first use).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
if [ ! -x "$ROOT/bench/venv/bin/python" ]; then
  python3 -m venv "$ROOT/bench/venv"
  "$ROOT/bench/venv/bin/pip" install -q spopt libpysal geopandas pygeoda pandas numpy scipy
fi
(cd "$ROOT" && cargo build --release -p ambit)
exec "$ROOT/bench/venv/bin/python" "$HERE/run.py" "$@"
