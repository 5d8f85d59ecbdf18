"""Shared fixtures and random-graph strategies for the diffusion tests."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from hypothesis import strategies as st

from fairbid.diffusion import load_network, make_network

EXAMPLE = Path(__file__).resolve().parents[2] / "src" / "fairbid" / "diffusion" / "data" / "example.json"

# The 5-buyer graph used for hand computations: a and b both reach c; c-d-e is a line.
SMALL_EDGES = [("s", "a"), ("s", "b"), ("a", "b"), ("a", "c"), ("b", "c"), ("c", "d"), ("d", "e")]
SMALL_VALUES = {"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0, "e": 5.0}


@pytest.fixture
def example():
    return load_network(EXAMPLE)


@pytest.fixture
def small():
    return make_network("s", SMALL_EDGES, SMALL_VALUES)


@st.composite
def connected_networks(draw, min_buyers=2, max_buyers=7, misreports=True):
    """A connected random graph with seller 0, distinct values and optional misreports."""
    n = draw(st.integers(min_buyers, max_buyers))
    # A random tree keeps the graph connected, extra edges add cycles and cut-point variety.
    edges = {(draw(st.integers(0, v - 1)), v) for v in range(1, n + 1)}
    extra = draw(st.lists(st.tuples(st.integers(0, n), st.integers(0, n)), max_size=2 * n))
    edges |= {(min(u, v), max(u, v)) for u, v in extra if u != v}
    vals = draw(st.permutations(list(range(1, n + 1))))
    jitter = draw(st.floats(0.0, 0.4))
    values = {str(i): float(vals[i - 1]) + jitter * (i % 2) for i in range(1, n + 1)}
    reports = {}
    if misreports:
        g = nx.Graph([(str(u), str(v)) for u, v in edges])
        for b in draw(st.lists(st.sampled_from(sorted(values)), max_size=2, unique=True)):
            nbrs = sorted(x for x in g[b])
            keep = draw(st.lists(st.sampled_from(nbrs), unique=True)) if nbrs else []
            rep = {"neighbours": keep}
            if draw(st.booleans()):
                rep["bid"] = float(draw(st.integers(0, 3 * n))) + 0.25  # never ties with a value
            reports[b] = rep
    return make_network("0", [(str(u), str(v)) for u, v in sorted(edges)], values, reports)
