"""Critical ancestors: the dominator tree of the invitation graph, rooted at the seller.

Buyer ``i`` is a critical ancestor of ``j`` when every invitation path from the seller to ``j`` passes
through ``i`` (``i`` dominates ``j``). We use :func:`networkx.immediate_dominators`, whose output
differs across networkx versions (older ones map the root to itself, newer ones leave it out);
:func:`immediate_dominators` normalises it to an array with ``idom[root] = -1``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from fairbid.diffusion.network import CompiledNetwork


def normalise_idom(raw: dict, n: int, root: int = 0) -> np.ndarray:
    """Array form of networkx's ``immediate_dominators`` output, whatever its version.

    Examples
    --------
    >>> normalise_idom({0: 0, 1: 0, 2: 1}, 3).tolist()   # older networkx: root maps to itself
    [-1, 0, 1]
    >>> normalise_idom({1: 0, 2: 1}, 3).tolist()         # newer networkx: root left out
    [-1, 0, 1]
    """
    idom = np.full(n, -1, dtype=np.int64)
    for node, dom in raw.items():
        if node != root:
            idom[node] = dom
    return idom


def immediate_dominators(cn: CompiledNetwork) -> np.ndarray:
    """Immediate dominator of every compiled node (``-1`` for the seller)."""
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(range(cn.n))
    src, dst = cn.edges
    g.add_edges_from(zip(src.tolist(), dst.tolist()))
    return normalise_idom(nx.immediate_dominators(g, 0), cn.n)


@njit(cache=True)
def _euler(ptr, idx, root):
    n = ptr.size - 1
    tin = np.empty(n, np.int64)
    tout = np.empty(n, np.int64)
    order = np.empty(n, np.int64)
    stack = np.empty(n, np.int64)
    nxt = ptr[:-1].copy()
    top = 0
    stack[0] = root
    t = 0
    tin[root] = 0
    order[0] = root
    t = 1
    while top >= 0:
        u = stack[top]
        if nxt[u] < ptr[u + 1]:
            v = idx[nxt[u]]
            nxt[u] += 1
            tin[v] = t
            order[t] = v
            t += 1
            top += 1
            stack[top] = v
        else:
            tout[u] = t
            top -= 1
    return tin, tout, order


@dataclass(frozen=True)
class DominatorTree:
    """Dominator tree with Euler ranges: ``d_i`` (``i`` and all it dominates) is ``order[tin[i]:tout[i]]``."""

    idom: np.ndarray
    tin: np.ndarray
    tout: np.ndarray
    order: np.ndarray

    def chain(self, node: int) -> list[int]:
        """Critical ancestors of ``node`` and ``node`` itself, seller excluded, ordered from the seller."""
        out = []
        while node > 0:
            out.append(int(node))
            node = int(self.idom[node])
        return out[::-1]


def dominator_tree(cn: CompiledNetwork) -> DominatorTree:
    """Build the :class:`DominatorTree` of ``cn``."""
    idom = immediate_dominators(cn)
    child = np.nonzero(idom >= 0)[0]
    parent = idom[child]
    order = np.argsort(parent, kind="stable")
    ptr = np.zeros(cn.n + 1, dtype=np.int64)
    np.add.at(ptr, parent + 1, 1)
    tin, tout, eo = _euler(np.cumsum(ptr), child[order].astype(np.int64), 0)
    return DominatorTree(idom, tin, tout, eo)
