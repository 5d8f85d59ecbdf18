"""Slow, plain networkx implementations used as independent references in tests and as benchmark
baselines. Not for production use: each is a direct transcription of a definition."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

from fairbid.diffusion.network import CompiledNetwork


def invitation_digraph(cn: CompiledNetwork) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(range(cn.n))
    src, dst = cn.edges
    g.add_edges_from(zip(src.tolist(), dst.tolist()))
    return g


def reference_tree_outcome(cn: CompiledNetwork, parent) -> tuple[int, dict[int, float]]:
    """Eqs. 3-4 of seed 003 on one tree, transcribed with networkx paths and descendant sets."""
    g = invitation_digraph(cn)
    tree = nx.DiGraph()
    tree.add_nodes_from(range(cn.n))
    tree.add_edges_from((int(p), v) for v, p in enumerate(parent) if v > 0)
    bids = cn.bids
    z = int(np.argmax(bids))
    path = nx.shortest_path(tree, 0, z)
    dpath, cur = [0], 0
    while cur != len(path) - 1:  # back-edge transform: jump to the furthest invited path node
        cur = max(j for j in range(cur + 1, len(path)) if j == cur + 1 or g.has_edge(path[cur], path[j]))
        dpath.append(path[cur])
    for a in range(1, len(dpath)):
        old = next(iter(tree.predecessors(dpath[a])))
        tree.remove_edge(old, dpath[a])
        tree.add_edge(dpath[a - 1], dpath[a])

    def outside(x):
        sub = nx.descendants(tree, x) | {x}
        rest = [bids[v] for v in range(1, cn.n) if v not in sub]
        return max(rest) if rest else 0.0

    m = len(dpath)
    out = {a: outside(dpath[a]) for a in range(1, m)}
    win = m - 1
    for a in range(1, m - 1):
        below = nx.descendants(tree, dpath[a + 1]) | {dpath[a + 1]}
        others = [bids[v] for v in range(1, cn.n) if v not in below]
        if bids[dpath[a]] == max(others):
            win = a
            break
    pay = {dpath[win]: out[win]}
    for a in range(1, win):
        pay[dpath[a]] = out[a] - out[a + 1]
    return dpath[win], pay


def reference_idm_chain_prices(cn: CompiledNetwork, m: int) -> tuple[list[int], list[float]]:
    """Critical ancestors of ``m`` by deleting each node and testing reachability, and v*(N \\ d_c)."""
    g = invitation_digraph(cn)
    chain, prices, sizes = [], [], []
    for c in range(1, cn.n):
        h = g.copy()
        h.remove_node(c)
        reach = nx.descendants(h, 0) | {0}
        if c == m or m not in reach:
            chain.append(c)
            sizes.append(len(reach))
            rest = [cn.bids[v] for v in reach if v > 0]
            prices.append(max(rest) if rest else 0.0)
    # Dominators of m are totally ordered: the closer to the seller, the fewer stay reachable without it.
    order = np.argsort(sizes, kind="stable")
    chain = [chain[i] for i in order]
    prices = [prices[i] for i in order]
    return chain, prices


def log_count_reference(g: nx.Graph) -> float:
    return math.log(nx.number_of_spanning_trees(g))
