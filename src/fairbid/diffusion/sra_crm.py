"""The centralized reduction of the Sequential Resale Auction (seed 003, §4.2, Eqs. 3-5).

For one spanning tree ``T`` (a parent array): take the path from the seller to the highest bidder
``z``; transform it into a *diffusion path* (no back-edges): walking from the seller, each local seller
``h_i`` jumps to the furthest later path node she invited, dropping the nodes in between, and that node
is re-attached to ``h_i`` (the seed's Stage-3 disconnect rule restricted to path nodes, as §4.2
writes). With ``T_{-x}`` = the buyers outside ``x``'s subtree of the transformed tree and
``v1(X)`` = the highest bid in ``X``:

* Eq. 3: the winner is the first path buyer ``h_j`` whose bid equals ``v1(T_{-h_{j+1}})``;
* Eq. 4: the winner pays ``v1(T_{-w})``; each earlier ``h_j`` pays ``v1(T_{-h_j}) - v1(T_{-h_{j+1}})``
  (<= 0: she is paid her connecting contribution).

Eq. 5 averages over trees. The expectation is exact when the trees can be enumerated (fewer than
``limit``) and otherwise estimated from ``samples`` trees with standard errors. Every result states
the tree distribution it used (``uniform`` or ``random-parent``, see :mod:`fairbid.diffusion.trees`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from fairbid.core.errors import FairbidError, check_choice, check_int
from fairbid.core.rng import SeedLike
from fairbid.diffusion.network import CompiledNetwork, DiffusionNetwork
from fairbid.diffusion.outcome import Outcome, outcome_from_arrays
from fairbid.diffusion.trees import DISTRIBUTIONS, enumerable, enumerate_trees, sample_trees

DEFAULT_LIMIT = 20_000
DEFAULT_SAMPLES = 1_000


@njit(cache=True)
def _one_tree(parent, bids, z, out_ptr, out_idx, pos, lab, path, dpath, stack, mx, outside):
    """Fill ``dpath[:m]`` and ``outside[1:m]``; return ``(m, winner position l)``."""
    n = bids.size
    length = 0
    x = z
    while x != -1:
        path[length] = x
        length += 1
        x = parent[x]
    for a in range(length // 2):  # root first
        t = path[a]
        path[a] = path[length - 1 - a]
        path[length - 1 - a] = t
    for a in range(length):
        pos[path[a]] = a
    # Diffusion-path transform: jump to the furthest later path node the local seller invited.
    dpath[0] = 0
    m = 1
    cur = 0
    while cur != length - 1:
        node = path[cur]
        best = cur + 1
        for e in range(out_ptr[node], out_ptr[node + 1]):
            p = pos[out_idx[e]]
            if p > best:
                best = p
        dpath[m] = path[best]
        m += 1
        cur = best
    for a in range(length):
        pos[path[a]] = -1
    # Label each node with the deepest diffusion-path node above it in the transformed tree.
    for v in range(n):
        lab[v] = -1
    for a in range(m):
        lab[dpath[a]] = a
    for v in range(n):
        if lab[v] >= 0:
            continue
        top = 0
        u = v
        while lab[u] < 0:
            stack[top] = u
            top += 1
            u = parent[u]
        for s in range(top):
            lab[stack[s]] = lab[u]
    for a in range(m):
        mx[a] = -np.inf
    for v in range(1, n):
        if bids[v] > mx[lab[v]]:
            mx[lab[v]] = bids[v]
    # outside[a] = v1(T_{-h_a}) = highest bid with label < a (price floor 0).
    run = -np.inf
    for a in range(1, m + 1):
        if mx[a - 1] > run:
            run = mx[a - 1]
        outside[a] = run if run > 0.0 else 0.0
    winner = m - 1
    for a in range(1, m - 1):
        if bids[dpath[a]] >= outside[a + 1]:
            winner = a
            break
    return m, winner


@njit(cache=True)
def _eval_trees(parents, weights, bids, z, out_ptr, out_idx, win, pay, pay2, util_true, util2, values,
                winners, revenue):
    k, n = parents.shape
    pos = np.full(n, -1, np.int64)
    lab = np.empty(n, np.int64)
    path = np.empty(n, np.int64)
    dpath = np.empty(n, np.int64)
    stack = np.empty(n, np.int64)
    mx = np.empty(n + 1, np.float64)
    outside = np.empty(n + 2, np.float64)
    tpay = np.zeros(n, np.float64)
    for t in range(k):
        m, l = _one_tree(parents[t], bids, z, out_ptr, out_idx, pos, lab, path, dpath, stack, mx, outside)
        w = dpath[l]
        winners[t] = w
        wt = weights[t]
        tpay[w] = outside[l]
        for a in range(1, l):
            tpay[dpath[a]] = outside[a] - outside[a + 1]
        revenue[t] = outside[1]
        win[w] += wt
        for a in range(1, l + 1):
            v = dpath[a]
            p = tpay[v]
            u = -p + (values[v] if a == l else 0.0)
            pay[v] += wt * p
            pay2[v] += wt * p * p
            util_true[v] += wt * u
            util2[v] += wt * u * u
            tpay[v] = 0.0


@dataclass
class TreeBatch:
    """Per-tree results of a batch: winner index and seller revenue per tree, plus weighted sums."""

    winners: np.ndarray
    revenue: np.ndarray
    win: np.ndarray
    pay: np.ndarray
    pay2: np.ndarray
    util: np.ndarray
    util2: np.ndarray


def evaluate_trees(cn: CompiledNetwork, parents: np.ndarray, weights: np.ndarray | None = None) -> TreeBatch:
    """Run Eqs. 3-4 on every tree (row of ``parents``) and accumulate weighted sums (numba)."""
    parents = np.ascontiguousarray(parents, dtype=np.int32)
    k = parents.shape[0]
    if weights is None:
        weights = np.full(k, 1.0 / k)
    n = cn.n
    z = int(np.argmax(cn.bids))
    arrays = [np.zeros(n) for _ in range(5)]
    winners = np.zeros(k, np.int64)
    revenue = np.zeros(k)
    if n > 1:
        _eval_trees(parents, np.asarray(weights, float), cn.bids, z, cn.out_ptr, cn.out_idx.astype(np.int64),
                    *arrays, cn.values, winners, revenue)
    return TreeBatch(winners, revenue, *arrays)


def sra_crm_on_tree(net: DiffusionNetwork, parent: np.ndarray | dict[str, str]) -> Outcome:
    """The reduction on one given tree (a parent array over compiled indices, or ``{buyer: parent}``)."""
    cn = net.compiled
    if isinstance(parent, dict):
        arr = np.full(cn.n, -1, dtype=np.int32)
        for child, par in parent.items():
            if child not in cn.index or par not in cn.index:
                raise FairbidError("tree", "names a node that is not a valid buyer or the seller", (child, par))
            arr[cn.index[child]] = cn.index[par]
        parent = arr
    check_tree(cn, parent)
    parent = np.asarray(parent, dtype=np.int32).reshape(1, -1)
    batch = evaluate_trees(cn, parent)
    return outcome_from_arrays(net, "sra-crm", batch.win, batch.pay, deterministic=True,
                               details={"trees": "given"})


def sra_crm(net: DiffusionNetwork, trees: str = "uniform", *, samples: int | None = None,
            limit: int = DEFAULT_LIMIT, seed: SeedLike = 0) -> Outcome:
    """Expected outcome of the centralized reduction over ``trees`` (``uniform`` or ``random-parent``).

    Parameters
    ----------
    net : DiffusionNetwork
        The reported network.
    trees : {"uniform", "random-parent"}
        Tree distribution (see :mod:`fairbid.diffusion.trees`).
    samples : int, optional
        Force sampling with this many trees; default: exact when at most ``limit`` trees (see
        :func:`~fairbid.diffusion.trees.enumerable`), else :data:`DEFAULT_SAMPLES` sampled trees.
    limit : int
        Largest number of trees enumerated for an exact expectation.
    seed : seed-like
        Seed for sampling.

    Returns
    -------
    Outcome
        ``winner`` is None (randomized); ``details`` holds ``trees``, ``exact``, ``n_trees`` and,
        when sampled, ``stderr_payments``, ``stderr_utilities`` and ``stderr_revenue``.
    """
    check_choice("trees", trees, DISTRIBUTIONS)
    cn = net.compiled
    details: dict = {"trees": trees}
    if samples is None and enumerable(cn, trees, limit):
        parents = enumerate_trees(cn, trees, limit)
        details.update(exact=True, n_trees=int(parents.shape[0]))
        batch = evaluate_trees(cn, parents)
    else:
        k = check_int("samples", samples if samples is not None else DEFAULT_SAMPLES, minimum=2)
        parents = sample_trees(cn, k, trees, seed)
        batch = evaluate_trees(cn, parents)
        details.update(exact=False, n_trees=k)
        _add_stderr(net, batch, k, details)
    out = outcome_from_arrays(net, "sra-crm", batch.win, batch.pay, deterministic=False, details=details)
    return out


def _add_stderr(net: DiffusionNetwork, b: TreeBatch, k: int, details: dict) -> None:
    cn = net.compiled

    def se(mean, mean_sq):
        return np.sqrt(np.maximum(mean_sq - mean**2, 0.0) / (k - 1))

    se_pay, se_util = se(b.pay, b.pay2), se(b.util, b.util2)
    details["stderr_payments"] = {cn.ids[i]: float(se_pay[i]) for i in range(1, cn.n)}
    details["stderr_utilities"] = {cn.ids[i]: float(se_util[i]) for i in range(1, cn.n)}
    details["stderr_revenue"] = float(b.revenue.std(ddof=1) / np.sqrt(k))


def per_tree_outcome(cn: CompiledNetwork, parent: np.ndarray) -> tuple[int, dict[int, float]]:
    """Winner index and nonzero payments by index on one tree (for tests and the theorem check)."""
    batch = evaluate_trees(cn, np.asarray(parent).reshape(1, -1), np.ones(1))
    pay = {i: float(batch.pay[i]) for i in np.nonzero(batch.pay)[0]}
    return int(batch.winners[0]), pay


def check_tree(cn: CompiledNetwork, parent: np.ndarray) -> None:
    """Raise :class:`FairbidError` unless ``parent`` is a spanning tree of ``cn``'s invitation graph."""
    parent = np.asarray(parent)
    if parent.shape != (cn.n,) or parent[0] != -1:
        raise FairbidError("tree", "must be a parent array with parent[seller] = -1", parent.shape)
    for v in range(1, cn.n):
        p = int(parent[v])
        if p not in set(cn.in_idx[cn.in_ptr[v]:cn.in_ptr[v + 1]].tolist()):
            raise FairbidError("tree", f"edge {p}->{v} is not an invitation", p)
