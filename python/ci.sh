#!/usr/bin/env bash
# Tests of the Python package on a fresh machine: a virtual environment, the peers from the
# package index, the package built and installed from this folder (`pip install ./python`),
# then pytest. Usage: bash python/ci.sh   (from anywhere; VENV=... to choose the venv folder)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${VENV:-${TMPDIR:-/tmp}/ambit-python-ci}"
python="${PYTHON:-python3}"
start=$(date +%s)

"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip
"$venv/bin/pip" install --quiet maturin spopt libpysal geopandas pytest
# the way a user installs it: pip builds the wheel with maturin (release profile)
"$venv/bin/pip" install --quiet --force-reinstall --no-deps "$here"
"$venv/bin/pip" install --quiet numpy pandas
cd "$here"
"$venv/bin/python" -m pytest -q tests
echo "python/ci.sh: done in $(( $(date +%s) - start )) s"
