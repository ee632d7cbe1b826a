#!/usr/bin/env python3
"""Times the studio's live validation by deltas on France (POST /api/audit/live) against a
running `ambit serve --data data/france`: one session started with the 2019 EPCI map, then
N edits moving 46138 (Cœur de Causse) into the EPCI of its neighbour 46018 and back, each
timed from request sent to answer read (loopback: request parse, incremental audit of the two
EPCI touched, JSON answer). Prints one line per edit and the median.
Usage: live_delta.py BASE_URL [N]"""
import json
import statistics
import sys
import time
import urllib.request

base = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 20


def post(body):
    req = urllib.request.Request(f"{base}/api/audit/live", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    t = time.perf_counter()
    with urllib.request.urlopen(req) as r:
        answer = json.load(r)
    return answer, (time.perf_counter() - t) * 1e3


with urllib.request.urlopen(f"{base}/api/district-maps/epci-2019") as r:
    epci = json.load(r)
start, ms = post({"assignment": epci})
print(f"start: whole map, {start['summary']['districts']} districts, {ms:.0f} ms")
session, seq = start["session"], start["seq"]
times = []
for k in range(n):
    to = epci["46018"] if k % 2 == 0 else epci["46138"]
    d, ms = post({"session": session, "base": seq, "changes": {"46138": to}})
    seq = d["seq"]
    times.append(ms)
    print(f"edit {k + 1}: 46138 -> {to}: {len(d['changed'])} districts re-audited, "
          f"{d['summary']['non_contiguous_districts']} not contiguous, {ms:.1f} ms")
print(f"median {statistics.median(times):.1f} ms, max {max(times):.1f} ms over {n} edits")
