"""A region's data folder (``dataset.toml``, as ``ambit import`` builds one): audit a district
map against a reform's policy and plan districts, results as pandas DataFrames.

>>> import ambit.region as region
>>> a = region.audit("data/lombardy", districts="ambiti-2017")      # doctest: +SKIP
>>> a.districts[["population", "threshold", "compliant"]]           # doctest: +SKIP
>>> p = region.plan("data/lombardy", seed=1)                        # doctest: +SKIP
>>> p.summary[1]                                                    # doctest: +SKIP
'p = 121, at most 139 possible (gap 12.9%)'
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from dataclasses import dataclass, field
from typing import Optional, Sequence, Union

import pandas as pd

from . import _ambit

__all__ = ["Audit", "Plan", "audit", "plan"]

PathLike = Union[str, "os.PathLike[str]"]


@dataclass
class Audit:
    """An audit: ``districts`` (one row per district: municipalities, population, class,
    threshold, compliance, shortfall, the mergers that close the gap), ``summary`` (region
    figures), ``unassigned`` (municipalities in no district), ``fragmentation`` (size bands),
    ``raw`` (``ambit audit --format json``)."""

    districts: pd.DataFrame
    summary: pd.Series
    unassigned: pd.DataFrame
    fragmentation: pd.DataFrame
    raw: dict = field(repr=False)


@dataclass
class Plan:
    """A plan: ``assignment`` (code, name, district of every planned municipality),
    ``districts`` (figures per district), ``compliant`` (compliant districts), ``summary``
    (the result in words, with the proven bound), ``result`` (the objective's figures),
    ``interrupted``."""

    assignment: pd.DataFrame
    districts: pd.DataFrame
    compliant: int
    summary: list
    result: dict = field(repr=False)
    interrupted: bool = False


def _warn(notices: Sequence[str]) -> None:
    for n in notices:
        warnings.warn(f"ambit: {n}", stacklevel=3)


class _MapFile:
    """A district map given as a DataFrame (``code``, ``district``) written to a temporary CSV
    for the library's map reader (the same checks as a file); a name or path passes through."""

    def __init__(self, districts):
        self.districts = districts
        self.path: Optional[str] = None

    def __enter__(self) -> Optional[str]:
        d = self.districts
        if d is None or isinstance(d, (str, os.PathLike)):
            return None if d is None else os.fspath(d)
        if not isinstance(d, pd.DataFrame):
            raise ValueError(f"districts: expected a map name, a CSV path or a DataFrame, got {type(d).__name__}")
        missing = [c for c in ("code", "district") if c not in d.columns]
        if missing:
            raise ValueError(f"districts: the DataFrame lacks column(s) {', '.join(missing)}")
        fd, self.path = tempfile.mkstemp(suffix=".csv", prefix="ambit-map-")
        with os.fdopen(fd, "w", newline="") as fh:
            d[["code", "district"]].astype(str).to_csv(fh, index=False)
        return self.path

    def __exit__(self, *exc) -> None:
        if self.path:
            os.unlink(self.path)


def audit(
    data: PathLike,
    districts: Union[str, PathLike, pd.DataFrame, None] = None,
    policy: Optional[PathLike] = None,
) -> Audit:
    """Audits ``districts`` (a map named in the folder's ``dataset.toml``, a CSV path, or a
    DataFrame with ``code`` and ``district``) against ``policy`` (default: the one the folder
    names); without a map, the region's fragmentation profile."""
    with _MapFile(districts) as m:
        text, notices = _ambit.audit(os.fspath(data), m, None if policy is None else os.fspath(policy))
    _warn(notices)
    raw = json.loads(text)
    rows = raw.get("districts", [])
    d = pd.DataFrame(rows)
    if len(d):
        d["closing_mergers"] = [
            "; ".join(f"{x['with']} ({x['population']})" for x in r.get("closing_mergers", [])) for r in rows
        ]
        d["parts"] = [len(r.get("parts", [])) for r in rows]
        d = d.set_index("name")
    return Audit(
        districts=d,
        summary=pd.Series(raw.get("summary", {}), dtype=object),
        unassigned=pd.DataFrame(raw.get("unassigned", [])),
        fragmentation=pd.DataFrame(raw.get("fragmentation", {}).get("bands", [])),
        raw=raw,
    )


def plan(
    data: PathLike,
    policy: Optional[PathLike] = None,
    objective: str = "max-districts",
    baseline: Union[str, PathLike, pd.DataFrame, None] = None,
    locked: Sequence[str] = (),
    attributes: Sequence[str] = (),
    nest_by: Optional[str] = None,
    nesting: str = "hard",
    seed: int = 1,
    starts: int = 8,
    effort: float = 30.0,
    time_limit: Optional[float] = None,
) -> Plan:
    """Plans districts, as ``ambit plan``: ``objective="max-districts"`` (as many compliant
    districts as possible, with the proven bound in ``summary``) or ``"min-change"`` (the
    fewest changes that make ``baseline`` compliant). ``locked`` baseline districts stay as
    they are; ``attributes`` (municipality columns) break ties by heterogeneity; ``nest_by``
    names the column of higher areas and ``nesting`` how districts respect them."""
    with _MapFile(baseline) as b:
        r = _ambit.plan(
            os.fspath(data),
            policy=None if policy is None else os.fspath(policy),
            objective=objective,
            baseline=b,
            locked=list(locked),
            attributes=list(attributes),
            nest_by=nest_by,
            nesting=nesting,
            seed=int(seed),
            starts=int(starts),
            effort=float(effort),
            time_limit=None if time_limit is None else float(time_limit),
        )
    _warn(r["notices"])
    return Plan(
        assignment=pd.DataFrame({"code": r["codes"], "name": r["names"], "district": r["district"]}),
        districts=pd.DataFrame(json.loads(r["districts"])),
        compliant=int(r["compliant"]),
        summary=list(r["summary"]),
        result=json.loads(r["result"]),
        interrupted=bool(r["interrupted"]),
    )
