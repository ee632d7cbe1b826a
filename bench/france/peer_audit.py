#!/usr/bin/env python3
"""Peer computation of the NOTRe audit of the 1,259 EPCI of 2019, independent of ambit's code
(Python standard library over the shipped data/france files), for the tests and RESULTS.md.

Rules (policies/france-notre-2015.toml; CGCT art. L5210-1-1 III 1 as amended by loi
2015-991 art. 33), tried in order, the first that holds gives the threshold:
  island-territory  all members on islands and the EPCI has every commune of its island: 5,000
  mountain          data missing (unknown)                                             : 5,000
  merger-2012-2015  data missing (unknown)                                             : 5,000
  very-low-density  density < 0.3 x national density                                   : 5,000
  low-density       density < 0.5 x national and majority departement density < national:
                    max(5,000, 15,000 x departement density / national density)
  standard          15,000
Status: compliant when the population reaches the threshold; else "unknown" when it reaches
5,000 (the threshold a missing-data class would give); else non-compliant.

Writes bench/france/peer_audit.csv (one row per EPCI under 15,000) and prints a summary.
"""
import collections
import csv
import os

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "../../data/france")


def main():
    communes = list(csv.DictReader(open(os.path.join(DATA, "communes.csv"), encoding="utf-8")))
    epci_of = {r["code"]: r["epci"] for r in csv.DictReader(open(os.path.join(DATA, "epci-2019.csv"), encoding="utf-8"))}
    pop_total = sum(int(c["population"]) for c in communes)
    area_total = sum(float(c["area_km2"]) for c in communes)
    national = pop_total / area_total
    dpop, darea = collections.Counter(), collections.Counter()
    for c in communes:
        dpop[c["departement"]] += int(c["population"])
        darea[c["departement"]] += float(c["area_km2"])
    ddens = {d: dpop[d] / darea[d] for d in dpop}
    members = collections.defaultdict(list)
    for c in communes:
        if c["code"] in epci_of:
            members[epci_of[c["code"]]].append(c)
    rows = []
    counts = collections.Counter()
    for name, ms in sorted(members.items()):
        pop = sum(int(m["population"]) for m in ms)
        area = sum(float(m["area_km2"]) for m in ms)
        dens = pop / area
        # majority departement: most communes, then larger population, then smaller density
        by = collections.defaultdict(lambda: [0, 0])
        for m in ms:
            by[m["departement"]][0] += 1
            by[m["departement"]][1] += int(m["population"])
        dep = sorted(by, key=lambda d: (-by[d][0], -by[d][1], ddens[d]))[0]
        on_island = all(int(m["island_communes"]) > 0 for m in ms)
        whole_island = on_island and sum(int(m["island_communes"]) for m in ms) == len(ms) ** 2
        if whole_island:
            cls, thr = "island-territory", 5000.0
        elif dens < 0.3 * national:
            cls, thr = "very-low-density", 5000.0
        elif dens < 0.5 * national and ddens[dep] < national:
            cls, thr = "low-density", max(5000.0, 15000.0 * ddens[dep] / national)
        else:
            cls, thr = "standard", 15000.0
        if pop >= thr:
            status = "compliant"
        elif pop >= 5000:
            status = "unknown"
        else:
            status = "non-compliant"
        if pop < 15000:
            counts[(cls, status)] += 1
            rows.append([name, pop, cls, f"{thr:.3f}", status, dep])
    with open(os.path.join(HERE, "peer_audit.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["epci", "population", "class", "threshold", "status", "departement"])
        w.writerows(rows)
    print(f"national density {national:.6f}; EPCI {len(members)}; under 15,000: {len(rows)}")
    for k, v in sorted(counts.items()):
        print(k, v)


if __name__ == "__main__":
    main()
