"""RR sets: n * P(S hits a random RR set) equals the exact spread of S (Borgs et al. 2014, Obs. 3.2)."""

import numpy as np
import pytest

from fairbid.influence import from_edges
from fairbid.influence.reference import exact_ic_spread, exact_lt_spread
from fairbid.influence.rng import base_seed
from fairbid.influence.rrsets import RRCollection


def hit_fraction(rr: RRCollection, seeds) -> tuple[float, float]:
    idx = np.flatnonzero(np.isin(rr.nodes[: rr.used], seeds))
    hit = np.unique(np.searchsorted(rr.ptr[: rr.count + 1], idx, side="right") - 1).size
    p = hit / rr.count
    return p, np.sqrt(p * (1 - p) / rr.count)


# Node 5 has in-degree 6 and node 6 in-degree 4: with a shared in-weight they take the geometric
# skipping path; with random weights the per-edge coin path. 14 edges: 16,384 live-edge worlds.
SRC = [0, 1, 2, 3, 4, 7, 0, 1, 2, 5, 5, 6, 6, 3]
DST = [5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 1, 0]


@pytest.mark.parametrize("weights", ["wc", "uniform:0.3", "uniform:1.0", "random"])
def test_ic_rr_estimate_matches_exact(weights):
    w = np.random.default_rng(0).uniform(0.1, 0.9, len(SRC)) if weights == "random" else weights
    g = from_edges(SRC, DST, weights=w)
    rr = RRCollection(g, "ic", base_seed(7))
    rr.grow_to(60_000)
    for seeds in ([0], [5], [2, 6]):
        p, se = hit_fraction(rr, g.index_of(seeds))
        exact = exact_ic_spread(g, g.index_of(seeds).tolist())
        assert abs(g.n * p - exact) < 4 * g.n * se + 1e-9


def test_lt_rr_estimate_matches_exact():
    g = from_edges(SRC, DST, weights="wc")
    rr = RRCollection(g, "lt", base_seed(3))
    rr.grow_to(60_000)
    for seeds in ([0], [5], [2, 6]):
        p, se = hit_fraction(rr, g.index_of(seeds))
        exact = exact_lt_spread(g, g.index_of(seeds).tolist())
        assert abs(g.n * p - exact) < 4 * g.n * se + 1e-9


def test_collection_does_not_depend_on_growth_steps():
    g = from_edges(SRC, DST, weights="wc")
    a = RRCollection(g, "ic", base_seed(1))
    a.grow_to(5000)
    b = RRCollection(g, "ic", base_seed(1))
    for t in (10, 999, 5000):
        b.grow_to(t)
    assert np.array_equal(a.nodes[: a.used], b.nodes[: b.used]) and np.array_equal(a.ptr[:5001], b.ptr[:5001])
