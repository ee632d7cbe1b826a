"""Shared helpers: an independent feasibility check and spopt's own objective."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import pdist, squareform

DATA = Path(__file__).resolve().parent / "data"


def bench_instance(name):
    """A benchmark fixture as spopt takes it: a DataFrame and an adjacency dict by row position."""
    units = pd.read_csv(DATA / name / "units.csv").sort_values("idx").reset_index(drop=True)
    edges = pd.read_csv(DATA / name / "edges.csv")
    nbrs = {i: [] for i in range(len(units))}
    for i, j in zip(edges["i"], edges["j"]):
        nbrs[int(i)].append(int(j))
        nbrs[int(j)].append(int(i))
    attrs = [c for c in units.columns if c.startswith("z_")]
    return units, nbrs, attrs


def neighbor_dict(w):
    return {k: list(v) for k, v in getattr(w, "neighbors", w).items()}


def check_feasible(labels, nbrs, pop, threshold):
    """Every unit in a region, every region connected and at or above the threshold;
    computed here from the adjacency, not by ambit. Returns the number of regions."""
    labels = np.asarray(labels)
    n = len(labels)
    assert (labels >= 1).all(), "a unit is in no region"
    rows, cols = [], []
    for i, js in nbrs.items():
        for j in js:
            if labels[i] == labels[j]:
                rows.append(i)
                cols.append(j)
    g = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    _, comp = connected_components(g, directed=False)
    regions = np.unique(labels)
    for r in regions:
        members = np.flatnonzero(labels == r)
        assert len(np.unique(comp[members])) == 1, f"region {r} is not connected"
        assert pop[members].sum() >= threshold, f"region {r} has {pop[members].sum()} < {threshold}"
    return len(regions)


def spopt_objective(labels, x):
    """spopt's MaxPHeuristic objective, by spopt's own function on spopt's distance matrix."""
    from spopt.region.maxp import _calculate_within_region_distance

    d = squareform(pdist(np.atleast_2d(x).reshape(len(labels), -1), metric="cityblock"))
    regions = {r: list(np.flatnonzero(np.asarray(labels) == r)) for r in np.unique(labels)}
    return _calculate_within_region_distance(regions, d)


@pytest.fixture
def strip():
    """Four units in a row, population 10 each, one attribute 0, 1, 10, 11."""
    df = pd.DataFrame({"pop": [10, 10, 10, 10], "x": [0.0, 1.0, 10.0, 11.0]})
    return df, [[1], [0, 2], [1, 3], [2]]
