"""Fairness among offline agents in online matching (seed 002, Ma-Xu-Xu), partial.

Known-i.i.d. arrivals: offline agents i = 1..n, online types j with arrival probabilities r_j
(sum r_j = 1), T rounds; one online agent arrives per round, of type j with probability r_j, and can be
matched to one available offline neighbour (edges ``adj``).

* :func:`ifm_lp`: the benchmark LP of individual fairness maximisation, max lambda s.t.
  sum_i x_ij <= T r_j, sum_j x_ij <= 1, sum_j x_ij >= lambda (HiGHS). It bounds the best achievable minimum
  match probability from above.
* policies (numba): ``sampling`` (the LP-based sampling of the abstract without boosting: type j picks
  i with probability x_ij / (T r_j), matched if i is free), ``boosted`` (the abstract's boosting: the
  probabilities are re-distributed over the *available* neighbours, proportional to x_ij), and the
  efficiency-first baseline ``greedy`` (any available neighbour, uniformly).

For ``sampling`` P(i matched) = 1 - (1 - x_i / T)^T with x_i = sum_j x_ij, at least (1 - 1/e) x_i, so
its minimum match rate is at least (1 - 1/e) lambda*. The abstract's 0.725 (IFM) and 0.719 (GFM) need
the attenuation factors of the full paper, which the abstract does not give: they are not claimed here,
and group fairness (GFM) is not implemented.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fairbid.core.errors import FairbidError, check_choice, check_int

FAIR_POLICIES = ("sampling", "boosted", "greedy")


def _check(adj: Any, rates: Any, T: int) -> tuple[np.ndarray, np.ndarray, int]:
    A = np.asarray(adj, dtype=bool)
    if A.ndim != 2 or A.size == 0:
        raise FairbidError("adj", "must be a non-empty offline x type 0/1 matrix", getattr(A, "shape", None))
    r = np.asarray(rates, dtype=float).ravel()
    if r.size != A.shape[1] or not np.all(np.isfinite(r)) or np.any(r < 0) or abs(r.sum() - 1) > 1e-9:
        raise FairbidError("rates", "one arrival probability per type, >= 0, summing to 1", r[:5].tolist())
    T = check_int("T", T, minimum=1, maximum=10**7)
    return A, r, T


def ifm_lp(adj: Any, rates: Any, T: int) -> dict[str, Any]:
    """Solve the IFM benchmark LP; returns ``{"lambda", "x"}`` (x has the shape of ``adj``)."""
    from scipy import sparse
    from scipy.optimize import linprog

    A, r, T = _check(adj, rates, T)
    n, J = A.shape
    ii, jj = np.nonzero(A)
    E = ii.size
    if E == 0:
        return {"lambda": 0.0, "x": np.zeros((n, J))}
    # variables: x_e (E), lambda; minimise -lambda
    c = np.zeros(E + 1)
    c[-1] = -1.0
    rows = np.concatenate([jj, J + ii, J + n + ii, np.full(n, -1)])
    cols = np.concatenate([np.arange(E), np.arange(E), np.arange(E), np.full(n, E)])
    vals = np.concatenate([np.ones(E), np.ones(E), -np.ones(E), np.ones(n)])
    rows[-n:] = J + n + np.arange(n)
    M = sparse.csr_matrix((vals, (rows, cols)), shape=(J + 2 * n, E + 1))
    b = np.concatenate([T * r, np.ones(n), np.zeros(n)])
    res = linprog(c, A_ub=M, b_ub=b, bounds=[(0, None)] * E + [(0, 1)], method="highs")
    if res.x is None:
        raise FairbidError("lp", "HiGHS found no solution", res.message)
    x = np.zeros((n, J))
    x[ii, jj] = res.x[:E]
    return {"lambda": float(res.x[-1]), "x": x}


def _sim_py(x, A, r, T, policy, reps, seed):
    np.random.seed(seed)
    n, J = A.shape
    cum = np.cumsum(r)
    counts = np.zeros(n)
    free = np.ones(n, dtype=np.bool_)
    for _ in range(reps):
        free[:] = True
        for _t in range(T):
            j = np.searchsorted(cum, np.random.random() * cum[-1], side="right")
            if j >= J:
                j = J - 1
            if policy == 0:  # sampling: pick i w.p. x_ij / (T r_j), nothing otherwise
                u = np.random.random() * T * r[j]
                acc = 0.0
                for i in range(n):
                    acc += x[i, j]
                    if u < acc:
                        if free[i]:
                            free[i] = False
                            counts[i] += 1
                        break
            elif policy == 1:  # boosted: proportional to x_ij over available neighbours
                tot = 0.0
                for i in range(n):
                    if free[i]:
                        tot += x[i, j]
                if tot > 0:
                    u = np.random.random() * tot
                    acc = 0.0
                    for i in range(n):
                        if free[i]:
                            acc += x[i, j]
                            if u < acc:
                                free[i] = False
                                counts[i] += 1
                                break
            else:  # greedy: uniform over available neighbours
                k = 0
                for i in range(n):
                    if free[i] and A[i, j]:
                        k += 1
                if k > 0:
                    pick = np.random.randint(k)
                    for i in range(n):
                        if free[i] and A[i, j]:
                            if pick == 0:
                                free[i] = False
                                counts[i] += 1
                                break
                            pick -= 1
    return counts / reps


_KERNEL: list = []


def match_rates(adj: Any, rates: Any, T: int, policy: str = "boosted", reps: int = 2000, x: Any = None,
                seed: Any = None) -> np.ndarray:
    """Monte Carlo match probability of every offline agent under ``policy`` (LP solved if ``x`` is None)."""
    from fairbid.core.rng import as_generator

    A, r, T = _check(adj, rates, T)
    policy = check_choice("policy", policy, FAIR_POLICIES)
    reps = check_int("reps", reps, minimum=1, maximum=10**7)
    if T * reps > 10**9:
        raise FairbidError("reps", "T * reps (simulated arrivals) must be at most 1e9", T * reps)
    xx = ifm_lp(A, r, T)["x"] if x is None else np.asarray(x, dtype=float)
    if not _KERNEL:
        from numba import njit

        _KERNEL.append(njit(cache=True)(_sim_py))
    s = int(as_generator(seed).integers(0, 2**31 - 1))
    return _KERNEL[0](xx, A, r, T, FAIR_POLICIES.index(policy), reps, s)


def fairness_report(adj: Any, rates: Any, T: int, reps: int = 2000, seed: Any = None) -> dict[str, Any]:
    """Per policy: minimum match rate, its ratio to the LP's lambda*, total matches and the disparity
    (max - min match rate among offline agents)."""
    from fairbid.core.rng import spawn

    lp = ifm_lp(adj, rates, T)
    out: dict[str, Any] = {"lambda_lp": lp["lambda"]}
    for p, s in zip(FAIR_POLICIES, spawn(seed, len(FAIR_POLICIES))):
        m = match_rates(adj, rates, T, p, reps=reps, x=lp["x"], seed=s)
        out[p] = {"min_rate": float(m.min()), "ratio": float(m.min() / lp["lambda"]) if lp["lambda"] > 0 else None,
                  "total": float(m.sum()), "disparity": float(m.max() - m.min())}
    return out
