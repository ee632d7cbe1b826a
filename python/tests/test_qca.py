"""ambit.qca against R QCA 3.25.1: every reference analysis the Rust test suite checks
(``crates/qca/tests/fixtures/expected/*/expected.json``, numbers are R's unrounded doubles),
reproduced through the Python API."""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ambit.qca as qca

FIXTURES = Path(__file__).resolve().parents[2] / "crates" / "qca" / "tests" / "fixtures"
TOL = 1e-9


def cases():
    out = []
    for f in sorted((FIXTURES / "expected").glob("*/expected.json")):
        d = json.loads(f.read_text())
        for a in d.get("analyses", []):
            if {"models", "observed_rows"} & set(a["result"]):
                out.append(pytest.param(d, a, id=f"{d['case']}-{a['id']}"))
    return out


def load(case):
    name = Path(case["data_files"][0]).name
    return pd.read_csv(FIXTURES / "data" / name, index_col=0)


def close(a, b):
    if b is None:
        return a is None or (isinstance(a, float) and math.isnan(a))
    return abs(a - b) <= TOL


def conditions_for(params, case):
    if "conditions" in params:
        return params["conditions"]
    out = params["outcome"].lstrip("~").split("[")[0].split("{")[0]
    return [c for c in case.get("data_columns_used", []) if c != out]


def check_tt(tt, exp):
    assert tt.conditions == exp["conditions"]
    assert tt.noflevels == exp["noflevels"]
    assert tt.n_rows_total == exp["n_rows_total"]
    # as the Rust reference test: the same set of rows (R's embedded tables may repeat one)
    assert set(tt.tt.index) == {r["row"] for r in exp["observed_rows"]}
    for r in exp["observed_rows"]:
        row = tt.tt.loc[r["row"]]
        assert [int(row[c]) for c in tt.conditions] == r["values"]
        assert row["OUT"] == r["OUT"] and row["n"] == r["n"]
        assert close(row["incl"], r["incl"]) and close(row["PRI"], r["PRI"])
        assert row["cases"] == ",".join(r["cases"])


def check_fit(frame, exp_terms):
    for e in exp_terms:
        got = frame.loc[e["term"]]
        for k in ("inclS", "PRI", "covS"):
            assert close(got[k], e[k]), (e["term"], k, got[k], e[k])
        if "covU" in e:
            assert close(got["covU"], e["covU"]), (e["term"], "covU")
        if "cases" in e:
            assert got["cases"] == e["cases"]


def sets(models):
    return {frozenset(m) for m in models}


@pytest.mark.parametrize("case,analysis", cases())
def test_reference_analysis(case, analysis):
    p, exp = analysis["params"], analysis["result"]
    df = load(case)
    incl = p.get("incl_cut", 1)
    kw = dict(
        outcome=p["outcome"],
        conditions=conditions_for(p, case),
        incl_cut=incl,
        n_cut=p.get("n_cut", 1),
        pri_cut=p.get("pri_cut", 0),
    )
    if "observed_rows" in exp:
        check_tt(qca.truth_table(df, **kw), exp)
        return
    sol = qca.minimize(
        df,
        **kw,
        include="?" if p.get("include_remainders") else "",
        dir_exp=p.get("dir_exp"),
        all_sol=p.get("all_sol", False),
    )
    assert sets(sol.solution) == sets(exp["models"])
    assert set(sol.essential) == set(exp["essential"])
    chart = {(pi, tuple(int(r) for r in sol.pi_chart.columns[sol.pi_chart.loc[pi].to_numpy()])) for pi in sol.pi_chart.index}
    assert chart == {(e["pi"], tuple(e["covers_rows"])) for e in exp["pi_chart"]}
    check_fit(sol.pi_fit, exp["fit"]["pi_fit"])
    for i, em in enumerate(exp["fit"]["models"]):
        target = frozenset(exp["models"][i])
        j = next(k for k, m in enumerate(sol.solution) if frozenset(m) == target)
        mf = sol.model_fit.iloc[j]
        for k in ("inclS", "PRI", "covS"):
            assert close(mf[k], em["model_fit"][k]), (k, mf[k], em["model_fit"][k])
        check_fit(sol.term_fit.loc[f"M{j + 1}"], em["term_fit"])
    for ei in exp.get("intermediate", []):
        oi = next(i for i in sol.intermediate if i.combination == ei["combination"])
        assert sets(oi.solution) == sets(ei["models"])
        assert set(oi.easy_counterfactuals.index) == {r["row"] for r in ei["easy_counterfactuals"]}
        assert set(oi.difficult_counterfactuals.index) == {r["row"] for r in ei["difficult_counterfactuals"]}
    if "truth_table" in exp:
        check_tt(sol.tt, exp["truth_table"])


