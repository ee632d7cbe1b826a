#!/usr/bin/env bash
# The exact solver on stl78, sids100 and tokyo262 (bench/maxp/EXACT.md): a release build with
# `--features exact` (needs Debian's coinor-libcbc-dev), each plan scored by the peers' harness.
#   bench/maxp/exact.sh [--seeds 1 2 3] [--time-limit 300]
# Needs ../shared/bench (instances and maxp_spopt.py) and bench/venv (see run.sh).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
(cd "$ROOT" && cargo build --release -p ambit --features exact)
cd "$HERE"
exec "$ROOT/bench/venv/bin/python" "$HERE/exact.py" "$@"
