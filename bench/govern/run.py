#!/usr/bin/env python3
"""Runs ambit-govern and the Python peer `powerindex` on the same games; writes RESULTS.md.

Setup (once): python3 -m venv bench/venv && bench/venv/bin/pip install powerindex numpy
Run from the repository root:
    cargo build --release -p ambit-govern --example power_json
    bench/venv/bin/python bench/govern/run.py [--peer-timeout 300]

Each game is sent to `target/release/examples/power_json` (our DP, timed inside the process)
and, with the integer weights and quota that our DP actually used, to powerindex's
`Game.calc_banzhaf` / `calc_shapley_shubik` in a child process with a timeout. The EU Council
under the Lisbon double majority (not expressible in powerindex) is compared with the
independent brute-force enumeration of `eu27_bruteforce.py`.
"""
import argparse
import csv
import json
import math
import multiprocessing as mp
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OURS = ROOT / "target" / "release" / "examples" / "power_json"


def ours(game):
    t0 = time.perf_counter()
    p = subprocess.run([str(OURS)], input=json.dumps(game), capture_output=True, text=True, check=True)
    out = json.loads(p.stdout)
    out["wall"] = time.perf_counter() - t0
    return out


# The peer's tables grow with members x weight: on the 1,516-member Lombardy game its
# Shapley-Shubik reached 17 GB of memory before failing. Cap its address space so that it fails
# with MemoryError instead of pushing the machine out of memory.
PEER_MEMORY_BYTES = 6 * 1024**3


def _peer_child(weights, quota, index, q):
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (PEER_MEMORY_BYTES, PEER_MEMORY_BYTES))
    from powerindex import Game

    t0 = time.perf_counter()
    try:
        g = Game(quota, weights=list(weights))
        if index == "bz":
            g.calc_banzhaf()
            vals = g.banzhaf
        else:
            g.calc_shapley_shubik()
            vals = g.shapley_shubik
        q.put((time.perf_counter() - t0, list(vals)))
    except Exception as e:  # OverflowError (2^n-sized integers as floats) or MemoryError (the cap)
        q.put((f"fails after {time.perf_counter() - t0:.1f} s: {type(e).__name__}", None))


def peer(weights, quota, index, timeout):
    q = mp.Queue()
    p = mp.Process(target=_peer_child, args=(weights, quota, index, q))
    p.start()
    p.join(timeout)
    if p.is_alive():
        p.terminate()
        p.join()
        return None, None
    if q.empty():
        # ended without an answer: killed, e.g. by the memory cap inside the peer's C code
        return f"died (exit code {p.exitcode}) without a result", None
    return q.get()


def maxdiff(a, b):
    if a is None or b is None:
        return None
    return max(abs(x - y) for x, y in zip(a, b))


def comuni():
    rows = list(csv.DictReader(open(ROOT / "data/lombardy/comuni_2018.csv", encoding="utf-8")))
    return {r["istat_code"]: (r["name"], int(r["pop_best"])) for r in rows}


def district(name):
    c = comuni()
    rows = list(csv.DictReader(open(ROOT / "data/lombardy/ambiti_2021.csv", encoding="utf-8")))
    pops = [c[r["istat_code"]][1] for r in rows if r["ambito"] == name]
    return sorted(pops, reverse=True)


def majority(weights):
    return sum(weights) // 2 + 1


