"""ambit.region over the bundled Lombardy data folder: audit figures recomputed here from the
folder's own tables with pandas, plans checked unit by unit."""

import re
from pathlib import Path

import pandas as pd
import pytest

import ambit.region as region

ROOT = Path(__file__).resolve().parents[2]
LOMBARDY = ROOT / "data" / "lombardy"


@pytest.fixture(scope="module")
def comuni():
    return pd.read_csv(LOMBARDY / "comuni_2018.csv", dtype={"istat_code": str}).set_index("istat_code")


@pytest.fixture(scope="module")
def ambiti():
    return pd.read_csv(LOMBARDY / "ambiti_2017.csv", dtype={"istat_code": str})


def test_audit_figures_match_the_tables(comuni, ambiti):
    a = region.audit(LOMBARDY, districts="ambiti-2017")
    pops = ambiti.join(comuni["pop_best"], on="istat_code").groupby("ambito")["pop_best"].sum()
    assert sorted(a.districts.index) == sorted(pops.index)
    for name, pop in pops.items():
        assert a.districts.loc[name, "population"] == pop
    seriate = a.districts.loc["Seriate"]
    # the policy: more than 80,000 inhabitants; Seriate falls short by 80,001 - population
    assert seriate["threshold"] == 80000 and bool(seriate["strict"])
    assert not seriate["compliant"]
    assert seriate["shortfall"] == 80001 - pops["Seriate"]
    assert a.summary["population"] == comuni["pop_best"].sum()
    assert a.summary["municipalities"] == len(comuni)
    assert a.summary["unassigned_municipalities"] == len(comuni) - len(ambiti)


def test_audit_takes_a_dataframe_map(ambiti):
    named = region.audit(LOMBARDY, districts="ambiti-2017")
    frame = region.audit(LOMBARDY, districts=ambiti.rename(columns={"istat_code": "code", "ambito": "district"}))
    pd.testing.assert_series_equal(named.districts["population"], frame.districts["population"])


def test_plan_max_districts_is_complete_and_compliant(comuni):
    p = region.plan(LOMBARDY, starts=2, effort=5)
    assert sorted(p.assignment["code"]) == sorted(comuni.index)
    pops = p.assignment.join(comuni["pop_best"], on="code").groupby("district")["pop_best"].sum()
    figures = p.districts.set_index("name")
    for name, pop in pops.items():
        assert figures.loc[name, "population"] == pop
        assert pop > figures.loc[name, "threshold"]  # strict thresholds
    assert p.compliant == len(pops)
    m = re.match(r"p = (\d+), at most (\d+) possible", p.summary[1])
    assert int(m.group(1)) == p.compliant <= int(m.group(2)) == p.result["upper_bound"]["value"]


def test_plan_min_change_closes_seriate(comuni, ambiti):
    p = region.plan(LOMBARDY, objective="min-change", baseline="ambiti-2017")
    before = ambiti.join(comuni["pop_best"], on="istat_code").groupby("ambito")["pop_best"].sum()
    after = p.assignment.join(comuni["pop_best"], on="code").groupby("district")["pop_best"].sum()
    moved = p.assignment.merge(ambiti, left_on="code", right_on="istat_code")
    moved = moved[moved["district"] != moved["ambito"]]
    assert p.result["units_moved"] == len(moved) >= 1
    assert (after > 80000).all()
    assert after["Seriate"] == before["Seriate"] + moved[moved["district"] == "Seriate"].join(
        comuni["pop_best"], on="code"
    )["pop_best"].sum()


def test_bad_inputs_name_the_file(tmp_path):
    with pytest.raises(ValueError, match="nowhere"):
        region.audit(tmp_path / "nowhere")
    bad = tmp_path / "map.csv"
    bad.write_text("code,district\n999999,X\n")
    with pytest.raises(ValueError, match=r"map\.csv"):
        region.audit(LOMBARDY, districts=str(bad))
    with pytest.raises(ValueError, match="objective: `max-p`"):
        region.plan(LOMBARDY, objective="max-p")
    with pytest.raises(ValueError, match="min-change needs a baseline"):
        region.plan(LOMBARDY, objective="min-change")
