"""Compressed sparse row (CSR) graphs with influence weights, built from edge lists.

A :class:`Graph` stores every directed edge ``u -> v`` once with its influence weight ``w(u -> v)``,
both as an out-edge CSR (``indptr``/``indices``/``weights``, what IC cascades and RR-set walks need)
and as an in-edge CSR (``in_indptr``/``in_indices``/``in_weights``, what LT and reverse sampling
need). Node ids are relabelled to ``0..n-1``; ``labels[i]`` is the original id of node ``i``.

Conventions (documented choices, not accidents):

* undirected input stores each edge in both directions;
* self-loops are dropped (a node cannot influence itself) and duplicate edges are merged (the
  first weight is kept), after symmetrisation;
* ``wc`` ("weighted cascade") sets ``w(u -> v) = 1 / in-degree(v)``; on an undirected graph that
  is ``1 / degree(v)``, the paper's (seed 001) choice for CLT.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from fairbid.core.errors import FairbidError
from fairbid.core.rng import SeedLike, as_generator

WEIGHT_SCHEMES = ("wc", "uniform:<p>", "trivalency", "column", "const:<p>")

#: Trivalency probabilities (Chen, Wang, Wang, KDD 2010).
TRIVALENCY = (0.1, 0.01, 0.001)


@dataclass(frozen=True, eq=False)
class Graph:
    """A weighted directed graph in CSR form (see the module docstring).

    Attributes
    ----------
    n : int
        Number of nodes.
    m : int
        Number of stored directed edges (an undirected edge counts twice).
    indptr, indices, weights : np.ndarray
        Out-edge CSR: the out-edges of ``u`` are ``indices[indptr[u]:indptr[u+1]]`` (int32) with
        weights ``weights[...]`` (float64). ``indptr`` is int64.
    in_indptr, in_indices, in_weights : np.ndarray
        In-edge CSR with the same edges: the in-neighbours of ``v`` and ``w(u -> v)``.
    labels : np.ndarray
        Original node id of each internal node.
    directed : bool
        Whether the input was directed.
    weight_scheme : str
        How weights were set (``wc``, ``uniform:0.1``, ``trivalency``, ``column``, ``const:p``).
    """

    n: int
    m: int
    indptr: np.ndarray
    indices: np.ndarray
    weights: np.ndarray
    in_indptr: np.ndarray
    in_indices: np.ndarray
    in_weights: np.ndarray
    labels: np.ndarray
    directed: bool = True
    weight_scheme: str = "wc"
    name: str = ""
    _label_index: dict = field(default_factory=dict, repr=False)

    @cached_property
    def packed(self) -> np.ndarray:
        """Out-edges as ``coin << 32 | target`` words (see :func:`fairbid.influence.rng.pack_edges`)."""
        from fairbid.influence.rng import pack_edges

        return pack_edges(self.indices, self.weights)

    @cached_property
    def in_coins(self) -> np.ndarray:
        """In-edge weights as 32-bit coin thresholds."""
        from fairbid.influence.rng import coin_thresholds

        return coin_thresholds(self.in_weights)

    @cached_property
    def in_common_p(self) -> np.ndarray:
        """Per node, the weight shared by all its in-edges, or -1 where they differ (or none exist).

        Under ``wc`` every node qualifies; RR-set sampling then draws geometric gaps between live
        in-edges instead of one coin per edge (the subset-sampling idea of SUBSIM, Guo et al. 2020).
        """
        deg = self.in_degree()
        out = np.full(self.n, -1.0)
        has = deg > 0
        if self.m:
            lo = np.minimum.reduceat(self.in_weights, self.in_indptr[:-1][has])
            hi = np.maximum.reduceat(self.in_weights, self.in_indptr[:-1][has])
            out[has] = np.where(lo == hi, lo, -1.0)
        return out

    @cached_property
    def in_buckets(self) -> tuple[np.ndarray, ...]:
        """Bucketed subset-sampling index for nodes with unequal in-edge probabilities.

        In-edges sorted by probability and grouped into buckets ``[2^-(j+1), 2^-j)`` (see
        :func:`fairbid.influence.rrsets.build_buckets`); computed once, by ``prepare_rr`` or the first
        RR collection.
        """
        from fairbid.influence.rrsets import BUCKET_COST, BUCKET_MIN_DEG, build_buckets, no_buckets

        if not np.any((self.in_common_p < 0) & (self.in_degree() >= BUCKET_MIN_DEG)):
            return no_buckets(self.n)  # wc, uniform:P: nothing to bucket, no kernel to load
        return build_buckets(self.in_indptr, self.in_indices, self.in_weights, self.in_common_p, BUCKET_MIN_DEG,
                             BUCKET_COST)

    def out_degree(self) -> np.ndarray:
        """Out-degree of every node (int64)."""
        return np.diff(self.indptr)

    def in_degree(self) -> np.ndarray:
        """In-degree of every node (int64)."""
        return np.diff(self.in_indptr)

    def edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All stored edges as ``(src, dst, weight)`` arrays of internal indices."""
        src = np.repeat(np.arange(self.n, dtype=np.int32), self.out_degree())
        return src, self.indices.copy(), self.weights.copy()

    def index_of(self, labels: Any) -> np.ndarray:
        """Internal indices of original node ids; raise :class:`FairbidError` for unknown ids.

        Examples
        --------
        >>> g = from_edges([10, 20], [20, 30], directed=True)
        >>> g.index_of([30, 10]).tolist()
        [2, 0]
        """
        wanted = np.atleast_1d(np.asarray(labels))
        if wanted.size == 0:
            return np.zeros(0, dtype=np.int64)
        if self.labels.dtype.kind in "iu" and wanted.dtype.kind in "iu":
            pos = np.searchsorted(self.labels, wanted)
            pos_c = np.minimum(pos, self.n - 1)
            bad = self.labels[pos_c] != wanted
            if bad.any():
                raise FairbidError("seeds", "node not in the graph", wanted[bad][0].item())
            return pos_c.astype(np.int64)
        index = self._label_index
        if not index:
            index.update({_key(lab): i for i, lab in enumerate(self.labels.tolist())})
        out = np.empty(wanted.size, dtype=np.int64)
        for j, lab in enumerate(wanted.tolist()):
            i = index.get(_key(lab))
            if i is None:
                raise FairbidError("seeds", "node not in the graph", lab)
            out[j] = i
        return out

    def label_of(self, nodes: Any) -> list:
        """Original ids of internal node indices, as plain Python values."""
        return self.labels[np.asarray(nodes, dtype=np.int64)].tolist()

    def with_weights(self, weights: str | np.ndarray, seed: SeedLike = None) -> "Graph":
        """The same edges under another weight scheme (see :func:`edge_weights`)."""
        src, dst, w = self.edges()
        new = edge_weights(weights, src, dst, self.n, column=w, seed=seed)
        return _assemble(src, dst, new, self.labels, self.directed, _scheme_name(weights), self.name)

    def __repr__(self) -> str:
        kind = "directed" if self.directed else "undirected"
        return f"Graph({self.name or 'unnamed'}: n={self.n}, m={self.m}, {kind}, weights={self.weight_scheme})"