def games():
    lodi = district("Lodi")
    crema = district("Cremasco")
    lombardy = sorted((p for _, p in comuni().values()), reverse=True)
    eu = [int(r["population"]) for r in csv.DictReader(open(HERE / "eu27_population_2024.csv"))]
    eu10k = [(p + 5000) // 10000 for p in eu]
    hund = lambda ps: [(p + 50) // 100 for p in ps]
    sq = lambda ps: [round(math.sqrt(p)) for p in ps]
    out = [
        ("EEC 1958 (quota 12: 4,4,4,2,2,1)", [4, 4, 4, 2, 2, 1], 12),
        ("Lodi ambito, 61 comuni, population in hundreds, > 50%", hund(lodi), majority(hund(lodi))),
        ("Lodi ambito, 61 comuni, round(sqrt(population)), > 50%", sq(lodi), majority(sq(lodi))),
        ("Cremasco, 48 comuni, population in hundreds, > 50%", hund(crema), majority(hund(crema))),
        ("EU27 population only (10,000s), >= 65%", eu10k, -(-65 * sum(eu10k) // 100)),
        ("Lodi ambito, 61 comuni, exact population, > 50%", lodi, majority(lodi)),
        ("Lombardy, 1,516 comuni, round(sqrt(population)), > 50%", sq(lombardy), majority(sq(lombardy))),
        ("Lombardy, 1,516 comuni, population, > 50%", lombardy, majority(lombardy)),
    ]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--peer-timeout", type=float, default=300.0)
    ap.add_argument("--eu", default=None, help="JSON written by eu27_bruteforce.py (skip to rerun it)")
    args = ap.parse_args()
    if not OURS.exists():
        sys.exit(f"build first: cargo build --release -p ambit-govern --example power_json ({OURS} missing)")
    rows = []
    for name, w, q in games():
        o = ours({"weights": w, "quota": q})
        wu, qu = o["weights_used"], o["quota_used"]
        print(f"{name}: ours {o['seconds']:.4f}s (unit {o['unit']})", flush=True)
        pb_t, pb = peer(wu, qu, "bz", args.peer_timeout)
        print(f"  peer banzhaf {pb_t}", flush=True)
        ps_t, ps = peer(wu, qu, "ss", args.peer_timeout)
        print(f"  peer shapley-shubik {ps_t}", flush=True)
        rows.append(
            {
                "game": name,
                "n": len(w),
                "unit": o["unit"],
                "total_units": sum(wu),
                "ours_s": o["seconds"],
                "peer_bz_s": pb_t,
                "peer_ss_s": ps_t,
                "bz_diff": maxdiff(o["banzhaf"], pb),
                "ss_diff": maxdiff(o["shapley_shubik"], ps),
                "largest_bz": o["banzhaf"][0] if name[0] != "E" else max(o["banzhaf"]),
                "largest_ss": (o["shapley_shubik"] or [None])[0],
            }
        )
    # EU Council, Lisbon double majority, against the brute-force enumeration.
    if args.eu:
        eu = json.load(open(args.eu))
    else:
        p = subprocess.run([sys.executable, str(HERE / "eu27_bruteforce.py"), "10000"], capture_output=True, text=True, check=True)
        eu = json.loads(p.stdout)
    o = ours(
        {
            "weights": eu["weights"],
            "votes_at_least": 0.65,
            "min_members": eu["min_members"],
            "members_always_win": eu["members_always_win"],
        }
    )
    eu_row = {
        "ours_s": o["seconds"],
        "peer_s": eu["seconds"],
        "bz_diff": maxdiff(o["banzhaf"], eu["banzhaf"]),
        "ss_diff": maxdiff(o["shapley_shubik"], eu["shapley_shubik"]),
        "names": eu["names"],
        "bz": o["banzhaf"],
        "ss": o["shapley_shubik"],
        "peer_bz": eu["banzhaf"],
        "peer_ss": eu["shapley_shubik"],
    }
    write(rows, eu_row, args.peer_timeout)


def fmt_t(t, timeout):
    if isinstance(t, str):
        return t
    return f"{t:.3f}" if t is not None else f"> {timeout:.0f} (stopped)"


def fmt_d(d):
    return f"{d:.1e}" if d is not None else "-"


def write(rows, eu, timeout):
    cpu = platform.processor() or platform.machine()
    lines = [
        "# ambit-govern vs powerindex: times and values",
        "",
        f"Generated by `bench/govern/run.py` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"{cpu}, Python {platform.python_version()}, powerindex {pkg_version('powerindex')}. "
        "Times in seconds, single run each; ours is the DP alone (timed in the process, release build), "
        "the peer's is `calc_banzhaf()` / `calc_shapley_shubik()` in pure Python. Both run on the same integer "
        "weights and quota: the ones our DP used after rounding (`unit` > 1 means weights were rounded to "
        "that many inhabitants to stay within the work budget; see `crates/govern/src/power.rs`). "
        "Max diff = largest absolute difference over the members' normalised indices.",
        "",
        "| game | n | unit | total units | ours (B + SS) | peer Banzhaf | peer SS | max diff B | max diff SS | largest member B | largest member SS |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['game']} | {r['n']} | {r['unit']} | {r['total_units']} | {r['ours_s']:.3f} | "
            f"{fmt_t(r['peer_bz_s'], timeout)} | {fmt_t(r['peer_ss_s'], timeout)} | {fmt_d(r['bz_diff'])} | "
            f"{fmt_d(r['ss_diff'])} | {r['largest_bz']:.6f} | "
            f"{'-' if r['largest_ss'] is None else format(r['largest_ss'], '.6f')} |"
        )
    lines += [
        "",
        "## EU Council of 27, Lisbon double majority (55 % of members, 65 % of population, blocking minority of 4)",
        "",
        "Populations: Eurostat 1 January 2024 (see `crates/govern/tests/fixtures/PROVENANCE.md`), in units of "
        "10,000 inhabitants. powerindex cannot express a double majority, so the peer is the exact brute-force "
        f"enumeration of all 2^27 coalitions in `eu27_bruteforce.py` (numpy, {eu['peer_s']:.1f} s); ours took "
        f"{eu['ours_s']:.3f} s. Max diff: Banzhaf {fmt_d(eu['bz_diff'])}, Shapley-Shubik {fmt_d(eu['ss_diff'])}.",
        "",
        "| member | Banzhaf (ours) | Banzhaf (enumeration) | Shapley-Shubik (ours) | Shapley-Shubik (enumeration) |",
        "|---|---|---|---|---|",
    ]
    for i, nme in enumerate(eu["names"]):
        lines.append(
            f"| {nme} | {eu['bz'][i]:.6f} | {eu['peer_bz'][i]:.6f} | {eu['ss'][i]:.6f} | {eu['peer_ss'][i]:.6f} |"
        )
    (HERE / "RESULTS.md").write_text("\n".join(lines) + "\n")
    print(f"wrote {HERE / 'RESULTS.md'}")


def pkg_version(name):
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:
        return "?"


if __name__ == "__main__":
    main()
