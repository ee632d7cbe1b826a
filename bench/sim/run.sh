#!/usr/bin/env bash
# Speed of `ambit simulate` on the bundled Lombardy scenario (98 ambiti, 28 groupings, 3 windows),
# next to a plain-Python peer of the same model (peer_python.py), on the same inputs and the same
# fixed parameters; also checks that both give the same expected counts. Writes RESULTS.md.
# Usage: bash bench/sim/run.sh [--criterion]
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=bench/sim
cargo build --release -q -p ambit
A=target/release/ambit
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
now() { python3 -c 'import time; print(time.perf_counter())'; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }

# 1. The default job: calibration (50,000 ABC draws) + 10,000 runs, on 1 and 2 threads.
declare -A T
for th in 1 2; do
  t0=$(now); $A simulate --bundled lombardy-2018 --threads $th --quiet --out "$TMP/default-$th.json" > "$TMP/default-$th.txt"; t1=$(now)
  T[default-$th]=$(elapsed $t0 $t1)
done
cmp -s "$TMP/default-1.json" "$TMP/default-2.json" && SAME=yes || SAME=NO

# 2. Fixed parameters (the posterior medians of run 1): a scenario copy without calibration.
S="$TMP/fixed"; mkdir -p "$S"
cp crates/sim/scenarios/lombardy-2018/{districts.csv,candidates.csv,assessments.csv,policy.toml} "$S/"
PARAMS=$(python3 - "$TMP/default-2.json" "$S/scenario.toml" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
vals = []
with open(sys.argv[2], "w") as f:
    f.write('name = "Lombardy 2018, fixed parameters (posterior medians)"\nbaseline = "districts.csv"\n'
            'candidates = "candidates.csv"\nassessments = "assessments.csv"\npolicy = "policy.toml"\n')
    for p in r["parameters"]:
        v = p["fixed"] if p["fixed"] is not None else round(p["used"]["q50"], 4)
        vals.append(str(v))
        f.write(f'[model.{p["name"]}]\nvalue = {v}\n')
print(" ".join(vals))
PY
)
for th in 1 2; do
  t0=$(now); $A simulate "$S/scenario.toml" --runs 10000 --threads $th --quiet --out "$TMP/fixed-$th.json" > /dev/null; t1=$(now)
  T[fixed-$th]=$(elapsed $t0 $t1)
done
python3 $HERE/peer_python.py "$S" 10000 1 $PARAMS > "$TMP/peer.json"

CRIT=""
if [[ "${1:-}" == "--criterion" ]]; then
  cargo bench -q -p ambit-sim --bench simulate 2>/dev/null | grep -E "^lombardy|time:" > "$TMP/criterion.txt" || true
  CRIT=$(cat "$TMP/criterion.txt")
fi

python3 - "$TMP" "$SAME" "${T[default-1]}" "${T[default-2]}" "${T[fixed-1]}" "${T[fixed-2]}" "$CRIT" > $HERE/RESULTS.md <<'PY'
import json, sys, platform, os
tmp, same, d1, d2, f1, f2, crit = sys.argv[1:8]
rust = json.load(open(f"{tmp}/fixed-2.json"))
peer = json.load(open(f"{tmp}/peer.json"))
cpu = os.cpu_count()
print("# Speed of `ambit simulate` (bundled Lombardy scenario)\n")
print(f"Machine: {cpu} cores ({platform.machine()}), shared with other jobs; written by `bench/sim/run.sh`.")
print("Scenario: 98 ambiti, 28 candidate groupings, 3 windows. Wall-clock seconds of the release binary.\n")
print("| job | 1 thread | 2 threads |\n|---|---:|---:|")
print(f"| `ambit simulate --bundled lombardy-2018` (ABC calibration 50,000 draws + 10,000 runs) | {d1} | {d2} |")
print(f"| 10,000 runs, fixed parameters (no calibration) | {f1} | {f2} |")
print(f"| peer: plain Python (`peer_python.py`), same model and parameters, 10,000 runs | {peer['seconds']:.2f} | - |\n")
print(f"Identical JSON output on 1 and 2 threads (same seed): **{same}**.\n")
print("Target: 10,000 runs under 5 s on 2 cores.\n")
print("## Same model, same parameters: expected counts (mean of 10,000 runs each)\n")
print("| window | count | ambit | Python peer | difference / combined s.e. |\n|---|---|---:|---:|---:|")
for w, pw in zip(rust["arms"][0]["windows"], peer["windows"]):
    for m in ["subscribed", "merges", "standby", "spend_eur"]:
        s = next(x for x in w["metrics"] if x["metric"] == m)["summary"]
        se = (2 * (s["sd"] ** 2) / s["n"]) ** 0.5
        z = (s["mean"] - pw[m]) / se if se > 0 else 0.0
        print(f"| {w['window']['label']} | {m} | {s['mean']:.3f} | {pw[m]:.3f} | {z:+.2f} |")
if crit:
    print("\n## criterion (`cargo bench -p ambit-sim`)\n\n```\n" + crit + "\n```")
PY
cat $HERE/RESULTS.md
