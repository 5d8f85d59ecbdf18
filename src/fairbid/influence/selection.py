"""Seed selection: top-degree, degree-discount, CELF greedy, IMM and OPIM-C (reverse-reachable sets).

Every :class:`SelectionResult` carries the spread of the chosen seeds *and* of the top-degree
baseline with the same ``k``, both estimated by :func:`~fairbid.influence.estimation.spread` with the
same simulations, so a selection is always reported beside the baseline.

IMM guarantee (Tang, Shi, Xiao, SIGMOD 2015, Theorem 3): with probability at least ``1 - 1/n^ell``
the returned ``k`` seeds have expected spread at least ``(1 - 1/e - eps) * OPT`` under IC or LT.
Following Chen (arXiv:1808.09363, "An issue in the martingale analysis of IMM") the final node
selection runs on RR sets generated afresh after the lower bound is estimated, which restores the
theorem (``fresh_final=False`` gives the original, faster variant).

OPIM-C (Tang, Tang, Xiao, Yuan, SIGMOD 2018, Algorithm 2) has the same guarantee, ``(1 - 1/e - eps)``
with probability at least ``1 - delta``, but stops as soon as it can *certify* it: greedy on one RR
collection R1, a lower bound on the chosen set's spread from an independent collection R2 and an
upper bound on OPT from R1, doubling both until ``lower / upper >= 1 - 1/e - eps`` or R1 reaches
IMM-style worst-case size ``theta_max``. It shares the RR-set generator (with subset sampling,
Guo et al. SIGMOD 2020) and the greedy of IMM (:mod:`fairbid.influence.rrsets`).
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fairbid.core.errors import FairbidError, check_choice, check_float, check_int
from fairbid.core.rng import SeedLike, seed_int
from fairbid.influence.graph import Graph
from fairbid.influence.rng import base_seed
from fairbid.influence.rrsets import RRCollection
from fairbid.influence.estimation import spread

METHODS = ("degree", "degree-discount", "celf", "imm", "opim")
SAMPLINGS = ("subset", "vanilla")
SELECT_MODELS = ("ic", "lt")
#: CELF's default candidate pool (top out-degree nodes) on graphs with more than 2000 nodes.
CELF_CANDIDATES = 200


@dataclass(frozen=True)
class SelectionResult:
    """Chosen seeds (internal indices, in selection order) and their estimated spread."""

    seeds: np.ndarray
    spread: float
    stderr: float
    seconds: float
    method: str
    baseline_spread: float = float("nan")
    baseline_stderr: float = float("nan")
    info: dict[str, Any] = field(default_factory=dict)


def top_degree(graph: Graph, k: int) -> np.ndarray:
    """The ``k`` nodes of largest out-degree (ties: smaller index first).

    Examples
    --------
    >>> from fairbid.influence.graph import from_edges
    >>> top_degree(from_edges([0, 1, 1, 2], [1, 0, 2, 0]), 2).tolist()
    [1, 0]
    """
    return np.argsort(-graph.out_degree(), kind="stable")[:k].astype(np.int64)


def degree_discount(graph: Graph, k: int, p: float | None = None) -> np.ndarray:
    """Degree-discount heuristic (Chen, Wang, Yang, KDD 2009, Algorithm 4).

    ``dd_v = d_v - 2 t_v - (d_v - t_v) t_v p`` where ``d_v`` is the out-degree and ``t_v`` the
    number of already chosen nodes with an edge into ``v``; on undirected graphs this is the
    paper's formula. ``p`` defaults to the mean edge weight. Ties: smaller index first.
    """
    p = float(graph.weights.mean()) if p is None else check_float("p", p, 0.0, 1.0)
    d = graph.out_degree().astype(np.float64)
    t = np.zeros(graph.n)
    dd = d.copy()
    chosen = np.zeros(graph.n, dtype=bool)
    out = np.empty(k, dtype=np.int64)
    for i in range(k):
        u = int(np.argmax(np.where(chosen, -np.inf, dd)))
        out[i] = u
        chosen[u] = True
        nbrs = graph.indices[graph.indptr[u] : graph.indptr[u + 1]]
        np.add.at(t, nbrs, 1.0)
        dd[nbrs] = d[nbrs] - 2.0 * t[nbrs] - (d[nbrs] - t[nbrs]) * t[nbrs] * p
    return out


def celf(
    n: int,
    k: int,
    value: Callable[[Sequence[int]], float],
    candidates: Sequence[int] | None = None,
) -> tuple[np.ndarray, float, int]:
    """CELF lazy greedy (Leskovec et al., KDD 2007) maximising a set function ``value``.

    Returns ``(seeds, value(seeds), number of evaluations)``. With a monotone submodular ``value``
    the result equals plain greedy and is within ``1 - 1/e`` of the best ``k``-set. Ties: the
    smaller node index first.
    """
    cand = list(range(n)) if candidates is None else [int(c) for c in candidates]
    if k > len(cand):
        raise FairbidError("k", f"must be at most the number of candidates ({len(cand)})", k)
    base = value([])
    heap = [(-(value([v]) - base), v, 0) for v in cand]
    evals = len(cand) + 1
    heapq.heapify(heap)
    chosen: list[int] = []
    current = base
    from fairbid.core.progress import progress_task

    with progress_task("CELF: seeds chosen", total=k) as advance:
        while len(chosen) < k:
            before = len(chosen)
            current = _celf_step(heap, chosen, current, value)
            evals += 1 if len(chosen) == before else 0
            advance(len(chosen) - before)
    return np.asarray(chosen, dtype=np.int64), float(current), evals


def _celf_step(heap: list, chosen: list[int], current: float, value: Callable[[Sequence[int]], float]) -> float:
    """One heap pop of CELF: take the top node if its gain is fresh, else re-evaluate it."""
    neg_gain, v, when = heapq.heappop(heap)
    if when == len(chosen):
        chosen.append(v)
        return current - neg_gain
    gain = value(chosen + [v]) - current
    heapq.heappush(heap, (-gain, v, len(chosen)))
    return current


def imm(
    graph: Graph,
    k: int,
    model: str = "ic",
    eps: float = 0.1,
    ell: float = 1.0,
    seed: SeedLike = 0,
    fresh_final: bool = True,
    sampling: str = "subset",
) -> tuple[np.ndarray, dict[str, Any]]:
    """IMM seed selection (Tang, Shi, Xiao 2015, Algorithms 1-3) for IC or LT.

    Returns ``(seeds, info)`` with ``info`` holding the number of RR sets, the lower bound, the
    RR-set estimate of the spread and the RR storage in bytes.
    """
    n = graph.n
    eps = check_float("eps", eps, 0.0, 1.0, low_open=True, high_open=True)
    ell = check_float("ell", ell, 0.0, low_open=True)
    k = check_int("k", k, minimum=1, maximum=n)
    if k == n:  # every node: nothing to estimate
        return np.arange(n, dtype=np.int64), {"rr_sets": 0, "rr_sets_phase1": 0, "lower_bound": float(n),
                                              "rr_estimate": float(n), "rr_bytes": 0, "eps": eps, "ell": ell}
    ell = ell * (1.0 + math.log(2) / math.log(n))  # so the overall failure probability is 1/n^ell
    log_cnk = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
    eps_p = math.sqrt(2.0) * eps
    lam_p = (2 + 2 * eps_p / 3) * (log_cnk + ell * math.log(n) + math.log(max(math.log2(n), 1.0))) * n / eps_p**2
    base = seed_int(seed)
    check_choice("sampling", sampling, SAMPLINGS)
    rr = RRCollection(graph, model, base_seed(base), sampling)
    lower = 1.0
    for i in range(1, max(int(math.ceil(math.log2(n))), 2)):
        x = n / 2.0**i
        rr.grow_to(int(math.ceil(lam_p / x)))
        _, cov = rr.select(k)
        est = n * cov / rr.count
        if est >= (1 + eps_p) * x:
            lower = est / (1 + eps_p)
            break
    alpha = math.sqrt(ell * math.log(n) + math.log(2))
    beta = math.sqrt((1 - 1 / math.e) * (log_cnk + ell * math.log(n) + math.log(2)))
    lam_star = 2 * n * ((1 - 1 / math.e) * alpha + beta) ** 2 / eps**2
    theta = int(math.ceil(lam_star / lower))
    phase1 = rr.count
    if fresh_final:
        rr = RRCollection(graph, model, base_seed(base ^ 0x5EED), sampling)
    rr.grow_to(max(theta, rr.count))
    seeds, cov = rr.select(k)
    info = {"rr_sets": rr.count, "rr_sets_phase1": phase1, "lower_bound": lower, "rr_estimate": n * cov / rr.count,
            "rr_bytes": rr.nbytes, "eps": eps, "ell": ell}
    return seeds.astype(np.int64), info


def prepare_rr(graph: Graph) -> float:
    """Graph preparation for RR sets, kept out of the algorithm time (as SUBSIM's ``-func=format``).

    Computes the sampler's per-edge coin thresholds and per-node common probabilities (free when the
    graph came from the binary cache), sorts and buckets the in-edges of nodes with unequal in-edge
    probabilities for bucketed subset sampling (``Graph.in_buckets``, numba) and loads the numba
    kernels from the on-disk cache by running them once on one RR set of this graph (its arrays, e.g.
    read-only memory maps from the graph cache, select the kernels' signatures, so a stand-in graph would
    load the wrong ones). Returns the seconds it took.
    """
    t = time.perf_counter()
    graph.in_coins
    graph.in_common_p
    graph.in_buckets
    rr = RRCollection(graph, "ic", base_seed(0))  # one kernel serves IC and LT
    rr.grow_to(1)
    rr.select_bounded(1)
    rr.covered_by(np.zeros(1, dtype=np.int64))
    return time.perf_counter() - t


def opim_bounds(cov2: int, theta2: int, upper1: int, theta1: int, n: int, a: float) -> tuple[float, float]:
    """OPIM-C's bounds (Tang et al. 2018, Eqs. 8-9): spread lower bound of S from R2, OPT upper bound from R1.

    ``cov2``: sets of R2 that S hits; ``upper1``: upper bound on the sets of R1 any k-set hits;
    ``a = ln(1/delta')`` for the per-bound failure probability ``delta'``.
    """
    low = ((math.sqrt(cov2 + 2.0 * a / 9.0) - math.sqrt(a / 2.0)) ** 2 - a / 18.0) * n / theta2
    up = (math.sqrt(upper1 + a / 2.0) + math.sqrt(a / 2.0)) ** 2 * n / theta1
    return max(low, 0.0), up


def opim(
    graph: Graph,
    k: int,
    model: str = "ic",
    eps: float = 0.1,
    delta: float | None = None,
    seed: SeedLike = 0,
    sampling: str = "subset",
) -> tuple[np.ndarray, dict[str, Any]]:
    """OPIM-C seed selection (Tang, Tang, Xiao, Yuan, SIGMOD 2018, Algorithm 2) for IC or LT.

    Parameters
    ----------
    graph : Graph
    k : int
        Number of seeds.
    model : {"ic", "lt"}
    eps : float
        Target: the seeds' spread is at least ``(1 - 1/e - eps) * OPT``.
    delta : float, optional
        Failure probability of that guarantee (default ``1/n``, IMM's ``ell = 1``).
    seed : int
        Seed of both RR collections (R1 from stream ``base``, R2 from an independent one).
    sampling : {"subset", "vanilla"}
        RR-set generation: geometric skips over in-edges that share one probability, bucketed
        geometric skips with rejection where they differ (Guo et al. 2020), or one coin per edge
        (kept for checking).

    Returns
    -------
    seeds, info
        ``info["approx"]`` is the certified ratio ``lower / upper`` at the stop (it may be below
        ``1 - 1/e - eps`` only when the cap ``theta_max`` was reached, where the worst-case
        analysis gives the guarantee anyway), ``info["rr_sets"]`` the sets in R1 plus R2.
    """
    from fairbid.core.progress import progress_task

    n = graph.n
    eps = check_float("eps", eps, 0.0, 1.0, low_open=True, high_open=True)
    k = check_int("k", k, minimum=1, maximum=n)
    check_choice("model", model, SELECT_MODELS)
    check_choice("sampling", sampling, SAMPLINGS)
    delta = 1.0 / max(n, 2) if delta is None else check_float("delta", delta, 0.0, 1.0, low_open=True,
                                                                   high_open=True)
    if k == n:
        return np.arange(n, dtype=np.int64), {"rr_sets": 0, "approx": 1.0, "lower_bound": float(n),
                                              "upper_bound": float(n), "rr_bytes": 0, "eps": eps, "delta": delta,
                                              "iterations": 0, "capped": False}
    one = 1.0 - 1.0 / math.e
    log_cnk = math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
    l6 = math.log(6.0 / delta)
    theta_max = 2.0 * n * (one * math.sqrt(l6) + math.sqrt(one * (log_cnk + l6))) ** 2 / (eps**2 * k)
    theta0 = max(theta_max * eps**2 * k / n, 1.0)
    i_max = max(int(math.ceil(math.log2(theta_max / theta0))), 1)
    a = math.log(3.0 * i_max / delta)
    base = seed_int(seed)
    r1 = RRCollection(graph, model, base_seed(base), sampling)
    r2 = RRCollection(graph, model, base_seed(base ^ 0x0917C), sampling)
    theta = int(math.ceil(theta0))
    with progress_task("OPIM-C: RR sets (doubling rounds)", total=i_max) as advance:
        for it in range(1, i_max + 1):
            r1.grow_to(theta)
            r2.grow_to(theta)
            seeds, cov1, upper1 = r1.select_bounded(k)
            cov2 = r2.covered_by(seeds)
            low, up = opim_bounds(cov2, r2.count, upper1, r1.count, n, a)
            approx = low / up if up > 0 else 0.0
            advance(1)
            if approx >= one - eps or it == i_max:
                break
            theta *= 2
    info = {"rr_sets": r1.count + r2.count, "rr_sets_r1": r1.count, "approx": approx, "lower_bound": low,
            "upper_bound": up, "rr_estimate": n * cov1 / r1.count, "rr_bytes": r1.nbytes + r2.nbytes, "eps": eps,
            "delta": delta, "iterations": it, "capped": bool(approx < one - eps), "theta_max": theta_max}
    return seeds.astype(np.int64), info


def select_seeds(
    graph: Graph,
    k: int,
    method: str = "degree",
    model: str = "ic",
    seed: SeedLike = 0,
    *,
    eval_sims: int = 1000,
    eps: float = 0.1,
    ell: float = 1.0,
    sims: int = 200,
    candidates: int | None = None,
    p: float | None = None,
    baseline: bool = True,
    fresh_final: bool = True,
    delta: float | None = None,
    sampling: str = "subset",
    evaluate: bool = True,
) -> SelectionResult:
    """Choose ``k`` seeds with ``method`` and estimate their spread beside the top-degree baseline.

    Parameters
    ----------
    graph : Graph
    k : int
        Number of seeds.
    method : {"degree", "degree-discount", "celf", "imm", "opim"}
    model : {"ic", "lt"}
        Model the selection targets (CELF's oracle, IMM's RR sets) and the evaluation uses.
    seed : int
        Seed for every random step (CELF oracle, RR sets, evaluation).
    eval_sims : int
        Simulations for the reported spread of the seeds and of the baseline.
    eps, ell : float
        IMM accuracy and confidence (see the module docstring).
    sims : int
        CELF: simulations per oracle call (common random numbers: every call uses ``seed``).
    candidates : int, optional
        CELF: only consider this many top-degree nodes (default: all nodes when ``n <= 2000``,
        else the top :data:`CELF_CANDIDATES`; CELF needs one spread estimate per candidate).
    p : float, optional
        Degree-discount propagation probability (default: mean edge weight).
    baseline : bool
        Also evaluate the top-degree baseline.
    fresh_final : bool
        IMM: fresh RR sets for the final selection (see module docstring).
    delta : float, optional
        OPIM-C failure probability (default ``1/n``).
    sampling : {"subset", "vanilla"}
        IMM / OPIM-C RR-set generation (see :func:`opim`).
    evaluate : bool
        Estimate the spreads (False: ``spread`` and ``baseline_spread`` are NaN; for timing runs).
    """
    check_choice("method", method, METHODS)
    check_choice("model", model, SELECT_MODELS)
    k = check_int("k", k, minimum=1, maximum=graph.n)
    eval_sims = check_int("eval_sims", eval_sims, minimum=1)
    info: dict[str, Any] = {}
    prepare = 0.0
    if method in ("imm", "opim"):
        prepare = prepare_rr(graph)
    t0 = time.perf_counter()
    if method == "degree":
        seeds = top_degree(graph, k)
    elif method == "degree-discount":
        seeds = degree_discount(graph, k, p)
    elif method == "celf":
        sims = check_int("sims", sims, minimum=1)
        if candidates is None and graph.n > 2000:
            candidates = max(CELF_CANDIDATES, k)
        cand = None if candidates is None else top_degree(graph, check_int("candidates", candidates, minimum=k))

        def oracle(s: Sequence[int]) -> float:
            return spread(graph, [np.asarray(s, dtype=np.int64)], model, sims, seed).total if len(s) else 0.0

        seeds, _, evals = celf(graph.n, k, oracle, cand)
        info["evaluations"] = evals
    elif method == "imm":
        seeds, info = imm(graph, k, model, eps, ell, seed, fresh_final, sampling)
    else:
        seeds, info = opim(graph, k, model, eps, delta, seed, sampling)
    seconds = time.perf_counter() - t0
    if prepare:
        info["prepare_seconds"] = prepare
    b_mean = b_err = float("nan")
    if not evaluate:
        return SelectionResult(seeds, float("nan"), float("nan"), seconds, method, b_mean, b_err, info)
    res = spread(graph, [seeds], model, eval_sims, seed)
    if baseline:
        base = spread(graph, [top_degree(graph, k)], model, eval_sims, seed)
        b_mean, b_err = float(base.mean[0]), float(base.stderr[0])
    return SelectionResult(seeds, float(res.mean[0]), float(res.stderr[0]), seconds, method, b_mean, b_err, info)
