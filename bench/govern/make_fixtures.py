#!/usr/bin/env python3
"""Writes the peer values used by `crates/govern/tests/peers.rs`.

* Weighted games (single quota): indices from the pip package `powerindex` (Game.calc_banzhaf,
  Game.calc_shapley_shubik).
* EU Council under the Lisbon double majority: exact enumeration of all 2^27 coalitions
  (`eu27_bruteforce.py`), because powerindex has no double majority. Pass its JSON output
  with --eu to avoid the 5-minute rerun.

Run from the repository root: bench/venv/bin/python bench/govern/make_fixtures.py [--eu FILE]
"""
import argparse
import csv
import json
import subprocess
import sys
from pathlib import Path

from powerindex import Game

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = ROOT / "crates/govern/tests/fixtures/peer_games.json"


def pi(weights, quota):
    g = Game(quota, weights=list(weights))
    g.calc_banzhaf()
    g.calc_shapley_shubik()
    return g.banzhaf, g.shapley_shubik


def district(name):
    pops = {r["istat_code"]: int(r["pop_best"]) for r in csv.DictReader(open(ROOT / "data/lombardy/comuni_2018.csv"))}
    rows = csv.DictReader(open(ROOT / "data/lombardy/ambiti_2021.csv"))
    return sorted((pops[r["istat_code"]] for r in rows if r["ambito"] == name), reverse=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--eu", default=None)
    a = ap.parse_args()
    eu_pop = [int(r["population"]) for r in csv.DictReader(open(HERE / "eu27_population_2024.csv"))]
    eu10k = [(p + 5000) // 10000 for p in eu_pop]
    lodi100 = [(p + 50) // 100 for p in district("Lodi")]
    games = []
    for name, w, q in [
        ("EEC 1958", [4, 4, 4, 2, 2, 1], 12),
        ("EU27 population only, 10,000s, >= 65%", eu10k, -(-65 * sum(eu10k) // 100)),
        ("Lodi ambito, population in hundreds, > 50%", lodi100, sum(lodi100) // 2 + 1),
    ]:
        bz, ss = pi(w, q)
        games.append({"name": name, "peer": "powerindex 0.3.5", "weights": w, "quota": q, "banzhaf": bz, "shapley_shubik": ss})
        print(name, "done", file=sys.stderr)
    if a.eu:
        eu = json.load(open(a.eu))
    else:
        eu = json.loads(subprocess.run([sys.executable, str(HERE / "eu27_bruteforce.py"), "10000"], capture_output=True, text=True, check=True).stdout)
    games.append(
        {
            "name": "EU27 Lisbon double majority, 10,000s",
            "peer": "exact enumeration of 2^27 coalitions (bench/govern/eu27_bruteforce.py)",
            "weights": eu["weights"],
            "names": eu["names"],
            "votes_at_least": "65/100",
            "min_members": eu["min_members"],
            "members_always_win": eu["members_always_win"],
            "quota_units": eu["quota"],
            "banzhaf": eu["banzhaf"],
            "shapley_shubik": eu["shapley_shubik"],
        }
    )
    OUT.write_text(json.dumps({"games": games}, indent=1) + "\n")
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