def calibration_items():
    d = json.loads((FIXTURES / "expected" / "calibration" / "expected.json").read_text())
    # R's crisp calibration of a decreasing set ("reversed") has no argument of calibrate()
    return [pytest.param(i, id=i["id"]) for i in d["items"] if not i["params"].get("reversed")]


@pytest.mark.parametrize("item", calibration_items())
def test_calibrate_matches_r(item):
    p = item["params"]
    got = qca.calibrate(
        item["input"],
        type=p["type"],
        method=p.get("method", "direct"),
        thresholds=p.get("thresholds"),
        logistic=p.get("logistic", True),
        idm=p.get("inclusion_degree", 0.95),
        above=p.get("above", 1),
        below=p.get("below", 1),
    )
    np.testing.assert_allclose(got, item["expected"], rtol=0, atol=TOL)


def test_calibrate_r_threshold_string_and_series_index():
    x = pd.Series([400.0, 550.0, 900.0], index=["a", "b", "c"], name="DEV")
    got = qca.calibrate(x, thresholds="e=400, c=550, i=900")
    # R: the exclusion threshold maps to 1 - idm, the crossover to 0.5, inclusion to idm
    assert list(got.index) == ["a", "b", "c"]
    np.testing.assert_allclose(got.to_numpy(), [0.05, 0.5, 0.95], atol=1e-12)


def test_minimize_accepts_a_truth_table():
    df = pd.DataFrame({"TIES": [1, 1, 0, 0], "LEAD": [1, 0, 0, 0], "SUCCESS": [1, 1, 0, 0]}, index=list("ABCD"))
    tt = qca.truth_table(df, "SUCCESS")
    # rows (TIES, LEAD): 11 -> row 4, 10 -> row 3, 00 -> row 1; rows 3 and 4 positive
    assert list(tt.tt.index) == [1, 3, 4]
    assert list(tt.tt["OUT"]) == ["0", "1", "1"]
    sol = qca.minimize(tt, include="?")
    assert sol.solution == [["TIES"]]
    assert sol.model_fit.loc["M1", "covS"] == 1.0


def test_minimize_min_pin():
    # Negative rows all have B = 1 and none has A = 1 with D = 1: ~B and A*D are the prime
    # implicants, each covering both positive rows, so both are minimal models. ~B (1 literal)
    # already needs 1 implicant; A*D (2 literals) does not lower that: min.pin stops before it.
    rows = ["p1,1,0,0,1,1", "p2,1,0,1,1,1", "n1,0,1,0,1,0", "n2,1,1,0,0,0",
            "n3,0,1,1,1,0", "n4,0,1,1,0,0", "n5,1,1,1,0,0"]
    df = pd.DataFrame([r.split(",")[1:] for r in rows], columns=list("ABCDY"),
                      index=[r.split(",")[0] for r in rows]).astype(int)
    assert qca.minimize(df, outcome="Y", include="?").solution == [["~B"], ["A*D"]]
    assert qca.minimize(df, outcome="Y", include="?", min_pin=True).solution == [["~B"]]


def test_bad_inputs_raise_clear_errors():
    df = pd.DataFrame({"A": [1, 0], "Y": [1, "x"]}, index=["c1", "c2"])
    with pytest.raises(ValueError, match=r"column 'Y', case 'c2': value 'x' is not a number"):
        qca.truth_table(df, "Y")
    ok = pd.DataFrame({"A": [1, 0], "Y": [1, 0]}, index=["c1", "c2"])
    with pytest.raises(ValueError, match="NOPE"):
        qca.truth_table(ok, "NOPE")
    with pytest.raises(ValueError, match="include"):
        qca.minimize(ok, "Y", include="X")
    with pytest.raises(ValueError, match="thresholds"):
        qca.calibrate([1.0, 2.0], thresholds="e=1, c=2")
    with pytest.raises(ValueError, match=r"position 1: value nan"):
        qca.calibrate([1.0, float("nan")], thresholds=[0, 1, 2])
    with pytest.raises(ValueError, match="type"):
        qca.calibrate([1.0], type="fuzzyish", thresholds=[0, 1, 2])
