"""Critical ancestors: the dominator tree of the invitation graph, rooted at the seller.

Buyer ``i`` is a critical ancestor of ``j`` when every invitation path from the seller to ``j`` passes
through ``i`` (``i`` dominates ``j``). Two implementations give the same array (``idom[root] = -1``):

``networkx``
    :func:`networkx.immediate_dominators`, whose output differs across networkx versions (older ones
    map the root to itself, newer ones leave it out); :func:`normalise_idom` handles both.
``numba`` (default)
    The iterative algorithm of Cooper, Harvey and Kennedy ("A Simple, Fast Dominance Algorithm", 2001)
    compiled with numba: the same fixed point, about two orders of magnitude faster on 10^5 nodes.
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


def immediate_dominators(cn: CompiledNetwork, method: str = "numba") -> np.ndarray:
    """Immediate dominator of every compiled node (``-1`` for the seller), by ``numba`` or ``networkx``."""
    from fairbid.core.errors import check_choice

    check_choice("method", method, ("numba", "networkx"))
    if method == "numba":
        return _chk(cn.out_ptr, cn.out_idx.astype(np.int64), cn.in_ptr, cn.in_idx.astype(np.int64), cn.n)
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(range(cn.n))
    src, dst = cn.edges
    g.add_edges_from(zip(src.tolist(), dst.tolist()))
    return normalise_idom(nx.immediate_dominators(g, 0), cn.n)


@njit(cache=True)
def _chk(out_ptr, out_idx, in_ptr, in_idx, n):
    # Postorder numbers by an iterative DFS from the root.
    post = np.full(n, -1, np.int64)
    rpo = np.empty(n, np.int64)
    seen = np.zeros(n, np.bool_)
    stack = np.empty(n, np.int64)
    nxt = out_ptr[:-1].copy()
    top = 0
    stack[0] = 0
    seen[0] = True
    t = 0
    while top >= 0:
        u = stack[top]
        if nxt[u] < out_ptr[u + 1]:
            v = out_idx[nxt[u]]
            nxt[u] += 1
            if not seen[v]:
                seen[v] = True
                top += 1
                stack[top] = v
        else:
            post[u] = t
            rpo[n - 1 - t] = u
            t += 1
            top -= 1
    idom = np.full(n, -1, np.int64)
    idom[0] = 0
    changed = True
    while changed:
        changed = False
        for k in range(1, n):
            node = rpo[k]
            new = -1
            for e in range(in_ptr[node], in_ptr[node + 1]):
                p = in_idx[e]
                if idom[p] == -1:
                    continue
                if new == -1:
                    new = p
                    continue
                f1 = p
                f2 = new
                while f1 != f2:
                    while post[f1] < post[f2]:
                        f1 = idom[f1]
                    while post[f2] < post[f1]:
                        f2 = idom[f2]
                new = f1
            if idom[node] != new:
                idom[node] = new
                changed = True
    idom[0] = -1
    return idom


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


def dominator_tree(cn: CompiledNetwork, method: str = "numba") -> DominatorTree:
    """Build the :class:`DominatorTree` of ``cn`` (``method``: ``numba`` or ``networkx``)."""
    idom = immediate_dominators(cn, method)
    child = np.nonzero(idom >= 0)[0]
    parent = idom[child]
    order = np.argsort(parent, kind="stable")
    ptr = np.zeros(cn.n + 1, dtype=np.int64)
    np.add.at(ptr, parent + 1, 1)
    tin, tout, eo = _euler(np.cumsum(ptr), child[order].astype(np.int64), 0)
    return DominatorTree(idom, tin, tout, eo)
