"""Reverse-reachable (RR) sets and greedy maximum coverage, the engine of IMM (numba).

An RR set for IC is the set of nodes that reach a uniformly random root in a random live-edge
world (reverse BFS, each in-edge live with probability ``w``: a 32-bit coin, ``u32 < ceil(w 2^32)``); for
LT it is a reverse random walk
(at each node, pick at most one in-edge, edge ``u -> v`` with probability ``w(u -> v)``, stop at a
visited node or when none is picked). ``n * Pr[S hits a random RR set]`` is the spread of ``S``
(Borgs et al., SODA 2014; Tang, Shi, Xiao, SIGMOD 2015).

RR set ``i`` draws from stream ``(base, i)``, so a collection is the same however it is grown.

Subset sampling (Guo, Wang, Wei, Chen, SIGMOD 2020): where all in-edges of a node share one
probability ``p`` (every node under ``wc``; ``uniform:P``) and there are at least 4 of them, the
live in-edges are found by geometric skips (``Geometric(p)`` gaps), ``O(1 + p d)`` draws instead of
``d`` coins. Nodes whose in-edges have different probabilities (``trivalency``, ``column``, explicit
weights) and at least :data:`BUCKET_MIN_DEG` in-edges use the paper's bucketed variant for general
weights: :func:`build_buckets` (run once per graph, ``Graph.in_buckets``) sorts their in-edges by
probability and groups them into buckets ``[2^-(j+1), 2^-j)``; in each bucket candidates are drawn by
geometric skips with the bucket's upper probability ``q = 2^-j`` and each candidate is kept with
probability ``p_e / q`` (>= 1/2), so every edge is live independently with exactly ``p_e``, at
``O(buckets + sum p_e)`` draws (acceptance to within 2^-31, as for the coins). Only where that beats one
coin per edge (:data:`BUCKET_COST`): hubs. Other nodes flip one coin per edge.
``sampling="vanilla"`` forces one coin per edge everywhere (for checking the two against each other).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from fairbid.influence.rng import MASK32, S1, S32, next_u32, next_uniform, start_stream

#: Fewest in-edges for which a node with unequal in-edge probabilities uses bucketed subset sampling.
BUCKET_MIN_DEG = 4
#: ... and only when ``BUCKET_COST * (buckets + expected candidates) < in-degree``: a bucket (a log) and a
#: candidate (a cache miss into the edge list) each cost about as much as 12 sequential 32-bit coins (measured,
#: trivalency stars, one core: break-even near 90 in-edges), so bucketing pays on hubs only.
BUCKET_COST = 12.0


@njit(cache=True, nogil=True)
def build_buckets(in_indptr, in_indices, in_weights, in_p, min_deg, cost):
    """Bucketed subset-sampling index for nodes whose in-edges have unequal probabilities.

    For every node ``v`` with ``in_p[v] < 0`` (probabilities differ) and at least ``min_deg``
    in-edges, and where ``cost * (buckets + sum_b q_b |b|) < in-degree`` (expected draws, weighted
    against one coin per edge; ``cost = 0`` buckets every such node), its in-edges of positive
    probability are sorted by decreasing probability (stable) and grouped into buckets
    ``[2^-(j+1), 2^-j)`` (``p = 1`` joins ``j = 0``). Returns
    ``(node_ptr, info, edges)``: node ``v``'s buckets are ``node_ptr[v] .. node_ptr[v+1]-1`` (none: the
    node is sampled otherwise); row ``b`` of ``info`` (float64, one cache line per two buckets) is
    ``(lo, hi, q, log(1 - q))``: the bucket covers ``edges[lo:hi]`` with upper probability ``q = 2^-j``
    (``log(1 - q) = -inf`` for ``q = 1``). ``edges[e]`` packs ``ceil(p_e / q * 2^31) << 32 | source``
    (uint64, aligned with the in-edge CSR), so a candidate costs one memory access and is kept when
    ``(u32 >> 1) < threshold``, with probability ``p_e / q`` to within ``2^-31`` (exact for ``p_e = q``),
    like the 32-bit coins of the other paths.
    """
    n = in_indptr.shape[0] - 1
    m = in_indices.shape[0]
    src = in_indices.copy()
    prob = in_weights.copy()
    node_ptr = np.zeros(n + 1, np.int64)
    lo = np.empty(m, np.int64)
    hi = np.empty(m, np.int64)
    q = np.empty(m, np.float64)
    nb = 0
    for v in range(n):
        a = in_indptr[v]
        b = in_indptr[v + 1]
        if in_p[v] < 0.0 and b - a >= min_deg:
            order = np.argsort(-in_weights[a:b], kind="mergesort")
            for i in range(b - a):
                src[a + i] = in_indices[a + order[i]]
                prob[a + i] = in_weights[a + order[i]]
            cur = -1
            for e in range(a, b):
                pe = prob[e]
                if pe <= 0.0:
                    break  # sorted: the rest are 0 and never live
                j = max(-math.frexp(pe)[1], 0)  # pe in [2^-(j+1), 2^-j), or pe = 1 and j = 0
                if j != cur:
                    if cur >= 0:
                        hi[nb - 1] = e
                    lo[nb] = e
                    q[nb] = math.ldexp(1.0, -j)
                    nb += 1
                    cur = j
            if cur >= 0:
                hi[nb - 1] = e + 1 if prob[e] > 0.0 else e
            draws = 0.0
            for k in range(node_ptr[v], nb):
                draws += 1.0 + q[k] * (hi[k] - lo[k])
            if cost * draws >= b - a:
                nb = node_ptr[v]  # cheaper with one coin per edge
        node_ptr[v + 1] = nb
    qq = q[:nb].copy()
    log_q = np.empty(nb, np.float64)
    for i in range(nb):
        log_q[i] = np.log1p(-qq[i]) if qq[i] < 1.0 else -np.inf
    info = np.empty((nb, 4), np.float64)
    edges = np.zeros(m, np.uint64)
    for i in range(nb):
        info[i, 0] = lo[i]
        info[i, 1] = hi[i]
        info[i, 2] = qq[i]
        info[i, 3] = log_q[i]
        for e in range(lo[i], hi[i]):
            thr = np.uint64(math.ceil(prob[e] / qq[i] * 2147483648.0))
            edges[e] = (thr << np.uint64(32)) | np.uint64(src[e])
    return node_ptr, info, edges


@njit(cache=True, nogil=True)
def rr_generate(in_indptr, in_indices, in_weights, in_coins, in_p, bk_node, bk_info, bk_edges, n, lt, base, first,
                count, nodes, ptr, used, visited, scratch):
    """Append RR sets ``first .. first+count-1`` to ``nodes``/``ptr`` until one would not fit.

    ``in_p`` (per node, shared in-edge probability or -1) and the ``bk_*`` arrays of
    :func:`build_buckets` select the subset-sampling paths; all -1 and ``bk_node`` all 0 give one
    coin per edge.

    ``ptr[j]`` is where set ``j`` (counted from ``first``) starts in ``nodes``; ``used`` is how many
    entries of ``nodes`` are taken on entry. ``visited`` (int64, n) and ``scratch`` (int32, n) are
    the caller's reusable buffers: set ``i`` marks ``visited`` with ``i + 1``, so they never need
    clearing between calls. Returns ``(sets_done, used)``.
    """
    state = np.zeros(3, np.uint64)
    cap = nodes.shape[0]
    done = 0
    for j in range(count):
        tag = first + j + 1
        start_stream(state, base, first + j)
        root = min(np.int64(next_uniform(state) * n), n - 1)
        scratch[0] = root
        visited[root] = tag
        size = 1
        if lt:
            v = root
            while True:
                r = next_uniform(state)
                pick = -1
                acc = 0.0
                for e in range(in_indptr[v], in_indptr[v + 1]):
                    acc += in_weights[e]
                    if r < acc:
                        pick = in_indices[e]
                        break
                if pick < 0 or visited[pick] == tag:
                    break
                visited[pick] = tag
                scratch[size] = pick
                size += 1
                v = pick
        else:
            head = 0
            while head < size:
                v = scratch[head]
                head += 1
                lo = in_indptr[v]
                hi = in_indptr[v + 1]
                p = in_p[v]
                if p < 0.0 and bk_node[v + 1] > bk_node[v]:
                    # Unequal probabilities: per bucket, candidates at Geometric(q) gaps, kept w.p. p_e / q.
                    for b in range(bk_node[v], bk_node[v + 1]):
                        e = np.int64(bk_info[b, 0]) - 1
                        end = np.int64(bk_info[b, 1])
                        q = bk_info[b, 2]
                        log_q = bk_info[b, 3]
                        while True:
                            if q < 1.0:
                                e += 1 + np.int64(np.log(1.0 - next_uniform(state)) / log_q)
                            else:
                                e += 1
                            if e >= end:
                                break
                            word = bk_edges[e]
                            u = np.int64(word & MASK32)
                            if visited[u] != tag and (next_u32(state) >> S1) < (word >> S32):
                                visited[u] = tag
                                scratch[size] = u
                                size += 1
                elif p < 0.0 or hi - lo < 4:
                    for e in range(lo, hi):
                        u = in_indices[e]
                        if visited[u] != tag and next_u32(state) < in_coins[e]:
                            visited[u] = tag
                            scratch[size] = u
                            size += 1
                elif p > 0.0:
                    # All in-edges share p: jump straight to the next live edge, gap ~ Geometric(p).
                    log_q = np.log1p(-p) if p < 1.0 else -np.inf
                    e = lo - 1
                    while True:
                        if p < 1.0:
                            e += 1 + np.int64(np.log(1.0 - next_uniform(state)) / log_q)
                        else:
                            e += 1
                        if e >= hi:
                            break
                        u = in_indices[e]
                        if visited[u] != tag:
                            visited[u] = tag
                            scratch[size] = u
                            size += 1
        if used + size > cap:
            return done, used
        for i in range(size):
            nodes[used + i] = scratch[i]
        used += size
        done += 1
        ptr[done] = used
    return done, used


@njit(cache=True, nogil=True)
def max_coverage_local(nodes, ptr, nsets, loc, k):
    """Greedy ``k`` nodes covering the most of the first ``nsets`` RR sets.

    Returns ``(seeds, covered, upper)``: ``covered`` is the number of sets the seeds hit and
    ``upper`` an upper bound on the sets *any* ``k`` nodes can hit, the tightest over the greedy's
    prefixes ``S_i`` of ``Lambda(S_i) + sum of the k largest marginal coverages given S_i``
    (submodularity; Tang, Tang, Xiao, Yuan, SIGMOD 2018, Sec. 4.2).

    Only the nodes that occur in some set take part: they get compact local ids through ``loc``
    (an n-sized int32 scratch array that must be all -1 on entry and is restored to -1 on exit), so
    no pass over all n nodes happens and every scan runs over small contiguous arrays. The local
    node -> RR-set index is flat int32 (``start``/``member``), no object per set. ``seeds`` may
    hold -1 where fewer than ``k`` nodes occur (the caller fills those).
    """
    total = ptr[nsets]
    ids = np.empty(min(total, loc.shape[0]), np.int32)  # local id -> node
    ncand = 0
    for i in range(total):
        v = nodes[i]
        if loc[v] < 0:
            loc[v] = ncand
            ids[ncand] = v
            ncand += 1
    deg = np.zeros(ncand, np.int32)
    for i in range(total):
        deg[loc[nodes[i]]] += 1
    start = np.zeros(ncand + 1, np.int64)
    for c in range(ncand):
        start[c + 1] = start[c] + deg[c]
    fill = start[:-1].copy()
    member = np.empty(total, np.int32)
    for s in range(nsets):
        for i in range(ptr[s], ptr[s + 1]):
            c = loc[nodes[i]]
            member[fill[c]] = s
            fill[c] += 1
    covered = np.zeros(nsets, np.bool_)
    chosen = np.zeros(ncand, np.bool_)
    seeds = np.full(k, -1, np.int64)
    top = np.zeros(k, np.int64)
    ncov = 0
    upper = np.int64(nsets)
    for t in range(k + 1):
        # Best node and the sum of the k largest marginal gains in one pass.
        best = -1
        best_deg = -1
        for q in range(k):
            top[q] = 0
        tmin = 0
        tmin_at = 0
        for c in range(ncand):
            if chosen[c]:
                continue
            d = np.int64(deg[c])
            if d > best_deg:
                best = c
                best_deg = d
            if d > tmin:
                top[tmin_at] = d
                tmin = top[0]
                tmin_at = 0
                for q in range(1, k):
                    if top[q] < tmin:
                        tmin = top[q]
                        tmin_at = q
        bound = ncov
        for q in range(k):
            bound += top[q]
        if bound < upper:
            upper = bound
        if t == k or best < 0:
            break
        seeds[t] = ids[best]
        chosen[best] = True
        for i in range(start[best], start[best + 1]):
            s = member[i]
            if not covered[s]:
                covered[s] = True
                ncov += 1
                for q in range(ptr[s], ptr[s + 1]):
                    deg[loc[nodes[q]]] -= 1
    for c in range(ncand):
        loc[ids[c]] = -1
    return seeds, ncov, upper


def max_coverage(nodes, ptr, nsets, n, k):
    """:func:`max_coverage_local` with its own scratch, seeds completed to ``k`` (uncovering nodes)."""
    loc = np.full(n, -1, np.int32)
    seeds, cov, upper = max_coverage_local(nodes, ptr, nsets, loc, k)
    return _complete(seeds, n), cov, upper


def _complete(seeds: np.ndarray, n: int) -> np.ndarray:
    """Fill the -1 slots (fewer covering nodes than k) with the smallest unused node ids (gain 0)."""
    missing = seeds < 0
    if missing.any():
        used = np.zeros(n, dtype=bool)
        used[seeds[~missing]] = True
        seeds = seeds.copy()
        seeds[missing] = np.flatnonzero(~used)[: int(missing.sum())]
    return seeds


@njit(cache=True, nogil=True)
def coverage(nodes, ptr, nsets, mask):
    """Number of the first ``nsets`` RR sets holding a node with ``mask[node]`` true."""
    hit = 0
    for s in range(nsets):
        for i in range(ptr[s], ptr[s + 1]):
            if mask[nodes[i]]:
                hit += 1
                break
    return hit


def no_buckets(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The bucket index of a graph where no node is bucket-sampled (the form :func:`build_buckets` returns)."""
    return np.zeros(n + 1, np.int64), np.zeros((0, 4)), np.zeros(0, np.uint64)


