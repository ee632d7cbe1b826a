"""Peer for `crates/territory/benches/contiguity.rs`: libpysal contiguity on the same file.

Loads data/lombardy/boundaries_2021.geojson with geopandas, builds rook and queen contiguity
with libpysal (weights API, `Rook.from_dataframe` / `Queen.from_dataframe`), checks the rook pairs
against data/lombardy/adjacency_2021.csv and prints the best of N wall-clock timings.

    python3 -m venv venv && venv/bin/pip install libpysal geopandas
    venv/bin/python bench/contiguity/peer_libpysal.py [--repeat 5]
"""

import argparse
import csv
import time
from pathlib import Path

import geopandas as gpd
from libpysal.weights import Queen, Rook

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "lombardy"


def pairs(w, codes):
    out = set()
    for i, neighbours in w.neighbors.items():
        for j in neighbours:
            a, b = codes[i], codes[j]
            out.add((min(a, b), max(a, b)))
    return out


def best_of(repeat, fn):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    path = DATA / "boundaries_2021.geojson"

    t_load, gdf = best_of(args.repeat, lambda: gpd.read_file(path))
    codes = list(gdf["istat_code"])
    t_rook, rook = best_of(args.repeat, lambda: Rook.from_dataframe(gdf, use_index=False))
    t_queen, queen = best_of(args.repeat, lambda: Queen.from_dataframe(gdf, use_index=False))

    shipped = set()
    with open(DATA / "adjacency_2021.csv", newline="") as f:
        for row in csv.DictReader(f):
            a, b = row["istat_code_a"], row["istat_code_b"]
            shipped.add((min(a, b), max(a, b)))
    rook_pairs, queen_pairs = pairs(rook, codes), pairs(queen, codes)
    print(f"features            {len(gdf)}")
    print(f"rook pairs          {len(rook_pairs)} (shipped {len(shipped)}, equal: {rook_pairs == shipped})")
    print(f"queen pairs         {len(queen_pairs)}")
    print(f"islands (rook)      {[codes[i] for i in rook.islands]}")
    print(f"load (geopandas)    {t_load * 1000:.1f} ms")
    print(f"rook                {t_rook * 1000:.1f} ms")
    print(f"queen               {t_queen * 1000:.1f} ms")
    print(f"load + rook         {(t_load + t_rook) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
