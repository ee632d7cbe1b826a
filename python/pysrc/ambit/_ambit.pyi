"""Type stubs of the compiled core ``ambit._ambit`` (pyo3). The public API is
:class:`ambit.MaxPHeuristic`, :mod:`ambit.region` and :mod:`ambit.qca`; these functions take
plain lists and return plain values or the library's JSON text."""

from typing import Any, Optional, Sequence

__version__: str

def max_districts(
    n: int,
    edges: Sequence[tuple[int, int, float]],
    population: Sequence[float],
    attrs: Sequence[float],
    m: int,
    threshold: float,
    classes: Optional[Sequence[str]] = None,
    class_thresholds: Sequence[tuple[str, float]] = ...,
    areas: Optional[Sequence[int]] = None,
    nesting: str = "none",
    seed: int = 1,
    starts: int = 8,
    effort: float = 30.0,
    move_sweeps: int = 20,
    time_limit: Optional[float] = None,
    tiebreak: str = "heterogeneity",
) -> dict[str, Any]:
    """Max-p with the proven upper bound; keys: labels, compliant, population, threshold,
    class_name, p, heterogeneity, border_length, bound, bound_proof, headline, infeasible,
    notes, starts_done, interrupted."""

def audit(data: str, districts: Optional[str] = None, policy: Optional[str] = None) -> tuple[str, list[str]]:
    """(audit JSON, notices)."""

def plan(
    data: str,
    policy: Optional[str] = None,
    objective: str = "max-districts",
    baseline: Optional[str] = None,
    locked: Sequence[str] = ...,
    attributes: Sequence[str] = ...,
    nest_by: Optional[str] = None,
    nesting: str = "hard",
    seed: int = 1,
    starts: int = 8,
    effort: float = 30.0,
    time_limit: Optional[float] = None,
) -> dict[str, Any]:
    """Keys: codes, names, district, districts (JSON), compliant, summary, result (JSON),
    notices, interrupted."""

def truth_table(
    source: str,
    cases: Sequence[str],
    columns: Sequence[tuple[str, Sequence[Optional[float]]]],
    outcome: str,
    conditions: Sequence[str] = ...,
    incl_cut: Sequence[float] = ...,
    n_cut: int = 1,
    pri_cut: float = 0.0,
) -> str:
    """The truth table as JSON."""

def minimize(
    source: str,
    cases: Sequence[str],
    columns: Sequence[tuple[str, Sequence[Optional[float]]]],
    outcome: str,
    conditions: Sequence[str] = ...,
    incl_cut: Sequence[float] = ...,
    n_cut: int = 1,
    pri_cut: float = 0.0,
    include: str = "",
    dir_exp: Sequence[str] = ...,
    row_dom: bool = False,
    all_sol: bool = False,
    exclude: Sequence[int] = ...,
    pi_cons: float = 0.0,
    sol_cons: float = 0.0,
    sol_cov: float = 0.0,
    min_pin: bool = False,
    time_limit: Optional[float] = None,
) -> tuple[str, str]:
    """(solution JSON, truth table JSON)."""

def calibrate(
    x: Sequence[float],
    type: str = "fuzzy",
    method: str = "direct",
    thresholds: Sequence[float] = ...,
    logistic: bool = True,
    idm: float = 0.95,
    above: float = 1.0,
    below: float = 1.0,
) -> list[float]:
    """Set memberships."""

def min_change(
    n: int,
    edges: Sequence[tuple[int, int, float]],
    population: Sequence[float],
    attrs: Sequence[float],
    m: int,
    threshold: float,
    baseline: Sequence[int],
    classes: Optional[Sequence[str]] = None,
    class_thresholds: Sequence[tuple[str, float]] = ...,
    areas: Optional[Sequence[int]] = None,
    nesting: str = "none",
) -> dict[str, Any]:
    """The fewest changes that make the baseline compliant; keys: labels, compliant,
    population, threshold, units, units_moved, merges, unresolved, changes (JSON)."""
