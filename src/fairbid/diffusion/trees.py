"""Spanning trees of the invitation graph, stored as parent arrays (``parent[0] = -1``, the seller).

Two distributions (the seed's open point, see ../shared/notes/recovered-definitions.md):

``uniform``
    Every spanning tree equally likely, as the seed's centralized reduction writes (§4.2, Eq. 5).
    With reported invitations the graph is directed; a tree is then a spanning *arborescence* rooted at
    the seller whose edges follow invitations. With truthful reports every edge goes both ways and
    arborescences are exactly the spanning trees of the undirected graph.
``random-parent``
    The tree the distributed protocol induces: each buyer sends her aggregated bid to one of her
    inviters chosen uniformly at random (inviters = the neighbours that informed her in the round she
    first heard, i.e. her BFS parents). Every combination of choices is equally likely.

Counting uses Kirchhoff's (Tutte's) matrix-tree theorem on the in-degree Laplacian; sampling uses
Wilson's loop-erased random walk (uniform) or independent parent draws (random-parent).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from fairbid.core.errors import FairbidError, check_choice, check_int
from fairbid.core.rng import SeedLike, seed_int
from fairbid.diffusion.network import CompiledNetwork

DISTRIBUTIONS = ("uniform", "random-parent")


# ------------------------------------------------------------------------------ counting
def log_tree_count(cn: CompiledNetwork, distribution: str = "uniform") -> float:
    """Natural log of the number of trees in the support of ``distribution``."""
    check_choice("trees", distribution, DISTRIBUTIONS)
    if distribution == "random-parent":
        counts = np.diff(cn.inv_ptr)[1:]
        return float(np.log(counts).sum())
    if cn.n == 1:
        return 0.0
    if cn.n > 400:  # sparse LU: the dense determinant would cost O(n^3)
        return _sparse_logdet(cn)
    lap = _in_laplacian(cn)
    sign, logdet = np.linalg.slogdet(lap[1:, 1:])
    if sign <= 0:  # pragma: no cover - every compiled node is reachable, so the minor is positive
        raise FairbidError("network", "has no spanning tree from the seller")
    return float(logdet)


def tree_count(cn: CompiledNetwork, distribution: str = "uniform") -> int:
    """Number of trees (exact integer; the determinant is rounded, exact below about 2**50)."""
    log = log_tree_count(cn, distribution)
    if distribution == "random-parent":
        return int(np.prod(np.diff(cn.inv_ptr)[1:].astype(object))) if cn.n > 1 else 1
    if log > 50 * math.log(2):
        raise FairbidError("trees", "too many to count exactly; use log_tree_count", f"e^{log:.1f}")
    return int(round(math.exp(log))) if cn.n > 1 else 1


def _sparse_logdet(cn: CompiledNetwork) -> float:
    import scipy.sparse as sp
    from scipy.sparse.linalg import splu

    src, dst = cn.edges
    n = cn.n
    indeg = np.bincount(dst, minlength=n).astype(float)
    lap = sp.coo_matrix((np.concatenate((-np.ones(src.size), indeg)),
                         (np.concatenate((dst, np.arange(n))), np.concatenate((src, np.arange(n))))),
                        shape=(n, n)).tocsc()[1:, 1:]
    lu = splu(lap.tocsc())
    return float(np.log(np.abs(lu.U.diagonal())).sum() + np.log(np.abs(lu.L.diagonal())).sum())


def _in_laplacian(cn: CompiledNetwork) -> np.ndarray:
    # Tutte: arborescences rooted at r with edges pointing away from r = det of the in-degree
    # Laplacian with r's row and column removed.
    src, dst = cn.edges
    lap = np.zeros((cn.n, cn.n))
    np.add.at(lap, (dst, src), -1.0)
    np.add.at(lap, (dst, dst), 1.0)
    return lap


def enumerable(cn: CompiledNetwork, distribution: str, limit: int) -> bool:
    """Whether ``distribution`` has at most ``limit`` trees, decided cheaply.

    ``uniform``: at most the product of in-degrees (each buyer picks one inviter) trees exist, so a small
    product settles it; otherwise Kirchhoff's count decides up to 400 nodes. Beyond that the answer is
    "no" without computing the (sparse, but fill-in heavy) determinant.
    """
    bound = float(np.log(np.maximum(np.diff(cn.in_ptr)[1:], 1)).sum()) if distribution == "uniform" else None
    if distribution == "random-parent" or bound <= math.log(limit) + 1e-9:
        return log_tree_count(cn, distribution) <= math.log(limit) + 1e-9
    if cn.n > 400:
        return False
    return log_tree_count(cn, distribution) <= math.log(limit) + 1e-9


# ------------------------------------------------------------------------------ enumeration
def enumerate_trees(cn: CompiledNetwork, distribution: str = "uniform", limit: int = 100_000) -> np.ndarray:
    """All trees of ``distribution``'s support as a ``(K, n)`` parent array (raises above ``limit``)."""
    check_choice("trees", distribution, DISTRIBUTIONS)
    limit = check_int("limit", limit, minimum=1)
    if log_tree_count(cn, distribution) > math.log(limit) + 1e-9:
        raise FairbidError("trees", f"more than limit={limit} trees; sample instead",
                           f"about e^{log_tree_count(cn, distribution):.1f}")
    if distribution == "random-parent":
        return _enumerate_random_parent(cn)
    k = tree_count(cn)
    order = np.argsort(cn.depth, kind="stable")[1:].astype(np.int64)
    return _enumerate_arborescences(cn.in_ptr, cn.in_idx.astype(np.int64), order, cn.n, k)


