#!/usr/bin/env python3
"""Builds ambit's data folder for France (communes and EPCI of 1 January 2019) from the
prepared source files described in PROVENANCE.md (communes.csv, epci.csv, adjacency.csv,
boundaries.geojson, as written by the source build `build.py` of that folder).

Python 3 standard library only; deterministic (two runs give byte-identical files).

    python3 data/france/build.py --source DIR [--out data/france]

What it does (each step says why):
  * communes.csv: code, name, departement, region, population, area_km2 as given, plus two
    columns derived from the adjacency: `island` (an identifier of the island the commune is on:
    the smallest code of its connected component, empty on a mainland) and `island_communes`
    (the number of communes of that island, 0 on a mainland), so that the NOTRe rule "groups
    all the communes of an island territory" is a rule over members' data. A mainland is the
    largest connected component of metropolitan France and the component(s) of French Guiana
    (973), the only overseas departement on a continent.
  * epci-2019.csv: the district map `code,epci` (EPCI names; the one name used by two EPCI,
    "CC des Quatre Rivieres", gets the departement of the majority of its communes appended).
  * epci.csv: the EPCI table (SIREN, name as used in the map, type, financing) for reference.
  * adjacency.csv: copied as is (rook pairs with the shared boundary length in km).
  * boundaries.geojson.gz: properties `code`, `name`; coordinates rounded to 4 decimals
    (about 11 m north-south, 8 m east-west) with repeated consecutive points removed, then
    gzip -9 with a zero timestamp: 45.7 MB -> about 11 MB. Shared edges stay shared (both
    sides round the same vertices the same way). Areas and adjacency are not recomputed.
"""
import argparse
import collections
import csv
import gzip
import io
import json
import os
import sys


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def components(nodes, pairs):
    parent = {n: n for n in nodes}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    comp = collections.defaultdict(list)
    for n in nodes:
        comp[find(n)].append(n)
    return [sorted(v) for v in comp.values()]


def rounded(coords, nd):
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], nd), round(coords[1], nd)]
    return [rounded(c, nd) for c in coords]


def dedup(ring):
    out = []
    for p in ring:
        if not out or out[-1] != p:
            out.append(p)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    src, out = args.source, args.out

    communes = read_csv(os.path.join(src, "communes.csv"))
    adjacency = read_csv(os.path.join(src, "adjacency.csv"))
    epci = read_csv(os.path.join(src, "epci.csv"))
    codes = [c["code"] for c in communes]
    pairs = [(p["code_a"], p["code_b"]) for p in adjacency]

    comps = components(codes, pairs)
    metro = [c for c in comps if not c[0].startswith("97")]
    mainland = {c[0] for c in metro if len(c) == max(len(x) for x in metro)}
    mainland |= {c[0] for c in comps if c[0].startswith("973")}
    island_of = {}
    for comp in comps:
        if comp[0] in mainland:
            continue
        for code in comp:
            island_of[code] = (comp[0], len(comp))
    print(f"{len(comps)} connected components; {len(island_of)} communes on "
          f"{len(comps) - len(mainland)} islands", file=sys.stderr)

    write_csv(os.path.join(out, "communes.csv"),
              ["code", "name", "departement", "region", "population", "area_km2", "island",
               "island_communes"],
              [[c["code"], c["name"], c["departement"], c["region"], c["population"],
                c["area_km2"], island_of.get(c["code"], ("", 0))[0],
                island_of.get(c["code"], ("", 0))[1]] for c in communes])

    # EPCI names as district names: unique, or suffixed with the majority departement.
    by_name = collections.Counter(e["name"] for e in epci)
    deps = collections.defaultdict(collections.Counter)
    for c in communes:
        if c["epci_code"]:
            deps[c["epci_code"]][c["departement"]] += 1
    label = {}
    for e in epci:
        n = e["name"]
        if by_name[n] > 1:
            n = f"{n} ({deps[e['code']].most_common(1)[0][0]})"
        label[e["code"]] = n
    if len(set(label.values())) != len(label):
        raise SystemExit("EPCI names are still not unique")
    write_csv(os.path.join(out, "epci-2019.csv"), ["code", "epci"],
              [[c["code"], label[c["epci_code"]]] for c in communes if c["epci_code"]])
    write_csv(os.path.join(out, "epci.csv"),
              ["siren", "epci", "type", "financing", "population", "members"],
              [[e["code"], label[e["code"]], e["type"], e["financing"], e["population"],
                e["members"]] for e in epci])
    write_csv(os.path.join(out, "adjacency.csv"), ["code_a", "code_b", "shared_km"],
              [[p["code_a"], p["code_b"], p["shared_km"]] for p in adjacency])

    with open(os.path.join(src, "boundaries.geojson"), encoding="utf-8") as f:
        features = json.load(f)["features"]
    buf = io.StringIO()
    buf.write('{"type":"FeatureCollection","features":[\n')
    for k, ft in enumerate(features):
        g = ft["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        polys = [[dedup(rounded(r, 4)) for r in poly] for poly in polys]
        for poly in polys:
            for r in poly:
                if len(r) < 4:
                    raise SystemExit(f"{ft['properties']['code']}: a ring collapses at 4 decimals")
        geom = {"type": g["type"], "coordinates": polys[0] if g["type"] == "Polygon" else polys}
        props = {"code": ft["properties"]["code"], "name": ft["properties"]["name"]}
        buf.write(json.dumps({"type": "Feature", "properties": props, "geometry": geom},
                             ensure_ascii=False, separators=(",", ":")))
        buf.write(",\n" if k < len(features) - 1 else "\n")
    buf.write("]}\n")
    with open(os.path.join(out, "boundaries.geojson.gz"), "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, compresslevel=9, mtime=0) as z:
            z.write(buf.getvalue().encode("utf-8"))


if __name__ == "__main__":
    main()
