import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.core.errors import FairbidError
from fairbid.influence import from_edges, from_networkx, load_graph, to_networkx
from fairbid.influence.graph import TRIVALENCY, edge_weights


def test_wc_weights_are_one_over_in_degree():
    # Node 2 has in-degree 3 (from 0, 1, 3); node 1 has in-degree 1.
    g = from_edges([0, 1, 3, 0], [2, 2, 2, 1])
    src, dst, w = g.edges()
    expected = {(0, 2): 1 / 3, (1, 2): 1 / 3, (3, 2): 1 / 3, (0, 1): 1.0}
    assert {(int(a), int(b)): float(x) for a, b, x in zip(src, dst, w)} == pytest.approx(expected)


def test_undirected_stores_both_directions_and_wc_uses_degree():
    g = from_edges([5, 5], [6, 7], directed=False)
    assert (g.n, g.m) == (3, 4)
    assert g.out_degree().tolist() == [2, 1, 1]
    # w(5 -> 6) = 1 / degree(6) = 1; w(6 -> 5) = 1 / degree(5) = 1/2.
    src, dst, w = g.edges()
    got = {(int(g.labels[a]), int(g.labels[b])): float(x) for a, b, x in zip(src, dst, w)}
    assert got == {(5, 6): 1.0, (5, 7): 1.0, (6, 5): 0.5, (7, 5): 0.5}


def test_self_loops_dropped_and_duplicates_merged():
    g = from_edges([1, 1, 1, 2, 3], [1, 2, 2, 3, 3])
    assert (g.n, g.m) == (3, 2)
    assert g.labels.tolist() == [1, 2, 3]


def test_in_csr_matches_out_csr():
    rng = np.random.default_rng(4)
    src, dst = rng.integers(0, 30, 200), rng.integers(0, 30, 200)
    g = from_edges(src, dst, weights="trivalency", seed=2)
    out = {(u, int(v), float(w)) for u in range(g.n)
           for v, w in zip(g.indices[g.indptr[u]:g.indptr[u + 1]], g.weights[g.indptr[u]:g.indptr[u + 1]])}
    inn = {(int(u), v, float(w)) for v in range(g.n)
           for u, w in zip(g.in_indices[g.in_indptr[v]:g.in_indptr[v + 1]],
                           g.in_weights[g.in_indptr[v]:g.in_indptr[v + 1]])}
    assert out == inn and len(out) == g.m
    assert set(np.unique(g.weights)) <= set(TRIVALENCY)


def test_index_of_and_unknown_label():
    g = from_edges([100, 7], [7, 42])
    assert g.index_of([42, 100, 7]).tolist() == [1, 2, 0]
    with pytest.raises(FairbidError, match="node not in the graph"):
        g.index_of([8])


def test_weight_errors():
    with pytest.raises(FairbidError, match="lie in"):
        from_edges([0], [1], weights="uniform:1.5")
    with pytest.raises(FairbidError, match="lie in"):
        from_edges([0, 1], [1, 2], weights=np.array([0.5, -0.1]))
    with pytest.raises(FairbidError, match="unknown scheme"):
        edge_weights("bogus", np.array([0]), np.array([1]), 2)
    with pytest.raises(FairbidError, match="empty"):
        from_edges([], [])


def test_networkx_roundtrip_keeps_isolated_nodes_and_weights():
    nxg = nx.DiGraph()
    nxg.add_nodes_from(["a", "b", "c", "iso"])
    nxg.add_edge("a", "b", weight=0.25)
    nxg.add_edge("b", "c", weight=0.75)
    g = load_graph(nxg, weights="column")
    assert (g.n, g.m) == (4, 2)
    assert g.index_of(["iso"]).tolist() == [3]
    back = to_networkx(g)
    assert back["a"]["b"]["weight"] == 0.25 and back["b"]["c"]["weight"] == 0.75


def test_networkx_undirected_karate_degrees():
    kc = nx.karate_club_graph()
    g = from_networkx(kc)
    assert (g.n, g.m) == (34, 2 * kc.number_of_edges())
    assert g.out_degree().tolist() == [kc.degree(v) for v in sorted(kc.nodes())]

edge_lists = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=1, max_size=80)


@settings(max_examples=60, deadline=None)
@given(edge_lists, st.booleans())
def test_csr_matches_networkx(edges, directed):
    src, dst = np.array(edges).T
    if np.all(src == dst):
        return  # only self-loops: nothing to compare
    g = from_edges(src, dst, directed=directed)
    ref = nx.DiGraph() if directed else nx.Graph()
    ref.add_nodes_from(np.unique(np.concatenate([src, dst])).tolist())
    ref.add_edges_from((int(u), int(v)) for u, v in edges if u != v)
    ref = ref.to_directed() if not directed else ref
    assert g.m == ref.number_of_edges()
    assert g.out_degree().tolist() == [ref.out_degree(v) for v in g.labels.tolist()]
    # WC: every node with in-edges receives total weight exactly 1 (Kempe et al.'s weighted cascade).
    inw = np.bincount(g.indices, weights=g.weights, minlength=g.n)
    assert np.allclose(inw[g.in_degree() > 0], 1.0)
