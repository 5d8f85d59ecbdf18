"""Costly compatibility inspections and information deadlock (seed 002, Immorlica-Kanoria-Lu).

N women, M = round(alpha N) men. Open points, named parameters with defaults:

* ``degree`` (default 3): each woman-man pair is a potential partnership independently with probability
  degree / M, so a woman has ``degree`` potential partners on average (the abstract's "average degree of
  women");
* preferences: every agent ranks its potential partners uniformly at random, independently (the abstract
  does not give a preference model; this is the simplest random market);
* ``success`` (default 0.5): an inspection finds the pair compatible with this probability, independently.

Dynamics: a pair is inspected when it is mutually desirable (each is the other's favourite among the
partners still under consideration: unmatched and not found incompatible). Success matches both (they
leave); failure removes the pair. Rounds inspect all mutually desirable pairs at once (they are disjoint)
until none is left. Agents still unmatched with someone under consideration are *stuck*: that is the
information deadlock. :func:`simulate_inspections` reports the stuck fraction of women; the phase
transition in alpha is located by :func:`deadlock_threshold` on a grid (the abstract's density-evolution
characterisation is not in the abstract, so only the simulation is offered).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fairbid.core.errors import FairbidError, check_int


def _run_py(w_ptr, w_edges, m_ptr, m_edges, e_w, e_m, success_u, success):
    nw = w_ptr.size - 1
    nm = m_ptr.size - 1
    ne = e_w.size
    dead = np.zeros(ne, dtype=np.bool_)
    wm = np.zeros(nw, dtype=np.bool_)
    mm = np.zeros(nm, dtype=np.bool_)
    wpos = w_ptr[:-1].copy()
    mpos = m_ptr[:-1].copy()
    wtop = np.full(nw, -1, dtype=np.int64)
    mtop = np.full(nm, -1, dtype=np.int64)
    inspections = 0
    while True:
        for w in range(nw):  # favourite edge still under consideration (lists are in preference order)
            wtop[w] = -1
            if wm[w]:
                continue
            while wpos[w] < w_ptr[w + 1]:
                e = w_edges[wpos[w]]
                if not dead[e] and not mm[e_m[e]]:
                    wtop[w] = e
                    break
                wpos[w] += 1
        for m in range(nm):
            mtop[m] = -1
            if mm[m]:
                continue
            while mpos[m] < m_ptr[m + 1]:
                e = m_edges[mpos[m]]
                if not dead[e] and not wm[e_w[e]]:
                    mtop[m] = e
                    break
                mpos[m] += 1
        done = 0
        for w in range(nw):
            e = wtop[w]
            if e >= 0 and mtop[e_m[e]] == e:
                inspections += 1
                done += 1
                if success_u[e] < success:
                    wm[w] = True
                    mm[e_m[e]] = True
                else:
                    dead[e] = True
        if done == 0:
            break
    stuck_w = 0
    for w in range(nw):
        if not wm[w] and wtop[w] >= 0:
            stuck_w += 1
    stuck_m = 0
    for m in range(nm):
        if not mm[m] and mtop[m] >= 0:
            stuck_m += 1
    return wm.sum(), stuck_w, stuck_m, inspections


_KERNEL: list = []


def run_market(w_lists: list[list[int]], m_lists: list[list[int]], success_draws: dict | None = None,
               success: float = 1.0) -> dict[str, int]:
    """Run the dynamics on explicit preference lists (``w_lists[w]`` = men in w's order, likewise men).

    Pairs must be mutual (m in w's list iff w in m's list). ``success_draws[(w, m)]`` in [0, 1) decides an
    inspection (success when below ``success``); default: every inspection succeeds."""
    edges: dict[tuple[int, int], int] = {}
    for w, lst in enumerate(w_lists):
        for m in lst:
            edges[(w, int(m))] = len(edges)
    for m, lst in enumerate(m_lists):
        for w in lst:
            if (int(w), m) not in edges:
                raise FairbidError("m_lists", "every pair must appear in both lists", (int(w), m))
    if sum(len(x) for x in m_lists) != len(edges):
        raise FairbidError("m_lists", "every pair must appear in both lists", len(edges))
    e_w = np.array([k[0] for k in edges], dtype=np.int64)
    e_m = np.array([k[1] for k in edges], dtype=np.int64)
    w_ptr = np.concatenate([[0], np.cumsum([len(x) for x in w_lists])]).astype(np.int64)
    m_ptr = np.concatenate([[0], np.cumsum([len(x) for x in m_lists])]).astype(np.int64)
    w_edges = np.array([edges[(w, int(m))] for w, lst in enumerate(w_lists) for m in lst], dtype=np.int64)
    m_edges = np.array([edges[(int(w), m)] for m, lst in enumerate(m_lists) for w in lst], dtype=np.int64)
    u = np.zeros(len(edges))
    for (w, m), e in edges.items():
        u[e] = (success_draws or {}).get((w, m), 0.0)
    matched, sw, sm, ins = _kernel()(w_ptr, w_edges, m_ptr, m_edges, e_w, e_m, u, float(success))
    return {"matched": int(matched), "stuck_women": int(sw), "stuck_men": int(sm), "inspections": int(ins)}


def _kernel() -> Any:
    if not _KERNEL:
        from numba import njit

        _KERNEL.append(njit(cache=True)(_run_py))
    return _KERNEL[0]


def simulate_inspections(n: int, alpha: float, degree: float = 3.0, success: float = 0.5,
                         seed: Any = None) -> dict[str, Any]:
    """One random market: fractions of women matched and stuck (deadlocked), men stuck, inspections."""
    from fairbid.core.rng import as_generator

    n = check_int("n", n, minimum=1, maximum=10**7)
    if not (np.isfinite(alpha) and 0 < alpha <= 100):
        raise FairbidError("alpha", "must be a finite number in (0, 100]", alpha)
    M = max(1, int(round(alpha * n)))
    if not (np.isfinite(degree) and 0 < degree <= M):
        raise FairbidError("degree", "must be a finite number in (0, M]", degree)
    if not (np.isfinite(success) and 0 < success <= 1):
        raise FairbidError("success", "must be a probability in (0, 1]", success)
    if n * degree > 5e8:
        raise FairbidError("n", "n * degree (expected pairs) must be at most 5e8", n * degree)
    g = as_generator(seed)
    # Erdos-Renyi bipartite graph with p = degree / M: Binomial total, then distinct uniform pairs
    E = int(g.binomial(n * M, degree / M))
    codes = np.unique(g.integers(0, n * M, size=int(E * 1.05) + 10))
    codes = g.permutation(codes)[:E]
    e_w, e_m = codes // M, codes % M
    ne = e_w.size
    # random preference orders: sort each side's edges by (agent, random key)
    kw, km = g.random(ne), g.random(ne)
    w_edges = np.lexsort((kw, e_w)).astype(np.int64)
    m_edges = np.lexsort((km, e_m)).astype(np.int64)
    w_ptr = np.concatenate([[0], np.cumsum(np.bincount(e_w, minlength=n))]).astype(np.int64)
    m_ptr = np.concatenate([[0], np.cumsum(np.bincount(e_m, minlength=M))]).astype(np.int64)
    matched, sw, sm, ins = _kernel()(w_ptr, w_edges, m_ptr, m_edges, e_w.astype(np.int64), e_m.astype(np.int64),
                                     g.random(ne), float(success))
    return {"n": n, "men": M, "alpha": alpha, "degree": degree, "success": success,
            "matched_women": matched / n, "stuck_women": sw / n, "stuck_men": sm / M, "inspections": int(ins)}


def deadlock_threshold(alphas: Any, n: int = 2000, degree: float = 3.0, success: float = 0.5, reps: int = 3,
                       tol: float = 0.01, seed: Any = None) -> dict[str, Any]:
    """Stuck fraction of women over a grid of alpha; the threshold is the smallest grid alpha from which the
    mean stuck fraction stays below ``tol`` (named parameter; default 0.01), or None."""
    from fairbid.core.rng import spawn

    alphas = np.sort(np.asarray(alphas, dtype=float).ravel())
    if alphas.size == 0:
        raise FairbidError("alphas", "needs at least one value", "[]")
    reps = check_int("reps", reps, minimum=1, maximum=1000)
    seeds = iter(spawn(seed, alphas.size * reps))
    stuck = np.array([np.mean([simulate_inspections(n, a, degree, success, seed=next(seeds))["stuck_women"]
                               for _ in range(reps)]) for a in alphas])
    below = stuck < tol
    thr = None
    for i in range(alphas.size):
        if below[i:].all():
            thr = float(alphas[i])
            break
    return {"alpha": alphas.tolist(), "stuck_women": stuck.tolist(), "threshold": thr}
