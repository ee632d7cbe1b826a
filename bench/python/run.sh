#!/usr/bin/env bash
# ambit.MaxPHeuristic beside spopt from one Python process (bench/python/RESULTS.md).
#   bench/python/run.sh        build the package (release) into a venv, run every instance,
#                              the CLI comparison, and write RESULTS.md
# Needs ../shared/bench/data (the instances) and a Rust toolchain.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="${VENV:-$ROOT/bench/venv-python}"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q maturin spopt libpysal geopandas pandas numpy
fi
"$VENV/bin/pip" install -q --force-reinstall --no-deps "$ROOT/python"
(cd "$ROOT" && cargo build --release -p ambit)
rm -f "$HERE/runs.jsonl" "$HERE/cli.jsonl"
"$VENV/bin/python" "$HERE/run.py" --out "$HERE/runs.jsonl"
"$VENV/bin/python" "$HERE/run.py" --skip-spopt --cli "$ROOT/target/release/ambit" --out "$HERE/cli.jsonl"
"$VENV/bin/python" "$HERE/run.py" --report "$HERE/runs.jsonl" --cli-runs "$HERE/cli.jsonl" > "$HERE/RESULTS.md"
