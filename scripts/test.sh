#!/usr/bin/env bash
# The README's test command: formatting, lints, then every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
# the exact planner over CBC (coinor-libcbc-dev, installed by .ci/run)
cargo clippy -p ambit-plan --features exact --all-targets --locked -- -D warnings
cargo test -p ambit-plan --features exact --locked
