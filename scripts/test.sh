#!/usr/bin/env bash
# The README's test command: formatting, lints, then every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
# the exact planner over CBC (coinor-libcbc-dev, installed by .ci/run)
cargo clippy -p ambit-plan --features exact,dataset --all-targets --locked -- -D warnings
cargo test -p ambit-plan --features exact,dataset --locked
# the Python package (python/): a venv with maturin, spopt, libpysal, geopandas and pytest from
# PyPI, the package built by pip, then pytest; skipped with a message where python3 has no venv
if python3 -m venv --help >/dev/null 2>&1; then
  bash python/ci.sh
else
  echo "scripts/test.sh: python3 -m venv is not available: the Python package's tests are skipped"
fi
