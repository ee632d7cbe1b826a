"""Drop-in replacement for ``spopt.region.MaxPHeuristic`` over ambit's planner."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any, Optional

import numpy as np
import pandas as pd

from . import _ambit


def _show(value: Any) -> str:
    """A cell value as a message shows it: text quoted, numbers plain."""
    if hasattr(value, "item"):
        value = value.item()
    return repr(value) if isinstance(value, str) else str(value)


def _column(df: pd.DataFrame, name: str, role: str) -> np.ndarray:
    """The numeric column ``name`` of ``df`` as floats; a clear error names what is wrong."""
    if name not in df.columns:
        raise ValueError(
            f"{role}: column {name!r} is not in the data frame (columns: {', '.join(map(str, df.columns))})"
        )
    try:
        values = pd.to_numeric(df[name], errors="raise").to_numpy(dtype=float)
    except (ValueError, TypeError):
        bad = pd.to_numeric(df[name], errors="coerce").isna() & df[name].notna()
        row = df.index[np.argmax(bad.to_numpy())]
        raise ValueError(
            f"{role}: column {name!r}, row {row!r}: value {_show(df[name].loc[row])} is not a number"
        ) from None
    missing = ~np.isfinite(values)
    if missing.any():
        row = df.index[np.argmax(missing)]
        raise ValueError(
            f"{role}: column {name!r}, row {row!r}: value {_show(df[name].loc[row])} is missing or not finite"
        )
    return values


def _edges(w: Any, index: pd.Index) -> list[tuple[int, int, float]]:
    """Edges ``(i, j, weight)``, ``i < j``, over row positions, from a ``libpysal.weights.W``, a
    mapping ``{id: [neighbour ids]}`` or an adjacency list ``[[neighbour positions], ...]``.

    Ids of a ``W`` or a mapping are read as labels of the data frame's index when they all are
    (``Queen.from_dataframe(gdf)`` uses the index), else as row positions ``0..n-1``.
    """
    n = len(index)
    neighbors = getattr(w, "neighbors", w)
    if isinstance(neighbors, Mapping):
        items = list(neighbors.items())
        keys = [k for k, _ in items]
        if len(keys) != n:
            raise ValueError(f"w: {len(keys)} units in the weights but {n} rows in the data frame")
        if all(k in index for k in keys) and index.is_unique:
            pos = {k: i for i, k in enumerate(index)}
        elif all(isinstance(k, (int, np.integer)) and 0 <= k < n for k in keys):
            pos = {k: int(k) for k in keys}
        else:
            bad = next(k for k in keys if k not in index)
            raise ValueError(
                f"w: unit id {bad!r} is neither a label of the data frame's index nor a row position 0..{n - 1}"
            )
    elif isinstance(neighbors, Sequence) and not isinstance(neighbors, (str, bytes)):
        items = list(enumerate(neighbors))
        if len(items) != n:
            raise ValueError(f"w: {len(items)} adjacency rows but {n} rows in the data frame")
        pos = {i: i for i in range(n)}
    else:
        raise ValueError(
            "w: expected a libpysal.weights.W, a dict {id: [neighbour ids]} or a list of neighbour lists, "
            f"got {type(w).__name__}"
        )
    # a W's weights (e.g. shared border lengths) weigh the links the construction follows;
    # binary contiguity (all 1) and non-positive weights count as 1, as in `ambit plan`
    weights = getattr(w, "weights", None) if neighbors is not w else None
    edges: dict[tuple[int, int], float] = {}
    for k, nbs in items:
        i = pos[k]
        wk = weights.get(k) if isinstance(weights, Mapping) else None
        for t, nb in enumerate(nbs):
            if nb not in pos:
                raise ValueError(f"w: neighbour {nb!r} of unit {k!r} is not a unit of the weights")
            j = pos[nb]
            if i != j:
                wt = float(wk[t]) if wk is not None and t < len(wk) else 1.0
                edges.setdefault((min(i, j), max(i, j)), wt if math.isfinite(wt) and wt > 0 else 1.0)
    return [(i, j, wt) for (i, j), wt in sorted(edges.items())]


class MaxPHeuristic:
    """Max-p regionalisation with ambit's planner, a drop-in for ``spopt.region.MaxPHeuristic``.

    As many contiguous regions as possible whose sum of ``threshold_name`` reaches
    ``threshold``, ties broken by the lowest within-region heterogeneity (the sum over regions
    of pairwise L1 distances of ``attrs_name``: spopt's objective). Change
    ``from spopt.region import MaxPHeuristic`` to ``from ambit import MaxPHeuristic`` and the
    script runs unchanged.

    Parameters
    ----------
    gdf : pandas.DataFrame or geopandas.GeoDataFrame
        One row per areal unit (geometry is not needed).
    w : libpysal.weights.W, dict or list
        Contiguity: a ``W`` (ids are labels of ``gdf``'s index or row positions), a dict
        ``{id: [neighbour ids]}``, or a list whose row ``i`` lists the neighbours of row ``i``.
    attrs_name : list of str
        Columns whose pairwise L1 distances measure heterogeneity (used as given, not scaled,
        as spopt does).
    threshold_name : str
        The spatially extensive column summed over a region (population).
    threshold : float
        Minimum sum of ``threshold_name`` per region (inclusive).
    top_n, max_iterations_construction, max_iterations_sa : int
        spopt's tuning of its own heuristic; accepted for compatibility and ignored (ambit's
        search is tuned by ``starts``, ``effort`` and ``move_sweeps``).
    verbose : bool
        Print ambit's summary (p, the upper bound and its proof) after solving.
    policy : str
        spopt's handling of components below the threshold; accepted and ignored: ambit never
        adds links, it reports such components in ``infeasible_`` and labels them ``-1``.
    seed : int, keyword
        Seed of the search; without ``time_limit`` a seed fixes the result (default 1).
    starts : int, keyword
        Independent constructions, improved in parallel (default 8).
    effort : float, keyword
        Neighbourhood regrowths per region and start (default 30).
    move_sweeps : int, keyword
        Passes of single-unit moves per start (default 20).
    time_limit : float, keyword
        Seconds; when reached the best plan so far is kept.
    class_name, class_thresholds : keyword
        Class thresholds: a column naming each unit's class and ``{class: threshold}``; a
        region where more than half of ``threshold_name`` lies in units of a class needs that
        class's threshold (first match in the dict's order), others ``threshold``.
    nest_by, nesting : keyword
        A column of higher areas (provinces) and how regions respect them: ``"hard"`` (inside
        one area), ``"soft"`` (cross only when an area cannot stand alone) or ``"none"``.
    tiebreak : str, keyword
        ``"heterogeneity"`` (default, spopt's objective) or ``"compactness"``.
    baseline : str or array-like, keyword
        An existing region of every unit (a column name or one label per row): ``solve()``
        then makes the fewest changes (units moved, regions merged) that bring every region to
        its threshold instead of maximising p (ambit's min-change); ``labels_`` keeps the
        baseline's labels (split-off parts get new ones) and ``units_moved_``, ``merges_``,
        ``unresolved_`` and ``changes_`` say what changed.

    Attributes
    ----------
    labels_ : numpy.ndarray
        Region of every row, ``1..p``; ``-1`` for units in ``infeasible_``.
    p : int
        Number of regions that reach their threshold.
    upper_bound_ : int
        No labelling can have more regions (proven; ``bound_proof_`` says why).
    bound_proof_ : list of str
    heterogeneity_ : float
        Sum over regions of pairwise L1 distances of ``attrs_name`` (spopt's objective).
    infeasible_ : list of dict
        Groups of units that cannot reach the threshold (units as row positions, reason).
    summary_ : str
        "p = 17, at most 18 possible (gap 5.6%)".
    interrupted_ : bool
        Whether ``time_limit`` cut the search short.
    """

    labels_: np.ndarray
    p: int
    upper_bound_: int
    bound_proof_: list
    heterogeneity_: float
    infeasible_: list
    summary_: str
    notes_: list
    interrupted_: bool
    starts_done_: int
    regions_: pd.DataFrame

    def __init__(
        self,
        gdf,
        w,
        attrs_name,
        threshold_name,
        threshold,
        top_n=2,
        max_iterations_construction=99,
        max_iterations_sa=10,
        verbose=False,
        policy="single",
        *,
        seed: int = 1,
        starts: int = 8,
        effort: float = 30.0,
        move_sweeps: int = 20,
        time_limit: Optional[float] = None,
        class_name: Optional[str] = None,
        class_thresholds: Optional[Mapping[str, float]] = None,
        nest_by: Optional[str] = None,
        nesting: str = "hard",
        tiebreak: str = "heterogeneity",
        baseline=None,
    ):
        self.gdf = gdf
        self.w = w
        self.attrs_name = attrs_name
        self.threshold_name = threshold_name
        self.threshold = threshold
        self.top_n = top_n
        self.max_iterations_construction = max_iterations_construction
        self.max_iterations_sa = max_iterations_sa
        self.verbose = verbose
        self.policy = policy
        self.seed = seed
        self.starts = starts
        self.effort = effort
        self.move_sweeps = move_sweeps
        self.time_limit = time_limit
        self.class_name = class_name
        self.class_thresholds = class_thresholds
        self.nest_by = nest_by
        self.nesting = nesting
        self.tiebreak = tiebreak
        self.baseline = baseline

    def _inputs(self) -> dict:
        df = self.gdf
        if not isinstance(df, pd.DataFrame):
            raise ValueError(f"gdf: expected a pandas DataFrame or GeoDataFrame, got {type(df).__name__}")
        n = len(df)
        if n == 0:
            raise ValueError("gdf: the data frame has no rows")
        attrs = [self.attrs_name] if isinstance(self.attrs_name, str) else list(self.attrs_name)
        try:
            threshold = float(self.threshold)
        except (TypeError, ValueError):
            raise ValueError(f"threshold: {self.threshold!r} is not a number") from None
        if not math.isfinite(threshold):
            raise ValueError(f"threshold: {self.threshold!r} is not a finite number")
        pop = _column(df, self.threshold_name, "threshold_name")
        x = np.column_stack([_column(df, a, "attrs_name") for a in attrs]) if attrs else np.zeros((n, 0))
        kw: dict = {}
        if self.class_thresholds:
            if self.class_name is None:
                raise ValueError("class_thresholds: given without class_name (the column of each unit's class)")
            if self.class_name not in df.columns:
                raise ValueError(f"class_name: column {self.class_name!r} is not in the data frame")
            kw["classes"] = df[self.class_name].astype(str).tolist()
            kw["class_thresholds"] = [(str(k), float(v)) for k, v in self.class_thresholds.items()]
        if self.nest_by is not None:
            if self.nest_by not in df.columns:
                raise ValueError(f"nest_by: column {self.nest_by!r} is not in the data frame")
            codes, _ = pd.factorize(df[self.nest_by].astype(str))
            kw["areas"] = codes.astype(np.int64).tolist()
            kw["nesting"] = self.nesting
        return dict(
            n=n,
            edges=_edges(self.w, df.index),
            population=pop.tolist(),
            attrs=x.reshape(-1).tolist(),
            m=len(attrs),
            threshold=threshold,
            seed=int(self.seed),
            starts=int(self.starts),
            effort=float(self.effort),
            move_sweeps=int(self.move_sweeps),
            time_limit=None if self.time_limit is None else float(self.time_limit),
            tiebreak=self.tiebreak,
            **kw,
        )

    def _solve_min_change(self, inputs: dict):
        df = self.gdf
        values = df[self.baseline] if isinstance(self.baseline, str) and self.baseline in df.columns else self.baseline
        values = pd.Series(np.asarray(values, dtype=object).reshape(-1) if not isinstance(values, pd.Series) else values.to_numpy())
        if len(values) != len(df):
            raise ValueError(f"baseline: {len(values)} labels for {len(df)} rows")
        codes, uniques = pd.factorize(values)
        if (codes < 0).any():
            row = df.index[int(np.argmax(codes < 0))]
            raise ValueError(f"baseline: row {row!r} has no region")
        for key in ("seed", "starts", "effort", "move_sweeps", "time_limit", "tiebreak"):
            inputs.pop(key)
        r = _ambit.min_change(**inputs, baseline=codes.astype(np.int64).tolist())
        names = list(uniques)
        numeric = all(isinstance(u, (int, np.integer)) for u in names)
        top = max(names) if numeric and names else 0
        for d in range(len(names), len(r["compliant"])):  # parts split off a baseline region
            names.append(top + 1 + d - len(uniques) if numeric else f"part-{d + 1}")
        self.labels_ = np.asarray([names[d] for d in r["labels"]], dtype=np.int64 if numeric else object)
        live = [i for i, u in enumerate(r["units"]) if u > 0]
        self.p = int(sum(r["compliant"][i] for i in live))
        self.units_moved_ = int(r["units_moved"])
        self.merges_ = int(r["merges"])
        self.unresolved_ = [(names[d], why) for d, why in r["unresolved"]]
        self.changes_ = json.loads(r["changes"])
        self.upper_bound_ = None
        self.regions_ = pd.DataFrame(
            {
                "region": [names[i] for i in live],
                "population": [r["population"][i] for i in live],
                "threshold": [r["threshold"][i] for i in live],
                "compliant": [r["compliant"][i] for i in live],
            }
        )
        if self.verbose:
            print(f"{self.units_moved_} units moved, {self.merges_} merges, {len(self.unresolved_)} regions below the threshold")
        return self

    def solve(self):
        """Solve and set ``labels_``, ``p`` and the other attributes; returns ``self``."""
        inputs = self._inputs()
        if self.baseline is not None:
            return self._solve_min_change(inputs)
        r = _ambit.max_districts(**inputs)
        compliant = r["compliant"]
        # compliant districts are 1..p in the planner's order; infeasible groups -1
        new_id = np.full(len(compliant), -1, dtype=np.int64)
        ids = np.flatnonzero(compliant)
        new_id[ids] = np.arange(1, len(ids) + 1)
        self.labels_ = new_id[np.asarray(r["labels"], dtype=np.int64)]
        self.p = int(r["p"])
        self.upper_bound_ = int(r["bound"])
        self.bound_proof_ = list(r["bound_proof"])
        self.heterogeneity_ = float(r["heterogeneity"])
        self.infeasible_ = list(r["infeasible"])
        self.summary_ = r["headline"]
        self.notes_ = list(r["notes"])
        self.interrupted_ = bool(r["interrupted"])
        self.starts_done_ = int(r["starts_done"])
        self.regions_ = pd.DataFrame(
            {
                "region": new_id[ids],
                "population": np.asarray(r["population"])[ids],
                "threshold": np.asarray(r["threshold"])[ids],
                "class": np.asarray(r["class_name"], dtype=object)[ids],
            }
        )
        if self.verbose:
            print(self.summary_)
            for line in self.bound_proof_:
                print("bound:", line)
            for g in self.infeasible_:
                print(f"infeasible: {len(g['units'])} unit(s), {g['reason']}; options: {g['options']}")
        return self