def _key(label: Any) -> Any:
    return label.item() if isinstance(label, np.generic) else label


def _scheme_name(weights: Any) -> str:
    return weights if isinstance(weights, str) else "array"


def edge_weights(
    scheme: str | np.ndarray,
    src: np.ndarray,
    dst: np.ndarray,
    n: int,
    *,
    column: np.ndarray | None = None,
    seed: SeedLike = None,
) -> np.ndarray:
    """Influence weight of every edge ``src[i] -> dst[i]`` under ``scheme``.

    Parameters
    ----------
    scheme : str or array
        ``"wc"`` (1 / in-degree of the target), ``"uniform:p"`` or ``"const:p"`` (every edge ``p``),
        ``"trivalency"`` (uniform draw from 0.1, 0.01, 0.001, seeded), ``"column"`` (the edge list's
        third column), or an explicit array of probabilities.
    src, dst : np.ndarray
        Edge endpoints (internal indices, self-loops and duplicates already removed).
    n : int
        Number of nodes.
    column : np.ndarray, optional
        The weight column for ``"column"``.
    seed : int, optional
        Seed for ``"trivalency"``.

    Examples
    --------
    >>> edge_weights("wc", np.array([0, 1, 0]), np.array([2, 2, 1]), 3).tolist()
    [0.5, 0.5, 1.0]
    """
    m = len(src)
    if isinstance(scheme, np.ndarray) or (not isinstance(scheme, str) and scheme is not None):
        w = np.asarray(scheme, dtype=np.float64)
        if w.shape != (m,):
            raise FairbidError("weights", f"array must have one entry per edge ({m})", f"shape {w.shape}")
        return _check_probs(w)
    if scheme == "wc":
        indeg = np.bincount(dst, minlength=n).astype(np.float64)
        return 1.0 / indeg[dst] if m else np.zeros(0)
    if scheme == "trivalency":
        return np.asarray(TRIVALENCY)[as_generator(seed).integers(0, 3, size=m)]
    if scheme == "column":
        if column is None:
            raise FairbidError("weights", "'column' needs a third column (edge weight) in the edge list")
        return _check_probs(np.asarray(column, dtype=np.float64))
    if isinstance(scheme, str) and scheme.split(":", 1)[0] in ("uniform", "const") and ":" in scheme:
        try:
            p = float(scheme.split(":", 1)[1])
        except ValueError:
            raise FairbidError("weights", "uniform:<p> needs a number p", scheme) from None
        if not 0.0 <= p <= 1.0:
            raise FairbidError("weights", "probability must lie in [0, 1]", p)
        return np.full(m, p)
    raise FairbidError("weights", f"unknown scheme; choose one of {', '.join(WEIGHT_SCHEMES)}", scheme)


