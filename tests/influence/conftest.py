"""Shared fixtures for fairbid.influence tests: tiny graphs with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from fairbid.influence.graph import from_edges


def random_graph(rng: np.random.Generator, n: int, m: int, weights="random"):
    """A random directed simple graph on ``n`` nodes with ``m`` edges (labels 0..n-1)."""
    pairs = [(u, v) for u in range(n) for v in range(n) if u != v]
    pick = rng.choice(len(pairs), size=m, replace=False)
    src = np.array([pairs[i][0] for i in pick])
    dst = np.array([pairs[i][1] for i in pick])
    if isinstance(weights, str) and weights == "random":
        weights = rng.uniform(0.05, 0.95, size=m)
    return from_edges(src, dst, weights=weights, labels=np.arange(n))


@pytest.fixture
def diamond():
    """0 -> 1, 0 -> 2, 1 -> 3, 2 -> 3, 3 -> 4, all with probability 1/2."""
    return from_edges([0, 0, 1, 2, 3], [1, 2, 3, 3, 4], weights="uniform:0.5")


@pytest.fixture(autouse=True)
def _private_graph_cache(tmp_path_factory, monkeypatch):
    """Tests never read or write the user's binary graph cache."""
    monkeypatch.setenv("FAIRBID_GRAPH_CACHE", str(tmp_path_factory.mktemp("graph-cache")))
    from fairbid.influence import graphcache

    monkeypatch.setattr(graphcache, "MIN_BYTES", 0)  # cache even the tests' tiny files