def _enumerate_random_parent(cn: CompiledNetwork) -> np.ndarray:
    counts = np.diff(cn.inv_ptr)
    total = int(np.prod(counts[1:])) if cn.n > 1 else 1
    parents = np.full((total, cn.n), -1, dtype=np.int32)
    codes = np.arange(total, dtype=np.int64)
    for v in range(1, cn.n):  # mixed-radix digits: one digit per buyer, vectorized over trees
        choice = codes % counts[v]
        codes //= counts[v]
        parents[:, v] = cn.inv_idx[cn.inv_ptr[v] + choice]
    return parents


@njit(cache=True)
def _enumerate_arborescences(in_ptr, in_idx, order, n, k):
    # Depth-first over parent choices in BFS order, rejecting a choice that closes a cycle.
    out = np.full((k, n), -1, np.int32)
    parent = np.full(n, -1, np.int64)
    assigned = np.zeros(n, np.bool_)
    assigned[0] = True
    m = order.size
    pos = np.zeros(m + 1, np.int64)  # next in-edge to try at each level
    for lvl in range(m):
        pos[lvl] = in_ptr[order[lvl]]
    count = 0
    lvl = 0
    while lvl >= 0:
        if lvl == m:
            for v in range(n):
                out[count, v] = parent[v]
            count += 1
            lvl -= 1
            if lvl >= 0:
                assigned[order[lvl]] = False
            continue
        v = order[lvl]
        placed = False
        while pos[lvl] < in_ptr[v + 1]:
            p = in_idx[pos[lvl]]
            pos[lvl] += 1
            u = p
            while assigned[u] and u != 0:  # walk up; a cycle would come back to v
                u = parent[u]
            if u == v:
                continue
            parent[v] = p
            assigned[v] = True
            placed = True
            break
        if placed:
            lvl += 1
            if lvl < m:
                pos[lvl] = in_ptr[order[lvl]]
        else:
            parent[v] = -1
            lvl -= 1
            if lvl >= 0:
                assigned[order[lvl]] = False
    return out[:count]


# ------------------------------------------------------------------------------ sampling
def sample_trees(cn: CompiledNetwork, k: int, distribution: str = "uniform", seed: SeedLike = None) -> np.ndarray:
    """``k`` independent trees of ``distribution`` as a ``(k, n)`` int32 parent array."""
    from fairbid.core.validate import MAX_COUNT, check_allocation

    check_choice("trees", distribution, DISTRIBUTIONS)
    k = check_int("samples", k, minimum=1, maximum=MAX_COUNT)
    # The (k, n) int32 parents plus the evaluation's float64 win and payment arrays of the same shape.
    check_allocation("samples", k * len(cn.ids), 20, got=k)
    if distribution == "random-parent":
        return random_parent_trees(cn, k, seed)
    return wilson_trees(cn, k, seed)


def random_parent_trees(cn: CompiledNetwork, k: int, seed: SeedLike = None) -> np.ndarray:
    """Each buyer picks one of her inviters uniformly at random, independently (numba)."""
    return _random_parent(cn.inv_ptr, cn.inv_idx.astype(np.int64), cn.n, k, np.uint64(seed_int(seed)))


@njit(cache=True)
def _random_parent(inv_ptr, inv_idx, n, k, seed):
    state = np.empty(1, np.uint64)
    state[0] = seed
    out = np.empty((k, n), np.int32)
    scale = 1.0 / 9007199254740992.0
    for t in range(k):
        out[t, 0] = -1
        for v in range(1, n):
            deg = inv_ptr[v + 1] - inv_ptr[v]
            if deg == 1:
                out[t, v] = inv_idx[inv_ptr[v]]
            else:
                r = (_splitmix(state) >> np.uint64(11)) * scale
                out[t, v] = inv_idx[inv_ptr[v] + int(r * deg)]
    return out


def wilson_trees(cn: CompiledNetwork, k: int, seed: SeedLike = None) -> np.ndarray:
    """Uniform spanning arborescences rooted at the seller by Wilson's algorithm (numba)."""
    return _wilson(cn.in_ptr, cn.in_idx.astype(np.int64), cn.n, k, np.uint64(seed_int(seed)))


@njit(cache=True)
def _splitmix(state):
    state[0] += np.uint64(0x9E3779B97F4A7C15)
    z = state[0]
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def _wilson(in_ptr, in_idx, n, k, seed):
    # Loop-erased walks that step to a uniformly random inviter (in-neighbour); Wilson (1996) shows
    # the resulting tree has probability proportional to prod 1/indeg = uniform over arborescences.
    state = np.empty(1, np.uint64)
    state[0] = seed
    out = np.empty((k, n), np.int32)
    nxt = np.empty(n, np.int64)
    intree = np.zeros(n, np.bool_)
    scale = 1.0 / 9007199254740992.0
    for t in range(k):
        intree[:] = False
        intree[0] = True
        out[t, 0] = -1
        for i in range(1, n):
            u = i
            while not intree[u]:
                deg = in_ptr[u + 1] - in_ptr[u]
                r = (_splitmix(state) >> np.uint64(11)) * scale
                nxt[u] = in_idx[in_ptr[u] + int(r * deg)]
                u = nxt[u]
            u = i
            while not intree[u]:
                intree[u] = True
                out[t, u] = nxt[u]
                u = nxt[u]
    return out


def tree_key(parents: np.ndarray) -> np.ndarray:
    """One int64 code per tree (row) for counting distinct trees in small graphs (n <= 15)."""
    n = parents.shape[1]
    base = np.int64(n + 1)
    powers = base ** np.arange(n, dtype=np.int64)
    return ((parents.astype(np.int64) + 1) * powers).sum(axis=1)
