#!/usr/bin/env python3
"""Peer implementation of ambit-sim's uptake model in plain Python (stdlib only).

Same model as crates/sim/MODEL.md, written independently from the text, with fixed parameters:
used by bench/sim/run.sh (1) as an independent check of the Rust engine's expected counts and
(2) as the speed baseline a modeller would write first. Usage:

    peer_python.py SCENARIO_DIR RUNS SEED subscribe agree score incentive homophily standby defect dominant second
prints JSON: mean of each count per window, and seconds.
"""
import csv, json, math, random, sys, time, tomllib

def logistic(x):
    if x == math.inf: return 1.0
    if x == -math.inf: return 0.0
    return 1.0 / (1.0 + math.exp(-x))

def flag(v):
    v = (v or "").strip().lower()
    return None if v == "" else v in ("1", "true", "yes")

def main():
    d, runs, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    sub, agree, score_e, inc_e, homo_e, sb, defect, dom_e, second = map(float, sys.argv[4:13])
    districts = list(csv.DictReader(open(f"{d}/districts.csv")))
    names = [r["district"] for r in districts]
    idx = {n: i for i, n in enumerate(names)}
    compliant = [r["compliant"] in ("1", "true") for r in districts]
    groups = [(r["candidate"], [idx[m] for m in r["members"].split("|")]) for r in csv.DictReader(open(f"{d}/candidates.csv"))]
    assess = {r["candidate"]: r for r in csv.DictReader(open(f"{d}/assessments.csv"))}
    pol = tomllib.load(open(f"{d}/policy.toml", "rb"))
    windows = pol["windows"]; imax = max(w["incentive_eur"] for w in windows)
    p_agree, p_def = [], []
    for name, _ in groups:
        a = assess.get(name)
        if a is None: s, h, dom = 0.5, False, False
        else:
            if (a.get("score") or "") != "": s = float(a["score"])
            elif a["outcome"] == "success": s = 1.0
            elif a["outcome"] == "failure": s = 0.0
            else:
                f = lambda v: 0.5 if v is None else (1.0 if v else 0.0)
                s = max(min(f(flag(a["ties"])), f(flag(a["trust"]))), f(flag(a["leadership"])))
            h, dom = bool(flag(a.get("homophily"))), bool(flag(a.get("dominant_city")))
        base = agree + score_e * (s - 0.5) + (homo_e if h else 0.0)
        p_agree.append([logistic(base + inc_e * w["incentive_eur"] / imax) for w in windows])
        p_def.append(logistic(defect + (dom_e if dom else 0.0)))
    ps, psb = logistic(sub), logistic(sb)
    rng = random.Random(seed)
    W = len(windows)
    tot = [[0.0] * 4 for _ in range(W)]  # subscribed, merges, standby, spend
    t0 = time.perf_counter()
    for _ in range(runs):
        merged = [None] * len(names); subd = [False] * len(names); stand = [False] * len(names)
        state = ["open"] * len(groups); spend = 0; merges = 0
        for w in range(W):
            for gi, (_, mem) in enumerate(groups):
                if state[gi] != "open": continue
                if any(merged[m] is not None for m in mem): state[gi] = "superseded"; continue
                if rng.random() < p_agree[gi][w]:
                    state[gi] = "merged"; merges += 1
                    for m in mem: merged[m] = gi
                    spend += windows[w]["incentive_eur"]
                    if rng.random() < second: spend += pol.get("second_level_eur", 0)
                elif any(rng.random() < p_def[gi] for _ in mem): state[gi] = "dissolved"
            for i in range(len(names)):
                if merged[i] is not None: continue
                if compliant[i]: subd[i] = subd[i] or rng.random() < ps
                else: stand[i] = stand[i] or rng.random() < psb
            s = merges + sum(1 for i in range(len(names)) if merged[i] is None and compliant[i] and subd[i])
            b = sum(1 for i in range(len(names)) if merged[i] is None and not compliant[i] and stand[i])
            for k, v in enumerate((s, merges, b, spend)): tot[w][k] += v
    secs = time.perf_counter() - t0
    out = {"runs": runs, "seconds": secs, "windows": [
        {"label": windows[w]["label"], "subscribed": tot[w][0] / runs, "merges": tot[w][1] / runs,
         "standby": tot[w][2] / runs, "spend_eur": tot[w][3] / runs} for w in range(W)]}
    print(json.dumps(out))

main()
