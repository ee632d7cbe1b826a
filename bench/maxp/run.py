#!/usr/bin/env python3
"""Runs `ambit plan` on the shared max-p benchmark instances, scores every plan with the peer
harness (`maxp_spopt.py score`, the same code that scores spopt and GeoDa), and writes
bench/maxp/RESULTS.md from ambit's runs and the recorded peer runs (runs/spopt.jsonl,
runs/geoda.jsonl, produced by peers.sh).

Usage: run.py [--skip-ambit] [--seeds 1 2 3] [--big]   (--big adds the generated 100k lattice)
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SHARED = Path(os.environ.get("AMBIT_BENCH_SHARED", ROOT.parent / "shared" / "bench"))
if not SHARED.exists():
    SHARED = ROOT.parent.parent / "shared" / "bench"  # a git worktree sits one level deeper
DATA = SHARED / "data"
PEER = SHARED / "maxp_spopt.py"
PY = os.environ.get("AMBIT_BENCH_PYTHON", str(ROOT / "bench" / "venv" / "bin" / "python"))
AMBIT = ROOT / "target" / "release" / "ambit"
OUT = ROOT / "bench" / "out"
RUNS = HERE / "runs"

INSTANCES = [
    ("stl78", 1_000_000), ("sids100", 5_000), ("tokyo262", 500), ("lattice900", 46_000),
    ("it_lombardia", 80_000), ("lattice2500", 41_000), ("it_nordovest", 80_000),
    ("it_italia", 80_000), ("lattice10000", 45_000),
]
BIG_K = 317
HUGE_K = 1000  # 1,000,000 units
LIGHT = ["--starts", "2", "--effort", "10"]  # the lighter setting the 100k row used before
# spopt CPU seconds from ../shared/bench/README.md (not re-measured here), used only when no
# spopt run of ours finished on that instance
SPOPT_REFERENCE = {"it_lombardia": 149.0, "lattice2500": 218.0, "it_italia": 596.0,
                   "lattice10000": 1060.0, "lattice900": 45.0}  # 317 x 317 = 100,489 units


def run_ambit(data: Path, threshold: float, seed: int, extra: list[str]) -> dict:
    # one output folder per setting, holding only ambit's own files (ambit refuses a folder
    # with other files in it); the labels for the scorer go beside it
    suffix = "".join(x.strip("-")[0] if x.startswith("-") else f"{x}" for x in extra)
    out = OUT / f"{data.name}-{seed}{'-' + suffix if suffix else ''}"
    labels = OUT / f"{out.name}.labels.csv"
    cmd = ["/usr/bin/time", "-v", str(AMBIT), "plan", "--units", str(data / "units.csv"),
           "--edges", str(data / "edges.csv"), "--threshold", str(threshold), "--seed", str(seed),
           "--out", str(out), "--quiet"] + extra
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        return {"dataset": data.name, "seed": seed, "error": p.stderr[-800:]}
    rss = next((int(l.split()[-1]) / 1024 for l in p.stderr.splitlines()
                if "Maximum resident set size" in l), None)
    cpu = sum(float(l.split()[-1]) for l in p.stderr.splitlines()
              if "User time" in l or "System time" in l)
    # labels idx,region for the peer scorer
    import csv
    idx = {r["id"]: r["idx"] for r in csv.DictReader(open(data / "units.csv"))}
    rows = list(csv.DictReader(open(out / "assignment.csv")))
    names = {n: i for i, n in enumerate(sorted({r["district"] for r in rows}))}
    with open(labels, "w") as fh:
        fh.write("idx,region\n")
        for r in rows:
            fh.write(f"{idx[r['code']]},{names[r['district']]}\n")
    s = subprocess.run([PY, str(PEER), "score", "--data", str(data), "--labels",
                        str(labels), "--threshold", str(threshold)],
                       capture_output=True, text=True, check=True)
    rec = json.loads(s.stdout.strip().splitlines()[-1])
    plan = json.load(open(out / "plan.json"))
    bound = (plan.get("result") or {}).get("upper_bound") or {}
    rec.update({"dataset": data.name, "n": len(rows), "threshold": threshold, "seed": seed,
                "solver": "ambit", "wall_s": wall, "cpu_s": cpu, "process_max_rss_mb": rss,
                "args": extra, "bound": bound.get("value")})
    return rec


def generate_big(k: int = BIG_K) -> Path:
    d = OUT / "data" / f"lattice{k * k}"
    if not (d / "units.csv").exists():
        subprocess.run([PY, str(PEER), "export", "--out", str(OUT / "data"), "--skip-libpysal",
                        "--lattice", str(k)], check=True)
    return d


def load(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(l) for l in open(path) if l.strip()]


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def exact_note() -> str:
    """What the exact solver proved (runs/exact.jsonl, written by exact.py), in a sentence."""
    recs = load(RUNS / "exact.jsonl")
    best: dict[str, tuple[int, str]] = {}
    for r in recs:
        status = (r.get("exact") or {}).get("result", {}).get("status")
        if r["dataset"] not in best or r["p"] > best[r["dataset"]][0]:
            best[r["dataset"]] = (r["p"], status)
    if not best:
        return ""
    said = ", ".join(f"{d} {p} ({s})" for d, (p, s) in best.items())
    return (f" With `--exact` (CBC, `bench/maxp/exact.sh`, `EXACT.md`), best plan and how the "
            f"solver ended: {said}.")


def load_note() -> str:
    """The machine's load while ambit last ran (runs/ambit_load.json, written by main)."""
    path = RUNS / "ambit_load.json"
    if not path.exists():
        return ""
    loads = json.load(open(path))
    parts = "; ".join(f"{l['when']}: load average {l['start']:.1f} at the start, "
                      f"{l['end']:.1f} at the end" for l in loads)
    return (f" Machine state while ambit was re-run ({os.cpu_count()} cores; a load average above "
            f"about 2 means other work shared them, which inflates wall and CPU seconds): {parts}.")