class RRCollection:
    """A growing collection of RR sets stored flat (``nodes`` int32, ``ptr`` int64)."""

    def __init__(self, graph, model: str, base: np.uint64, sampling: str = "subset") -> None:
        self.graph = graph
        self.lt = model == "lt"
        # "vanilla": one coin per in-edge everywhere (kept to check subset sampling against).
        if sampling == "subset":
            self.in_p = graph.in_common_p
            self.buckets = graph.in_buckets
        else:
            self.in_p = np.full(graph.n, -1.0)
            self.buckets = no_buckets(graph.n)
        self.base = base
        self.nodes = np.empty(1 << 20, dtype=np.int32)
        self.ptr = np.zeros(1 << 16, dtype=np.int64)
        self.count = 0
        self.used = 0
        self._loc: np.ndarray | None = None
        self._visited = np.zeros(graph.n, dtype=np.int64)
        self._scratch = np.empty(graph.n, dtype=np.int32)

    def grow_to(self, target: int) -> None:
        """Generate sets until there are ``target`` of them."""
        g = self.graph
        while self.count < target:
            need = target - self.count
            if self.ptr.size < target + 1:
                self.ptr = _enlarged(self.ptr, max(target + 1, 2 * self.ptr.size))
            ptr_view = self.ptr[self.count :]
            done, used = rr_generate(g.in_indptr, g.in_indices, g.in_weights, g.in_coins, self.in_p,
                                     *self.buckets, g.n, self.lt, self.base,
                                     self.count, need, self.nodes, ptr_view, self.used,
                                     self._visited, self._scratch)
            self.count += done
            self.used = used
            if self.count < target:
                self.nodes = _enlarged(self.nodes, max(2 * self.nodes.size, self.used + g.n))

    def select(self, k: int) -> tuple[np.ndarray, int]:
        """Greedy max coverage over all sets: ``(seeds, number of sets covered)``."""
        seeds, cov, _ = self._greedy(k)
        return seeds, int(cov)

    def select_bounded(self, k: int) -> tuple[np.ndarray, int, int]:
        """Greedy max coverage plus the upper bound on any ``k``-set's coverage (see :func:`max_coverage`)."""
        seeds, cov, upper = self._greedy(k)
        return seeds, int(cov), int(upper)

    def _greedy(self, k: int) -> tuple[np.ndarray, int, int]:
        if self._loc is None:  # one n-sized scratch per collection, reused by every greedy call
            self._loc = np.full(self.graph.n, -1, np.int32)
        seeds, cov, upper = max_coverage_local(self.nodes, self.ptr, self.count, self._loc, k)
        return _complete(seeds, self.graph.n), cov, upper

    def covered_by(self, seeds: np.ndarray) -> int:
        """How many sets of this collection ``seeds`` hit."""
        mask = np.zeros(self.graph.n, dtype=np.bool_)
        mask[np.asarray(seeds, dtype=np.int64)] = True
        return int(coverage(self.nodes, self.ptr, self.count, mask))

    @property
    def nbytes(self) -> int:
        return int(self.nodes.nbytes + self.ptr.nbytes)


def _enlarged(arr: np.ndarray, size: int) -> np.ndarray:
    out = np.empty(size, dtype=arr.dtype)
    out[: arr.size] = arr
    return out
