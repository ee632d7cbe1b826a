#!/usr/bin/env python3
"""Independent peer for the EU Council of 27 under the Lisbon double majority.

The pip package `powerindex` handles single-quota weighted games only, so the Lisbon rule
(TEU art. 16(4): at least 55 % of the members, i.e. 15 of 27, representing at least 65 % of the
population; a blocking minority needs at least 4 members, so any 24 members win) is checked by
enumerating all 2^27 coalitions with numpy and counting swings exactly (integers), then forming
the normalised Banzhaf index and the Shapley-Shubik index as exact fractions.

Usage: eu27_bruteforce.py UNIT  (population unit: 10000 = populations rounded to 10,000)
Prints JSON: weights used, exact counts, indices, seconds.
"""
import csv
import json
import math
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def load(unit):
    rows = list(csv.DictReader(open(HERE / "eu27_population_2024.csv")))
    names = [r["country"] for r in rows]
    weights = [(int(r["population"]) + unit // 2) // unit for r in rows]
    return names, weights


def lisbon(weights):
    n = len(weights)
    total = sum(weights)
    q = -(-65 * total // 100)  # ceil(0.65 * total)
    min_members = -(-55 * n // 100)  # ceil(0.55 * n) = 15
    always = n - 4 + 1  # a blocking minority needs 4 members
    return n, q, min_members, always


def run(weights):
    n, q, kmin, always = lisbon(weights)
    w = np.array(weights, dtype=np.int64)
    low_bits = 20
    low = np.arange(1 << low_bits, dtype=np.int64)
    swings = np.zeros((n, n + 1), dtype=np.int64)  # swings[i][size of winning coalition]
    wins_total = 0
    for hi in range(1 << (n - low_bits)):
        masks = (np.int64(hi) << low_bits) | low
        bits = [((masks >> j) & 1).astype(np.int64) for j in range(n)]
        weight = np.zeros_like(masks)
        size = np.zeros_like(masks)
        for j in range(n):
            weight += bits[j] * w[j]
            size += bits[j]
        win = ((size >= kmin) & (weight >= q)) | (size >= always)
        wins_total += int(win.sum())
        for i in range(n):
            s1 = size - 1
            w1 = weight - w[i]
            win_without = ((s1 >= kmin) & (w1 >= q)) | (s1 >= always)
            sw = win & (bits[i] == 1) & ~win_without
            swings[i] += np.bincount(size[sw], minlength=n + 1)
    fact = [math.factorial(k) for k in range(n + 1)]
    bz_counts = [int(swings[i].sum()) for i in range(n)]
    total_sw = sum(bz_counts)
    ss = [
        sum(Fraction(int(swings[i][s]) * fact[s - 1] * fact[n - s], fact[n]) for s in range(1, n + 1))
        for i in range(n)
    ]
    return {
        "quota": q,
        "min_members": kmin,
        "members_always_win": always,
        "swings": bz_counts,
        "winning_coalitions": wins_total,
        "banzhaf": [float(Fraction(c, total_sw)) for c in bz_counts],
        "shapley_shubik": [float(x) for x in ss],
        "ss_sum": float(sum(ss)),
    }


if __name__ == "__main__":
    unit = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    names, weights = load(unit)
    t0 = time.perf_counter()
    res = run(weights)
    res["seconds"] = time.perf_counter() - t0
    res["names"] = names
    res["weights"] = weights
    res["unit"] = unit
    print(json.dumps(res))
