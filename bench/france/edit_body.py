#!/usr/bin/env python3
"""Writes the body of one studio edit for POST /api/audit: the 2019 EPCI map with one commune
(46138, of the CC du Causse de Labastide Murat) moved into the EPCI of its neighbour 46018, closing mergers skipped.
Usage: edit_body.py DATA_DIR OUT.json"""
import csv
import json
import sys

data, out = sys.argv[1], sys.argv[2]
m = {r["code"]: r["epci"] for r in csv.DictReader(open(f"{data}/epci-2019.csv", encoding="utf-8"))}
m["46138"] = m["46018"]
json.dump({"assignment": m, "closing_mergers": "skip"}, open(out, "w", encoding="utf-8"),
          ensure_ascii=False)
