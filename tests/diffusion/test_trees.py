"""Spanning-tree counting (Kirchhoff/Tutte), enumeration, Wilson sampling and random-parent trees."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from scipy import stats

from fairbid.core.errors import FairbidError
from fairbid.diffusion import (
    enumerate_trees, log_tree_count, make_network, random_parent_trees, tree_count, wilson_trees,
)
from fairbid.diffusion.trees import tree_key

from .conftest import connected_networks


def _is_arborescence(cn, parent) -> bool:
    g = nx.DiGraph((int(p), v) for v, p in enumerate(parent) if v > 0)
    g.add_nodes_from(range(cn.n))
    src, dst = cn.edges
    inv = set(zip(src.tolist(), dst.tolist()))
    return nx.is_arborescence(g) and all((int(p), v) in inv for v, p in enumerate(parent) if v > 0)


def test_complete_graph_count_is_cayley():
    # K5 (seller + 4 buyers): Cayley's formula 5^(5-2) = 125 spanning trees.
    nodes = ["s", "a", "b", "c", "d"]
    edges = [(u, v) for i, u in enumerate(nodes) for v in nodes[i + 1:]]
    net = make_network("s", edges, {x: 1.0 for x in nodes[1:]})
    assert tree_count(net.compiled) == 125
    trees = enumerate_trees(net.compiled)
    assert trees.shape == (125, 5) and np.unique(tree_key(trees)).size == 125


@settings(max_examples=30, deadline=None)
@given(connected_networks(max_buyers=7, misreports=False))
def test_kirchhoff_matches_enumeration_and_networkx(net):
    cn = net.compiled
    k = tree_count(cn)
    assert k == round(nx.number_of_spanning_trees(net.to_networkx()))
    trees = enumerate_trees(cn)
    assert trees.shape[0] == k
    assert np.unique(tree_key(trees)).size == k
    assert all(_is_arborescence(cn, t) for t in trees)


@settings(max_examples=30, deadline=None)
@given(connected_networks(max_buyers=7, misreports=True))
def test_directed_count_with_misreports(net):
    # With misreported invitations the graph is directed: Tutte's theorem against networkx's arborescences.
    cn = net.compiled
    g = nx.DiGraph()
    g.add_nodes_from(range(cn.n))
    src, dst = cn.edges
    g.add_edges_from(zip(src.tolist(), dst.tolist()))
    expected = round(nx.number_of_spanning_trees(g, root=0)) if cn.n > 1 else 1
    assert tree_count(cn) == expected == enumerate_trees(cn).shape[0]


def test_random_parent_support(example):
    # Inviters: c has {a, b}, g has {e, f}; everyone else one: 2 * 2 = 4 equally likely trees.
    cn = example.compiled
    assert tree_count(cn, "random-parent") == 4
    trees = enumerate_trees(cn, "random-parent")
    assert np.unique(tree_key(trees)).size == 4
    assert all(_is_arborescence(cn, t) for t in trees)


def test_enumeration_limit_raises(example):
    with pytest.raises(FairbidError, match="more than limit"):
        enumerate_trees(example.compiled, limit=3)


def test_wilson_is_uniform_chi_square():
    # K4 with the seller: 4^2 = 16 trees. 8000 draws; chi-square goodness of fit to uniform.
    nodes = ["s", "a", "b", "c"]
    edges = [(u, v) for i, u in enumerate(nodes) for v in nodes[i + 1:]] + [("c", "d"), ("a", "d")]
    net = make_network("s", edges, {x: 1.0 for x in ["a", "b", "c", "d"]})
    cn = net.compiled
    support = np.sort(tree_key(enumerate_trees(cn)))
    draws = tree_key(wilson_trees(cn, 8000, seed=11))
    counts = np.array([(draws == k).sum() for k in support])
    assert counts.sum() == 8000  # every sample is a genuine tree of the graph
    p = stats.chisquare(counts).pvalue
    assert p > 1e-3, (counts, p)


def test_random_parent_sampler_frequencies(example):
    cn = example.compiled
    draws = tree_key(random_parent_trees(cn, 4000, seed=3))
    support = np.sort(tree_key(enumerate_trees(cn, "random-parent")))
    counts = np.array([(draws == k).sum() for k in support])
    assert counts.sum() == 4000 and stats.chisquare(counts).pvalue > 1e-3


def test_samplers_are_seeded(example):
    cn = example.compiled
    assert (wilson_trees(cn, 5, seed=1) == wilson_trees(cn, 5, seed=1)).all()
    assert (random_parent_trees(cn, 5, seed=1) == random_parent_trees(cn, 5, seed=1)).all()
    assert not (wilson_trees(cn, 50, seed=1) == wilson_trees(cn, 50, seed=2)).all()


def test_log_count_large_graph():
    g = nx.random_regular_graph(4, 60, seed=1)
    net = make_network(0, list(g.edges), {v: 1.0 for v in g.nodes if v != 0})
    # log of networkx's determinant (float) against ours
    assert log_tree_count(net.compiled) == pytest.approx(math.log(nx.number_of_spanning_trees(g)), rel=1e-9)


def test_sparse_log_count_matches_dense():
    # 500 nodes takes the sparse-LU path; compare with numpy's dense slogdet of the same minor.
    g = nx.random_regular_graph(3, 500, seed=2)
    net = make_network(0, list(g.edges), {v: 1.0 for v in g.nodes if v != 0})
    from fairbid.diffusion.trees import _in_laplacian

    dense = np.linalg.slogdet(_in_laplacian(net.compiled)[1:, 1:])[1]
    assert log_tree_count(net.compiled) == pytest.approx(dense, rel=1e-9)