def _check_probs(w: np.ndarray) -> np.ndarray:
    bad = ~((w >= 0.0) & (w <= 1.0))
    if bad.any():
        i = int(np.argmax(bad))
        raise FairbidError("weights", f"probabilities must lie in [0, 1] (edge {i})", float(w[i]))
    return w


def from_edges(
    src: Any,
    dst: Any,
    *,
    directed: bool = True,
    weights: str | np.ndarray = "wc",
    column: Any = None,
    labels: Any = None,
    seed: SeedLike = None,
    name: str = "",
) -> Graph:
    """Build a :class:`Graph` from edge endpoint arrays of original ids.

    Parameters
    ----------
    src, dst : array-like
        Original ids of edge sources and targets (integers, or any hashable when ``labels`` is given
        and the ids are already internal indices into it).
    directed : bool
        When False each edge is stored in both directions.
    weights : str or array
        Weight scheme (see :func:`edge_weights`); an array must match the *input* edges.
    column : array-like, optional
        A per-input-edge weight column (used by ``weights="column"``).
    labels : array-like, optional
        When given, ``src``/``dst`` are internal indices and ``labels`` are the original ids
        (lets isolated nodes exist).
    seed : int, optional
        Seed for random weight schemes.
    name : str
        A display name.

    Examples
    --------
    >>> g = from_edges([1, 2], [2, 3], directed=False)
    >>> (g.n, g.m, g.labels.tolist(), g.out_degree().tolist())
    (3, 4, [1, 2, 3], [1, 2, 1])
    """
    src = np.asarray(src)
    dst = np.asarray(dst)
    if src.shape != dst.shape or src.ndim != 1:
        raise FairbidError("edges", "src and dst must be 1-D arrays of equal length", f"{src.shape} vs {dst.shape}")
    col = None
    if isinstance(weights, np.ndarray) or (not isinstance(weights, str) and weights is not None):
        col, weights = np.asarray(weights, dtype=np.float64), "column"
    elif column is not None:
        col = np.asarray(column, dtype=np.float64)
    if col is not None and col.shape != src.shape:
        raise FairbidError("weights", "need one weight per edge", f"{col.shape} vs {src.shape}")
    if labels is None:
        if src.size == 0:
            raise FairbidError("graph", "is empty (no edges)")
        labels, inv = np.unique(np.concatenate([src, dst]), return_inverse=True)
        s, d = inv[: src.size].astype(np.int64), inv[src.size :].astype(np.int64)
    else:
        labels = np.asarray(labels)
        s, d = src.astype(np.int64), dst.astype(np.int64)
        if labels.size == 0:
            raise FairbidError("graph", "is empty (no nodes)")
    n = int(labels.size)
    if not directed:
        s, d = np.concatenate([s, d]), np.concatenate([d, s])
        col = None if col is None else np.concatenate([col, col])
    keep = s != d
    s, d = s[keep], d[keep]
    col = None if col is None else col[keep]
    key = s * n + d
    if key.size > 1 and not np.all(key[1:] > key[:-1]):
        _, first = np.unique(key, return_index=True)  # sorted by (src, dst): CSR order for free
        s, d = s[first], d[first]
        col = None if col is None else col[first]
    s, d = s.astype(np.int32), d.astype(np.int32)
    w = edge_weights(weights, s, d, n, column=col, seed=seed)
    return _assemble(s, d, w, labels, directed, _scheme_name(weights), name)