def summarize(bigs: list[tuple[str, float]]):
    amb = load(RUNS / "ambit.jsonl")
    recs = {"ambit": [r for r in amb if not r.get("args")],
            "ambit_light": [r for r in amb if r.get("args")],
            "spopt": load(RUNS / "spopt.jsonl"),
            "spopt_sa1": load(RUNS / "spopt_sa1.jsonl"),
            "geoda": load(RUNS / "geoda.jsonl")}
    names = {"ambit": "ambit (this repo), defaults",
             "ambit_light": "ambit, --starts 2 --effort 10",
             "spopt": "spopt 0.7 MaxPHeuristic",
             "spopt_sa1": "spopt 0.7, 1 SA iteration",
             "geoda": "GeoDa maxp_sa (pygeoda 0.1.3)"}
    lines = ["# Max-p benchmark: ambit vs PySAL spopt and GeoDa", "",
             "Generated by `bench/maxp/run.sh` (do not edit by hand). Same inputs "
             "(`../shared/bench/data/<name>/`), every labelling scored by the same code "
             "(`maxp_spopt.py score`): `p` = regions, `obj_l1` = spopt's heterogeneity (sum over "
             "regions of pairwise L1 distances of the z-scored attributes, lower is better). "
             "Medians over seeds (runs column). Wall time: ambit = the whole `ambit plan` "
             "process (reading CSVs, 8 parallel starts on the machine's cores, writing outputs); "
             "peers = the solve call only (the harness's `wall_s`, Python start-up and loading "
             "excluded). Peak memory = maximum resident set size of the process "
             "(`/usr/bin/time -v`; the peers' includes the Python interpreter and libraries). "
             "Peers ran with the harness defaults (spopt: 99 construction iterations, 10 SA "
             "iterations, top_n 2; GeoDa: maxp_sa, 99 iterations, cooling 0.85, 1 thread), with "
             "fewer seeds on the large instances because one spopt run takes 10-20 minutes. The "
             "peers' runs are recorded once (`peers.sh`, mostly while the 2-core machine was "
             "shared with other builds, which inflates their wall times) and reused, while "
             "ambit is re-run each time: compare CPU seconds (the CPU speed-up column) rather "
             "than wall times.", "",
             "ambit runs with its defaults everywhere (8 starts, effort 30 regrowths per "
             "district, 20 move sweeps; above 4,000 units x starts only the best quarter of the "
             "constructions, 2 of the 8, are improved, each with twice the effort), except the "
             "rows marked "
             f"`{' '.join(LIGHT)}`, the lighter setting the 100,489-unit row used before. "
             "`bound` = the upper bound ambit proves and prints with every plan (`ambit plan` "
             "summary: connected parts, least class threshold, units that reach it alone and the "
             "groups between them); `gap` = (bound - p) / bound. spopt with 1 SA iteration "
             "(`maxp_spopt.py bench ds:thr:99:1`, one seed per instance) shows what its "
             "construction plus one annealing pass gives." + exact_note() + load_note(), "",
             "| dataset | n | threshold | tool | runs | feasible | p median (min-max) | bound | gap "
             "| obj_l1 median | wall s median | CPU s median | peak RSS MB |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    instances = list(INSTANCES) + bigs
    goals = []
    for ds, thr in instances:
        rows = {}
        for tool in ("ambit", "ambit_light", "spopt", "spopt_sa1", "geoda"):
            rs = [r for r in recs[tool] if r.get("dataset") == ds and r.get("threshold") == thr]
            ok = [r for r in rs if "p" in r]
            bad = [r for r in rs if "p" not in r]
            rows[tool] = ok
            if not rs:
                if tool != "ambit_light":
                    lines.append(f"| {ds} | | {thr:g} | {names[tool]} | 0 | | not run | | | | | | |")
                continue
            if not ok:
                why = "timeout" if any("timeout_s" in r for r in bad) else "error"
                t = max((r.get("timeout_s", 0) for r in bad), default=0)
                why += f" after {t:g} s" if t else ""
                lines.append(f"| {ds} | | {thr:g} | {names[tool]} | {len(rs)} | | {why} | | | | | | |")
                continue
            ps = [r["p"] for r in ok]
            n = ok[0].get("n", "")
            rss = med([r.get("process_max_rss_mb", r.get("peak_rss_mb")) for r in ok])
            note = f" (+{len(bad)} timeout)" if bad else ""
            bd = med([r.get("bound") for r in ok])
            gap = f"{100 * (bd - med(ps)) / bd:.1f}%" if bd else ""
            lines.append(
                f"| {ds} | {n} | {thr:g} | {names[tool]} | {len(ok)}{note} | "
                f"{sum(bool(r['feasible']) for r in ok)}/{len(ok)} | {med(ps):g} ({min(ps)}-{max(ps)}) | "
                f"{fmt(bd, 'g') if bd else ''} | {gap} | "
                f"{fmt(med([r['obj_l1'] for r in ok]), '.1f')} | "
                f"{fmt(med([r['wall_s'] for r in ok]), '.3g')} | "
                f"{fmt(med([r.get('cpu_s') for r in ok]), '.3g')} | {fmt(rss, '.0f')} |")
        a = rows["ambit"]
        if a:
            pa = med([r["p"] for r in a])
            peer_p = [r["p"] for t in ("spopt", "geoda") for r in rows[t]]
            best_peer = max(peer_p) if peer_p else None
            sp_obj = med([r["obj_l1"] for r in rows["spopt"]]) if rows["spopt"] else None
            a_obj = med([r["obj_l1"] for r in a])
            a_wall = med([r["wall_s"] for r in a])
            sp_wall = med([r["wall_s"] for r in rows["spopt"]]) if rows["spopt"] else None
            gd_wall = med([r["wall_s"] for r in rows["geoda"]]) if rows["geoda"] else None
            gd_cpu = med([r.get("cpu_s") for r in rows["geoda"]]) if rows["geoda"] else None
            n = a[0].get("n", 0)
            a_cpu = med([r.get("cpu_s") for r in a])
            sp_cpu = med([r.get("cpu_s") for r in rows["spopt"]]) if rows["spopt"] else None
            ref = SPOPT_REFERENCE.get(ds)
            g = [ds,
                 "-" if best_peer is None else ("yes" if pa >= best_peer else f"NO ({pa:g} < {best_peer})"),
                 ("-" if sp_obj is None else ("yes" if a_obj <= sp_obj else
                                              f"NO ({a_obj:.1f} > {sp_obj:.1f})")),
                 ("-" if sp_wall is None else f"{sp_wall / a_wall:.0f}x") + (
                     f" (CPU {sp_cpu / a_cpu:.0f}x)" if sp_cpu and a_cpu else
                     f" (CPU {ref / a_cpu:.0f}x vs the shared README's {ref:g} CPU s)" if ref and a_cpu
                     else ""),
                 "-" if gd_wall is None else f"{gd_wall / a_wall:.1f}x" + (
                     f" (CPU {gd_cpu / a_cpu:.1f}x)" if gd_cpu and a_cpu else "")]
            sp_ratio = (sp_cpu / a_cpu if sp_cpu and a_cpu else
                        ref / a_cpu if ref and a_cpu else None)
            gd_ratio = gd_cpu / a_cpu if gd_cpu and a_cpu else None
            if n >= 900:
                ok_sp = sp_ratio is None or sp_ratio >= 100
                ok_gd = gd_ratio is None or gd_ratio >= 10
                g.append("yes" if ok_sp and ok_gd else
                         f"NO (CPU {fmt(sp_ratio, '.0f')}x spopt, {fmt(gd_ratio, '.1f')}x GeoDa)")
            else:
                g.append("yes" if sp_ratio is None or sp_ratio >= 100 else
                         f"NO (CPU {sp_ratio:.0f}x spopt)")
            if ds.startswith("lattice") and n >= 100_000:
                g[-1] = f"{a_wall:.1f} s wall, {a_cpu:.1f} CPU s on {os.cpu_count()} cores, {fmt(med([r.get('process_max_rss_mb') for r in a]), '.0f')} MB"
            goals.append(g)
    lines += ["", "## Goals", "",
              "| dataset | p >= best peer p | obj_l1 <= spopt median | speed-up vs spopt | "
              "speed-up vs GeoDa | CPU goal (>= 100x below spopt everywhere, >= 10x below GeoDa "
              "from 900 units) |",
              "|---|---|---|---|---|---|"]
    lines += ["| " + " | ".join(g) + " |" for g in goals]
    # memory growth of ambit with the number of units (no all-pairs tables)
    mem = sorted((r.get("n", 0), r.get("process_max_rss_mb")) for r in recs["ambit"] + recs["ambit_light"]
                 if r.get("dataset", "").startswith("lattice") and r.get("process_max_rss_mb"))
    if mem:
        by_n = {}
        for n, m in mem:
            by_n.setdefault(n, []).append(m)
        pts = ", ".join(f"{n:,} units: {statistics.median(ms):.0f} MB" for n, ms in sorted(by_n.items()))
        lines += ["", f"ambit peak memory on the lattices ({pts}) grows linearly with the number of "
                  "units: the solver keeps per-unit arrays and a sparse graph, never an all-pairs table."]
    huge = RUNS / "huge.json"
    if huge.exists():
        h = json.load(open(huge))
        lines += ["", f"1,000,000-unit lattice (generated like the others, `maxp_spopt.py export "
                  f"--lattice 1000`), ambit defaults, threshold {h['threshold']:g}: p = {h['p']}, "
                  f"bound {h['bound']} (gap {100 * (h['bound'] - h['p']) / h['bound']:.1f}%), "
                  f"{h['cpu_s']:g} CPU s, {h['wall_s']:.0f} s wall, {h['process_max_rss_mb']} MB "
                  f"peak: {h['note']}."]
    speed = HERE / "SPEED.md"  # measured by hand (plan_bench), carried into every RESULTS.md
    if speed.exists():
        lines += ["", speed.read_text().rstrip()]
    lines.append("")
    (HERE / "RESULTS.md").write_text("\n".join(lines))
    print("\n".join(lines))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-ambit", action="store_true")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--big", action="store_true", help="also the generated 100k-unit lattice")
    ap.add_argument("--huge", action="store_true", help="also the generated 1M-unit lattice")
    ap.add_argument("--only", nargs="*", help="dataset names")
    ap.add_argument("--geoda-side-by-side", action="store_true",
                    help="re-run GeoDa (up to 3,000 units) right after ambit on each instance")
    a = ap.parse_args()
    bigs = []
    recorded = {r.get("n", 0) for r in load(RUNS / "ambit.jsonl")}
    for k, want in ((BIG_K, a.big), (HUGE_K, a.huge)):
        if want or k * k in recorded:
            d = generate_big(k)
            meta = json.load(open(d / "meta.json"))
            bigs.append((d.name, float(meta["thresholds"][0])))
    if not a.skip_ambit:
        RUNS.mkdir(exist_ok=True)
        todo = [(DATA / ds, thr) for ds, thr in INSTANCES if not a.only or ds in a.only]
        for big in bigs:
            if not a.only or big[0] in a.only:
                todo.append((OUT / "data" / big[0], big[1]))
        keep = [r for r in load(RUNS / "ambit.jsonl")
                if (DATA / r["dataset"], r.get("threshold")) not in todo
                and (OUT / "data" / r["dataset"], r.get("threshold")) not in todo]
        new = []
        load_start = os.getloadavg()[0]
        side = [(d, t) for d, t in todo if a.geoda_side_by_side and
                sum(1 for _ in open(d / "units.csv")) - 1 <= 3000]
        if side:
            # GeoDa is re-run right after ambit on the same instance, so that both wall times
            # are taken under the same load of the (shared) machine
            names = {d.name for d, _ in side}
            old = [r for r in load(RUNS / "geoda.jsonl") if r.get("dataset") not in names]
            with open(RUNS / "geoda.jsonl", "w") as fh:
                for r in old:
                    fh.write(json.dumps(r) + "\n")
        for data, thr in todo:
            # the 100k lattice also with the lighter setting it used before, for comparison
            settings = [[]] + ([LIGHT] if data.name == f"lattice{BIG_K * BIG_K}" else [])
            for seed in a.seeds:
                for extra in settings:
                    r = run_ambit(data, thr, seed, extra)
                    print(json.dumps({k: r.get(k) for k in
                                      ("dataset", "seed", "p", "bound", "feasible", "obj_l1",
                                       "wall_s", "cpu_s", "process_max_rss_mb", "error")}),
                          flush=True)
                    new.append(r)
            if (data, thr) in side:
                subprocess.run([PY, str(PEER), "bench", f"{data.name}:{thr:g}", "--root",
                                str(data.parent), "--solver", "geoda", "--reps",
                                str(len(a.seeds)), "--out", str(RUNS / "geoda.jsonl")],
                               check=True, capture_output=True)
        with open(RUNS / "ambit.jsonl", "w") as fh:
            for r in keep + new:
                fh.write(json.dumps(r) + "\n")
        # the load of every re-run, kept for the runs that the next re-run does not replace
        done = ", ".join(sorted({d.name for d, _ in todo}))
        loads = [l for l in (json.load(open(RUNS / "ambit_load.json"))
                             if (RUNS / "ambit_load.json").exists() else [])
                 if not set(l["datasets"]) <= {d.name for d, _ in todo}]
        loads.append({"when": time.strftime("%d %b %Y %H:%M UTC", time.gmtime()) + f" ({done})",
                      "datasets": sorted({d.name for d, _ in todo}),
                      "start": load_start, "end": os.getloadavg()[0]})
        json.dump(loads, open(RUNS / "ambit_load.json", "w"), indent=1)
    summarize(bigs)


if __name__ == "__main__":
    main()
