"""Throttling equilibria (seed 002: Chen, Kroer, Kumar, *Throttling Equilibria in Auction Markets*,
WINE 2021, arXiv 2107.10923).

Each good ``j`` is ``s_j`` auctions; advertiser ``i`` takes part in each auction independently with
probability ``theta_i in (0, 1]`` and bids her value ``v_ij``; the highest participating bid wins (ties
go to the lower index, a documented convention); she pays her bid (first price) or the highest other
participating bid (second price, 0 if alone). ``theta`` is a throttling equilibrium when no advertiser's
expected spend exceeds her budget and ``theta_i < 1`` only for advertisers spending their whole budget.

Expected spend is ``theta_i * S_i(theta_{-i})`` where ``S_i`` is the spend given participation. First
price: ``S_i`` falls when others participate more, so ``T(theta)_i = min(1, B_i / S_i(theta_{-i}))`` is a
monotone map and iterating it from ``theta = 1`` decreases to the largest fixed point (Tarski); the
equilibrium is unique (the paper's first-price result), so this tatonnement-style iteration finds it.
Second price: no monotonicity (PPAD-complete in the paper); we run the damped fixed-point iteration
``theta <- (1 - eta) theta + eta T(theta)`` and report ``failed`` when it does not reach ``tol``.
"""

from __future__ import annotations

import time

import numpy as np
from numba import njit

from fairbid.core.errors import check_float, check_int
from fairbid.markets.instance import MarketInstance
from fairbid.markets.result import MarketResult


@njit(cache=True)
def _outcome(Vs, order, th, second):  # pragma: no cover - numba
    """Expected allocation ``x`` and payment per (i, j) given participation, along each good's ranking.

    ``order[:, j]`` ranks bidders by value (desc, ties by index). Walking down the ranking,
    ``miss`` = P(no one above participates); for second price the expected price given that rank r
    wins is ``Q_r = v_{r+1} theta_{r+1} + (1 - theta_{r+1}) Q_{r+1}`` (backward recursion).
    """
    n, m = Vs.shape
    x = np.zeros((n, m))
    pay = np.zeros((n, m))
    q = np.zeros(n + 1)
    for j in range(m):
        if second:
            q[n] = 0.0
            q[n - 1] = 0.0
            for r in range(n - 2, -1, -1):
                k = order[r + 1, j]
                q[r] = Vs[k, j] * th[k] + (1.0 - th[k]) * q[r + 1]
        miss = 1.0
        for r in range(n):
            i = order[r, j]
            if Vs[i, j] <= 0.0:
                break
            w = th[i] * miss
            x[i, j] = w
            pay[i, j] = w * (q[r] if second else Vs[i, j])
            miss *= 1.0 - th[i]
    return x, pay


def throttled_outcome(instance: MarketInstance, theta: np.ndarray, *, second: bool) -> tuple[np.ndarray, np.ndarray]:
    """Expected allocation (share of supply) and expected payments (whole supply), buyers x goods."""
    V = instance.scaled
    order = np.argsort(-V, axis=0, kind="stable")
    return _outcome(V, order, np.asarray(theta, dtype=float), bool(second))


def throttling(instance: MarketInstance, *, auction: str = "first", tol: float = 1e-6, max_iter: int = 100_000,
               damping: float = 0.5, time_limit: float | None = 60.0) -> MarketResult:
    """Throttling equilibrium under first-price (``auction="first"``) or second-price auctions.

    Parameters
    ----------
    tol : float
        Stop when the checker's largest violation is at most ``tol``.
    damping : float
        ``eta`` of the second-price damped iteration (first price uses the undamped monotone map).

    Examples
    --------
    >>> from fairbid.markets import make_instance
    >>> r = throttling(make_instance([[1.0], [0.5]], [0.25, 1.0]))   # 0 spends theta_0 * 1 = 0.25
    >>> [round(float(t), 6) for t in r.throttling]
    [0.25, 1.0]
    """
    from fairbid.core.errors import check_choice
    from fairbid.markets.check import check_equilibrium

    check_choice("auction", auction, ("first", "second"))
    tol = check_float("tol", tol, 0.0)
    max_iter = check_int("max_iter", max_iter, 1, 10**8)
    eta = check_float("damping", damping, 0.0, 1.0)
    second = auction == "second"
    model = "throttling-sp" if second else "throttling-fp"
    t0 = time.perf_counter()
    V = instance.scaled
    B = instance.budgets
    order = np.argsort(-V, axis=0, kind="stable")
    th = np.ones(instance.n)
    status, it = "ok", 0
    while True:
        x, pay = _outcome(V, order, th, second)
        spend = pay.sum(axis=1)
        per = np.where(th > 0, spend / np.maximum(th, 1e-300), 0.0)       # S_i: spend given participation
        target = np.where(per > B, B / np.maximum(per, 1e-300), 1.0)
        over = np.maximum(spend - B, 0.0) / B
        under = np.minimum(np.maximum(B - spend, 0.0) / B, 1.0 - th)
        viol = max(over.max(), under.max())
        it += 1
        if viol <= tol * 0.5:
            break
        if it >= max_iter or (time_limit is not None and time.perf_counter() - t0 > time_limit):
            status = f"failed: violation {viol:.3g} > tol {tol:g} after {it} rounds"
            break
        th = target if not second else (1 - eta) * th + eta * target
    res = MarketResult(model, pay.sum(axis=0) / instance.supply, x, spend, throttling=th.copy(),
                       solver="monotone-iteration" if not second else "damped-fixed-point", status=status,
                       iterations=it, seconds=time.perf_counter() - t0)
    if instance.n * instance.n * instance.m <= 5_000_000:   # the direct checker is O(n^2 m) (n^3 m for SP)
        d = check_equilibrium(model, instance, res)
        res.violation, res.details = d["max"], d
    else:
        res.violation, res.details = float(viol), {"budget": float(viol), "max": float(viol)}
    return res


def throttling_fp(instance: MarketInstance, **kw) -> MarketResult:
    """First-price throttling equilibrium (unique); see :func:`throttling`."""
    return throttling(instance, auction="first", **kw)


def throttling_sp(instance: MarketInstance, **kw) -> MarketResult:
    """A second-price throttling equilibrium by damped fixed-point iteration; see :func:`throttling`."""
    return throttling(instance, auction="second", **kw)
