"""Qualitative Comparative Analysis matching R package QCA 3.25.1.

Names and defaults follow R's ``truthTable``, ``minimize`` and ``calibrate`` with Python
spelling (``incl.cut`` -> ``incl_cut``, ``dir.exp`` -> ``dir_exp``). Data are pandas DataFrames
whose index holds the case labels (R's ``row.names``) and whose columns are numeric.

>>> import pandas as pd, ambit.qca as qca
>>> df = pd.DataFrame({"TIES": [1, 1, 0, 0], "LEAD": [1, 0, 0, 0], "SUCCESS": [1, 1, 0, 0]},
...                   index=["A", "B", "C", "D"])
>>> qca.minimize(df, "SUCCESS", include="?").solution
[['TIES']]
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, Optional, Union

import numpy as np
import pandas as pd

from . import _ambit

__all__ = ["TruthTable", "Solution", "truth_table", "minimize", "calibrate"]


from ._maxp import _show


def _matrix(data: pd.DataFrame, source: str) -> tuple[str, list[str], list]:
    """Case labels and numeric columns (missing cells as None) for the library."""
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"data: expected a pandas DataFrame, got {type(data).__name__}")
    cases = [str(c) for c in data.index]
    columns = []
    for name in data.columns:
        col = data[name]
        num = pd.to_numeric(col, errors="coerce")
        bad = num.isna() & col.notna()
        if bad.any():
            case = data.index[np.argmax(bad.to_numpy())]
            raise ValueError(f"{source}: column {name!r}, case {case!r}: value {_show(col.loc[case])} is not a number")
        columns.append((str(name), [None if pd.isna(v) else float(v) for v in num]))
    return source, cases, columns


def _cuts(incl_cut: Union[float, Sequence[float]]) -> list[float]:
    if isinstance(incl_cut, (int, float, np.floating, np.integer)):
        return [float(incl_cut)]
    return [float(c) for c in incl_cut]


class TruthTable:
    """A truth table (R's ``truthTable``): ``tt`` has one row per observed configuration, indexed
    by R's row number, with the condition values, ``OUT``, ``n``, ``incl``, ``PRI`` and ``cases``.
    """

    def __init__(self, raw: dict, data: pd.DataFrame, params: dict):
        self.raw = raw
        self.data = data
        self.params = params
        self.conditions: list[str] = raw["conditions"]
        self.outcome: str = raw["outcome"]
        self.noflevels: list[int] = raw["noflevels"]
        self.n_rows_total: int = raw["n_rows_total"]
        self.warnings: list[str] = raw.get("warnings", [])
        rows = raw["observed_rows"]
        tt = pd.DataFrame(
            [r["values"] for r in rows], columns=self.conditions, index=[r["row"] for r in rows], dtype="int64"
        )
        tt.index.name = "row"
        tt["OUT"] = [r["OUT"] for r in rows]
        tt["n"] = [r["n"] for r in rows]
        tt["incl"] = [r["incl"] for r in rows]
        tt["PRI"] = [r["PRI"] for r in rows]
        tt["cases"] = [",".join(r["cases"]) for r in rows]
        self.tt = tt

    def __repr__(self) -> str:
        return f"TruthTable(outcome={self.outcome!r}, conditions={self.conditions!r})\n{self.tt}"


def truth_table(
    data: pd.DataFrame,
    outcome: str,
    conditions: Optional[Sequence[str]] = None,
    incl_cut: Union[float, Sequence[float]] = 1,
    n_cut: int = 1,
    pri_cut: float = 0,
) -> TruthTable:
    """Truth table of ``outcome`` (``~Y`` negated, ``Y[v]`` multi-value) over ``conditions``
    (default: every other column), R's ``truthTable(data, outcome, conditions, incl.cut, n.cut,
    pri.cut)``. ``incl_cut`` may hold two values (1 and contradiction cut-offs)."""
    params = dict(
        outcome=outcome,
        conditions=list(conditions or []),
        incl_cut=_cuts(incl_cut),
        n_cut=int(n_cut),
        pri_cut=float(pri_cut),
    )
    raw = json.loads(_ambit.truth_table(*_matrix(data, "data"), **params))
    return TruthTable(raw, data, params)


def _fit_frame(terms: list[dict]) -> pd.DataFrame:
    cols = ["term", "inclS", "PRI", "covS", "covU", "cases"]
    df = pd.DataFrame([{c: t.get(c) for c in cols} for t in terms], columns=cols)
    return df.set_index("term")


class Solution:
    """A minimisation (R's ``minimize``).

    ``solution``: every model, each a list of prime implicants (R syntax); ``essential``;
    ``pi_chart``: a DataFrame of implicants by covered truth table rows (True where covered);
    ``pi_fit``: fit of every implicant (``inclS``, ``PRI``, ``covS``, ``covU``, ``cases``);
    ``model_fit``: one row per model (``M1``...); ``term_fit``: per model and term;
    ``simplifying_assumptions``: rows (DataFrame of condition values) per model;
    ``intermediate``: intermediate solutions (with ``dir_exp``), each a ``Solution``-like
    object with ``easy_counterfactuals`` and ``difficult_counterfactuals``;
    ``certificate``: whether the models are proven minimal and complete.
    """

    def __init__(self, raw: dict, tt: Optional[TruthTable] = None):
        self.raw = raw
        self.tt = tt
        self.conditions = raw.get("conditions", tt.conditions if tt else [])
        self.outcome = raw.get("outcome", tt.outcome if tt else "")
        self.solution: list[list[str]] = raw["models"]
        self.models = self.solution
        self.essential: list[str] = raw.get("essential", [])
        self.model_ambiguity: bool = raw.get("model_ambiguity", len(self.solution) > 1)
        self.warnings: list[str] = raw.get("warnings", [])
        self.certificate: dict = raw.get("certificate", {})
        chart = raw.get("pi_chart", [])
        rows = sorted({r for e in chart for r in e["covers_rows"]})
        self.pi_chart = pd.DataFrame(
            [[r in e["covers_rows"] for r in rows] for e in chart],
            index=[e["pi"] for e in chart],
            columns=rows,
            dtype=bool,
        )
        fit = raw["fit"]
        self.pi_fit = _fit_frame(fit["pi_fit"])
        names = [f"M{i + 1}" for i in range(len(fit["models"]))]
        self.model_fit = pd.DataFrame(
            [m["model_fit"] for m in fit["models"]], index=names
        ).rename(columns={"incl_s": "inclS", "pri": "PRI", "cov_s": "covS"})
        parts = []
        for name, m in zip(names, fit["models"]):
            f = _fit_frame(m["term_fit"]).reset_index()
            f.insert(0, "model", name)
            parts.append(f)
        self.term_fit = (
            pd.concat(parts, ignore_index=True).set_index(["model", "term"])
            if parts
            else pd.DataFrame(columns=["inclS", "PRI", "covS", "covU", "cases"])
        )
        sa = raw.get("simplifying_assumptions") or {}
        self.simplifying_assumptions = {
            m: pd.DataFrame(
                [r["values"] for r in rs], index=[r["row"] for r in rs], columns=self.conditions, dtype="int64"
            )
            for m, rs in sa.items()
        }
        self.intermediate = [_Intermediate(i, self.conditions) for i in raw.get("intermediate", [])]

    def __repr__(self) -> str:
        lines = [f"M{i + 1}: {' + '.join(m)} -> {self.outcome}" for i, m in enumerate(self.solution)]
        return "\n".join(lines) or "no solution"


class _Intermediate(Solution):
    """An intermediate solution for one conservative / parsimonious pair (``combination``)."""

    def __init__(self, raw: dict, conditions: list[str]):
        raw = dict(raw, conditions=conditions, outcome="")
        super().__init__(raw)
        self.combination: str = raw["combination"]
        self.conservative_model: list[str] = raw["conservative_model"]
        self.parsimonious_model: list[str] = raw["parsimonious_model"]

        def rows(key: str) -> pd.DataFrame:
            rs = raw.get(key, [])
            return pd.DataFrame([r["values"] for r in rs], index=[r["row"] for r in rs], columns=conditions)

        self.easy_counterfactuals = rows("easy_counterfactuals")
        self.difficult_counterfactuals = rows("difficult_counterfactuals")


def minimize(
    data: Union[pd.DataFrame, TruthTable],
    outcome: Optional[str] = None,
    conditions: Optional[Sequence[str]] = None,
    incl_cut: Union[float, Sequence[float]] = 1,
    n_cut: int = 1,
    pri_cut: float = 0,
    include: str = "",
    dir_exp: Optional[Sequence[str]] = None,
    row_dom: bool = False,
    all_sol: bool = False,
    exclude: Optional[Sequence[int]] = None,
    pi_cons: float = 0,
    sol_cons: float = 0,
    sol_cov: float = 0,
    min_pin: bool = False,
    time_limit: Optional[float] = None,
) -> Solution:
    """Boolean minimisation, R's ``minimize``: of a :class:`TruthTable` (its parameters are
    reused) or of a DataFrame with ``outcome`` and the truth table parameters. ``include="?"``
    uses remainders (parsimonious; with ``dir_exp`` also intermediate solutions), ``"C"``
    contradictions; ``all_sol`` lists every irredundant model; ``min_pin`` (R's ``min.pin``)
    keeps prime implicants only up to the complexity level that stops lowering the number of
    implicants a model needs. With ``time_limit`` (seconds) a
    long search stops with the best models and says so in ``certificate``."""
    if isinstance(data, TruthTable):
        params = dict(data.params)
        frame = data.data
    else:
        if outcome is None:
            raise ValueError("outcome: required when data is a DataFrame")
        params = dict(
            outcome=outcome,
            conditions=list(conditions or []),
            incl_cut=_cuts(incl_cut),
            n_cut=int(n_cut),
            pri_cut=float(pri_cut),
        )
        frame = data
    sol, tt = _ambit.minimize(
        *_matrix(frame, "data"),
        **params,
        include=include,
        dir_exp=list(dir_exp or []),
        row_dom=bool(row_dom),
        all_sol=bool(all_sol),
        exclude=[int(r) for r in (exclude or [])],
        pi_cons=float(pi_cons),
        sol_cons=float(sol_cons),
        sol_cov=float(sol_cov),
        min_pin=bool(min_pin),
        time_limit=None if time_limit is None else float(time_limit),
    )
    return Solution(json.loads(sol), TruthTable(json.loads(tt), frame, params))


def _thresholds(thresholds: Any) -> list[float]:
    """R's thresholds: ``"e=400, c=550, i=900"``, a dict with e/c/i (or e1, c1, i1, i2, c2,
    e2 for the bell), or plain numbers."""
    order = ["e", "c", "i"]
    bell = ["e1", "c1", "i1", "i2", "c2", "e2"]
    if isinstance(thresholds, str):
        parts = [p.strip() for p in thresholds.split(",") if p.strip()]
        if all("=" in p for p in parts):
            thresholds = {k.strip(): v for k, v in (p.split("=", 1) for p in parts)}
        else:
            thresholds = parts
    if isinstance(thresholds, Mapping):
        keys = bell if len(thresholds) == 6 else order
        missing = [k for k in keys if k not in thresholds]
        if missing:
            raise ValueError(f"thresholds: missing {', '.join(missing)} (given {', '.join(thresholds)})")
        thresholds = [thresholds[k] for k in keys]
    if thresholds is None:
        return []
    if isinstance(thresholds, (int, float)):
        thresholds = [thresholds]
    out = []
    for t in thresholds:
        try:
            out.append(float(t))
        except (TypeError, ValueError):
            raise ValueError(f"thresholds: {t!r} is not a number") from None
    return out


def calibrate(
    x,
    type: str = "fuzzy",
    method: str = "direct",
    thresholds: Any = None,
    logistic: bool = True,
    idm: float = 0.95,
    below: float = 1,
    above: float = 1,
):
    """Calibrates raw values into set memberships, R's ``calibrate``: ``type="crisp"`` with cut
    points, or ``"fuzzy"`` with ``method="direct"`` (thresholds ``"e=..., c=..., i=..."``;
    logistic with inclusion degree ``idm``, or linear/power with ``above``/``below`` when
    ``logistic=False``; six thresholds give the bell) or ``method="TFR"``. Returns a numpy
    array, or a Series with ``x``'s index when ``x`` is one."""
    values = np.asarray(x, dtype=float).reshape(-1)
    if not np.isfinite(values).all():
        i = int(np.argmax(~np.isfinite(values)))
        where = f"case {x.index[i]!r}" if isinstance(x, pd.Series) else f"position {i}"
        raise ValueError(f"x: {where}: value {values[i]} is missing or not finite")
    out = np.asarray(
        _ambit.calibrate(
            values.tolist(),
            type=type,
            method=method,
            thresholds=_thresholds(thresholds),
            logistic=bool(logistic),
            idm=float(idm),
            above=float(above),
            below=float(below),
        )
    )
    if isinstance(x, pd.Series):
        return pd.Series(out, index=x.index, name=x.name)
    return out
