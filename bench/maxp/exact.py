#!/usr/bin/env python3
"""The exact solver on the three small instances: `ambit plan --exact` (a release build with
`--features exact`, CBC from Debian's coinor-libcbc-dev), every plan scored by the peer harness
(`maxp_spopt.py score`), as run.py scores the search's plans. Writes runs/exact.jsonl and
bench/maxp/EXACT.md.

Usage: exact.py [--seeds 1 2 3] [--time-limit 300]   (exact.sh builds and runs it)
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from run import DATA, HERE, OUT, RUNS, run_ambit

INSTANCES = [("stl78", 1_000_000), ("sids100", 5_000), ("tokyo262", 500)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--time-limit", type=float, default=300.0)
    a = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    RUNS.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    recs = []
    for name, thr in INSTANCES:
        for seed in a.seeds:
            extra = ["--exact", "--exact-time-limit", f"{a.time_limit:g}"]
            rec = run_ambit(DATA / name, thr, seed, extra)
            if "error" in rec:
                raise SystemExit(f"{name} seed {seed}: {rec['error']}")
            suffix = "".join(x.strip("-")[0] if x.startswith("-") else x for x in extra)
            out = OUT / f"{name}-{seed}-{suffix}"  # run_ambit's output folder
            plan = json.load(open(out / "plan.json"))
            ex = plan["result"]["exact"] or {}
            rec["exact"] = ex
            recs.append(rec)
            print(f"{name} seed {seed}: p {rec['p']} ({ex.get('result', {}).get('status')}, "
                  f"bound {rec['bound']}), {rec['cpu_s']:.1f} CPU s", flush=True)
    with open(RUNS / "exact.jsonl", "w") as fh:
        for r in recs:
            fh.write(json.dumps(r) + "\n")
    lines = [
        "# The exact solver on stl78, sids100 and tokyo262",
        "",
        "Made by `bench/maxp/exact.sh` on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} (load average {load:.2f} at the "
        "start), this machine: 2 cores. Settings that differ from the defaults: `--exact "
        f"--exact-time-limit {a.time_limit:g}` (default limit 60 s), seeds "
        f"{', '.join(map(str, a.seeds))}; the search before the solver runs at its defaults (8 "
        "starts, effort 30). Every plan is scored by the peers' harness (`maxp_spopt.py score`): "
        "`p` is its count of regions, all plans feasible. `bound` is the bound the plan prints "
        "(the combinatorial one, tightened by the solver's certificate). The model is a set "
        "packing over the minimal compliant connected sets (`crates/plan/src/exact.rs`).",
        "",
        "| dataset | threshold | seed | search alone p | exact p | status | bound | sets | "
        "obj_l1 | wall s | CPU s | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    search: dict[str, list[int]] = {}
    ambit_runs = RUNS / "ambit.jsonl"
    for r in (json.loads(x) for x in open(ambit_runs)) if ambit_runs.exists() else []:
        if not r.get("args") and "p" in r:
            search.setdefault(r["dataset"], []).append(r["p"])
    for r in recs:
        ex = r["exact"]
        s = search.get(r["dataset"])
        alone = f"{statistics.median(s):g}" if s else "-"
        lines.append(
            f"| {r['dataset']} | {r['threshold']:,} | {r['seed']} | {alone} | {r['p']} | "
            f"{ex.get('result', {}).get('status')} | {r['bound']} | "
            f"{(ex.get('model') or {}).get('sets', '-')} | {r['obj_l1']:.1f} | "
            f"{r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['process_max_rss_mb']:.0f} |")
    lines += ["", "\"search alone p\": the median over seeds 1-3 of the default search in "
              "runs/ambit.jsonl (RESULTS.md).", ""]
    (HERE / "EXACT.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