def _assemble(
    s: np.ndarray, d: np.ndarray, w: np.ndarray, labels: np.ndarray, directed: bool, scheme: str, name: str
) -> Graph:
    n = int(labels.size)
    key = s.astype(np.int64) * n + d
    if key.size > 1 and not np.all(key[1:] > key[:-1]):
        order = np.lexsort((d, s))
        s, d, w = s[order], d[order], w[order]
    w = np.ascontiguousarray(w, dtype=np.float64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(s, minlength=n), out=indptr[1:])
    rorder = np.argsort(d, kind="stable")
    in_indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(d, minlength=n), out=in_indptr[1:])
    return Graph(
        n=n,
        m=int(s.size),
        indptr=indptr,
        indices=np.ascontiguousarray(d, dtype=np.int32),
        weights=w,
        in_indptr=in_indptr,
        in_indices=np.ascontiguousarray(s[rorder], dtype=np.int32),
        in_weights=np.ascontiguousarray(w[rorder]),
        labels=labels,
        directed=bool(directed),
        weight_scheme=scheme,
        name=name,
    )


def from_networkx(g: Any, *, weights: str | np.ndarray = "wc", attr: str = "weight", seed: SeedLike = None) -> Graph:
    """Build a :class:`Graph` from a networkx graph (directedness from ``g.is_directed()``).

    With ``weights="column"`` the edge attribute ``attr`` gives each edge's probability.
    Isolated nodes are kept.
    """
    nodes = list(g.nodes())
    if not nodes:
        raise FairbidError("graph", "is empty (no nodes)")
    labels = np.array(nodes) if _homogeneous_ints(nodes) else _object_array(nodes)
    if labels.dtype.kind in "iu":
        order = np.argsort(labels, kind="stable")
        labels = labels[order]
    pos = {_key(lab): i for i, lab in enumerate(labels.tolist())}
    edges = list(g.edges(data=True))
    src = np.fromiter((pos[u] for u, _, _ in edges), dtype=np.int64, count=len(edges))
    dst = np.fromiter((pos[v] for _, v, _ in edges), dtype=np.int64, count=len(edges))
    column = None
    if isinstance(weights, str) and weights == "column":
        column = np.array([data.get(attr, np.nan) for _, _, data in edges], dtype=np.float64)
        if np.isnan(column).any():
            raise FairbidError("weights", f"every edge needs the '{attr}' attribute", "missing")
    return from_edges(src, dst, directed=g.is_directed(), weights=weights, column=column, labels=labels, seed=seed,
                      name=str(g.name or "networkx"))


def _homogeneous_ints(nodes: list) -> bool:
    return all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) for x in nodes)


def _object_array(items: list) -> np.ndarray:
    arr = np.empty(len(items), dtype=object)
    arr[:] = items
    return arr


def to_networkx(graph: Graph) -> Any:
    """A :class:`networkx.DiGraph` with the original labels and a ``weight`` attribute per edge."""
    import networkx as nx

    out = nx.DiGraph()
    out.add_nodes_from(graph.labels.tolist())
    src, dst, w = graph.edges()
    lab = graph.labels.tolist()
    out.add_weighted_edges_from((lab[a], lab[b], float(x)) for a, b, x in zip(src.tolist(), dst.tolist(), w.tolist()))
    return out
