#!/usr/bin/env bash
# Time and peak memory of `ambit cases validate|list|matrix` on synthetic fsQCA survey
# matrices of 50,000, 100,000 and 200,000 cases (8 fuzzy conditions and an outcome, seed 1).
# Usage: bench/cases/run.sh [path/to/ambit]   (default: target/release/ambit)
set -euo pipefail
cd "$(dirname "$0")/../.."
AMBIT=${1:-target/release/ambit}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 - "$WORK" <<'PY'
import random, sys
random.seed(1)
cols = ["A", "B", "C", "D", "E", "F", "G", "H", "Y"]
for n in (50_000, 100_000, 200_000):
    with open(f"{sys.argv[1]}/survey{n}.csv", "w") as f:
        f.write("case," + ",".join(cols) + "\n")
        for i in range(n):
            f.write(f"r{i}," + ",".join(f"{random.random():.3f}" for _ in cols) + "\n")
PY
printf "| cases | command | wall s | peak RSS MB |\n|---:|---|---:|---:|\n"
for n in 50000 100000 200000; do
  for cmd in "validate" "list" "matrix --conditions A,B,C,D,E,F,G,H --outcome Y --scale fuzzy"; do
    /usr/bin/time -v "$AMBIT" cases $cmd "$WORK/survey$n.csv" >/dev/null 2>"$WORK/time.txt"
    wall=$(grep "Elapsed (wall clock)" "$WORK/time.txt" | awk '{print $NF}')
    rss=$(grep "Maximum resident set size" "$WORK/time.txt" | awk '{print $NF}')
    printf "| %s | %s | %s | %.0f |\n" "$n" "${cmd%% *}" "$wall" "$(echo "$rss/1024" | bc -l)"
  done
done
