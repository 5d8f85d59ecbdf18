"""Rank-order all-pay contests in the i.i.d. ability model, and the optimal prize structure.

Seed 002, Elkind, Ghosh, Goldberg, *Contest Design with Threshold Objectives*. ``n`` players have
private abilities (values per unit of prize) drawn i.i.d. from ``F``; a rank-order contest pays prize
``w_j`` to the player with the ``j``-th highest output (``w_1 >= w_2 >= ... >= 0``); output costs its
amount (all-pay). The symmetric Bayes-Nash equilibrium (Moldovanu and Sela 2001; Chawla, Hartline and
Sivan 2012) in quantile space ``q = F(v)`` is

    b(q) = sum_j w_j * integral_0^q F^{-1}(s) pi_j'(s) ds,

with ``pi_j(s) = C(n-1, j-1) s^(n-j) (1-s)^(j-1)``. For one prize and ``F = U[0,1]`` this is
``b(v) = (n-1)/n v^n`` (Krishna, *Auction Theory*, all-pay auction).

Optimal prizes. With a prize budget ``sum_j w_j = budget``, the non-increasing prize vectors are the
convex combinations ``w = budget * sum_k alpha_k s_k`` of the *simple contests*
``s_k = (1/k, ..., 1/k, 0, ...)`` (equal prizes to the top ``k``), and ``b_w = sum_k alpha_k b_{s_k}``.
Hence:

* ``total``: linear in ``alpha``, optimum at a vertex (for regular ``F``: ``k = 1``, winner-take-all,
  Moldovanu-Sela);
* ``binary``: ``b_w(q) <= max_k b_{s_k}(q)`` pointwise, so the earliest quantile reaching the threshold,
  and the objective ``n (1 - q*)``, is attained by the best simple contest (derived here; exact);
* ``linear``: not concave in ``alpha``; maximised by SLSQP (analytic gradient) from every vertex, the
  centroid and ``restarts`` random starts (seeded). The abstract's factor-2 guarantee of the best simple
  contest is checked, not assumed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from fairbid.core.errors import FairbidError, check_array, check_float, check_int
from fairbid.contests.objectives import Objective, make_objective

#: Largest player count: on the default 4001-point quantile grid the total effort of winner-take-all
#: is within 2e-5 (relative) of (n-1)/(n+1) at n = 1000 (the density of the top rank peaks near q = 1).
MAX_PLAYERS = 1_000
GRID = 4001
#: Largest player count for the linear-threshold prize search (about 2 s at 100 players).
MAX_LINEAR_PLAYERS = 100


def _dist(distribution: Any):
    from fairbid.auctions.distributions import parse_distribution

    return parse_distribution(distribution, "--distribution")


def _quantiles(grid: int) -> np.ndarray:
    # Denser near 1, where F^{-1} may grow without bound; the last point stays below 1.
    u = np.linspace(0.0, 1.0, grid)
    return 1.0 - (1.0 - u) ** 2 * (1 - 1e-9) - 1e-9 * (1 - u)


def _rank_density(q: np.ndarray, n: int) -> np.ndarray:
    """``pi_j'(q)`` for j = 1..n, shape ``(len(q), n)``.

    ``pi_j(q) = P(K = j - 1)`` with ``K ~ Binomial(n - 1, 1 - q)`` others above you, and
    ``d/dp pmf(m; N, p) = N (pmf(m - 1; N - 1, p) - pmf(m; N - 1, p))``; through a log-space binomial pmf
    (log space: no overflowing binomial coefficients for large ``n``).
    """
    from fairbid.contests.complete import binom_pmf

    big_n = n - 1
    m = np.arange(n)[None, :]  # j - 1
    p = (1 - q)[:, None]
    lower = binom_pmf(m - 1, big_n - 1, p)  # pmf of -1 is 0
    upper = binom_pmf(m, big_n - 1, p)
    return -big_n * (lower - upper)


@dataclass(frozen=True)
class IIDContest:
    """Per-rank equilibrium bid curves on a quantile grid: ``bids_by_rank[:, j] = int F^{-1} pi_j'``."""

    n: int
    distribution: Any
    q: np.ndarray
    bids_by_rank: np.ndarray  # (grid, n)

    def bids(self, prizes: Any) -> np.ndarray:
        """Equilibrium output ``b(q)`` on the grid for a prize vector (padded with zeros)."""
        return self.bids_by_rank @ _pad(prizes, self.n)

    def mean(self, curve: np.ndarray) -> float:
        return float(np.trapezoid(curve, self.q))

    def objective(self, curve: np.ndarray, obj: Objective) -> float:
        """``n * E[f(b(q))]`` (binary: ``n (1 - q*)`` with ``q*`` where ``b`` first reaches the threshold)."""
        if obj.kind == "binary":
            reach = curve >= obj.threshold
            if not reach.any():
                return 0.0
            k = int(np.argmax(reach))
            if k == 0:
                return float(self.n)
            # b is increasing: interpolate the crossing between grid points k-1 and k.
            t = (obj.threshold - curve[k - 1]) / (curve[k] - curve[k - 1])
            qstar = self.q[k - 1] + t * (self.q[k] - self.q[k - 1])
            return float(self.n * (1 - qstar))
        return float(self.n * np.trapezoid(obj(curve), self.q))


def _pad(prizes: Any, n: int) -> np.ndarray:
    w = check_array("--prizes", prizes, low=0.0, ndim=1)
    if w.size == 0 or w.size > n or not np.isfinite(w).all():
        raise FairbidError("--prizes", f"need 1 to {n} finite prizes (one per rank)", w.size)
    if (np.diff(w) > 0).any():
        raise FairbidError("--prizes", "must be non-increasing (first prize first)", [float(x) for x in w])
    return np.concatenate([w, np.zeros(n - w.size)])


def iid_contest(n: int, distribution: Any = "uniform:0:1", *, grid: int = GRID) -> IIDContest:
    """Precompute the per-rank bid curves for ``n`` players with abilities ``~ distribution``."""
    from scipy.integrate import cumulative_simpson

    n = check_int("--players", n, 2, MAX_PLAYERS)
    grid = check_int("grid", grid, 101, 1_000_001)
    F = _dist(distribution)
    if F.lower < 0:
        raise FairbidError("--distribution", "abilities must be non-negative", str(F))
    q = _quantiles(grid)
    inv = np.asarray(F.ppf(q), dtype=float)
    inv[0] = F.lower
    integrand = inv[:, None] * _rank_density(q, n)
    curves = cumulative_simpson(integrand, x=q, axis=0, initial=0.0)
    # Simpson may wobble by rounding on flat stretches; equilibrium bids are non-decreasing in ability.
    return IIDContest(n, F, q, curves)


def iid_allpay(n: int, prizes: Any, distribution: Any = "uniform:0:1", objective: Objective | None = None,
               *, grid: int = GRID) -> dict[str, Any]:
    """Symmetric equilibrium summary in the i.i.d. ability model.

    Returns ``{"expected_effort": [...] (n equal entries), "total_effort", "designer_objective", ...}``.

    Examples
    --------
    Two players, one prize, U[0,1]: b(v) = v^2/2, expected effort 1/6 each.

    >>> r = iid_allpay(2, [1.0])
    >>> round(r["expected_effort"][0], 6), round(r["total_effort"], 6)
    (0.166667, 0.333333)
    """
    obj = objective or make_objective("total")
    c = iid_contest(n, distribution, grid=grid)
    curve = c.bids(prizes)
    e = c.mean(curve)
    return {"model": "iid", "distribution": str(c.distribution), "expected_effort": [e] * c.n,
            "total_effort": e * c.n, "designer_objective": c.objective(curve, obj), **obj.to_dict()}


def simple_contest(k: int, n: int, budget: float = 1.0) -> np.ndarray:
    """``budget / k`` to each of the top ``k`` of ``n`` players."""
    w = np.zeros(n)
    w[:k] = budget / k
    return w


@dataclass(frozen=True)
class PrizeDesign:
    """Optimal rank-order prize vector for an objective, with the simple-contest comparison."""

    prizes: np.ndarray
    value: float
    best_simple_k: int
    best_simple_value: float
    simple_values: np.ndarray
    method: str

    def to_dict(self) -> dict[str, Any]:
        return {"prizes": self.prizes.tolist(), "designer_objective": self.value,
                "best_simple_k": self.best_simple_k, "best_simple_value": self.best_simple_value,
                "simple_values": self.simple_values.tolist(),
                "simple_ratio": self.best_simple_value / self.value if self.value > 0 else 1.0,
                "method": self.method}


def optimal_prizes(n: int, objective: Objective, distribution: Any = "uniform:0:1", *, budget: float = 1.0,
                   restarts: int = 8, seed: Any = None, grid: int = GRID) -> PrizeDesign:
    """The rank-order prize vector maximising the designer objective under a prize budget.

    Parameters
    ----------
    n : int
        Number of players.
    objective : Objective
        From :func:`~fairbid.contests.objectives.make_objective`.
    distribution : str
        Ability distribution spec (e.g. ``"uniform:0:1"``, ``"beta:2:5"``).
    budget : float
        Total prize money ``sum_j w_j`` (> 0).
    restarts : int
        Random starting points for the ``linear`` objective's local search (besides every vertex and
        the centroid).
    seed : int, SeedSequence or Generator
        For the random restarts.
    """
    from fairbid.core.rng import as_generator

    budget = check_float("--budget", budget, 0.0, low_open=True)
    restarts = check_int("restarts", restarts, 0, 1000)
    c = iid_contest(n, distribution, grid=grid)
    n = c.n
    # Column k-1: equilibrium curve of the simple contest s_k (with the budget).
    S = np.stack([c.bids(simple_contest(k, n, budget)) for k in range(1, n + 1)], axis=1)
    simple = np.array([c.objective(S[:, k], objective) for k in range(n)])
    kbest = int(np.argmax(simple))
    if objective.kind in ("total", "binary"):
        # Exact: linear (total) or dominated pointwise by the best vertex (binary); see module docstring.
        return PrizeDesign(simple_contest(kbest + 1, n, budget), float(simple[kbest]), kbest + 1,
                           float(simple[kbest]), simple, "vertex (exact)")
    if n > MAX_LINEAR_PLAYERS:
        raise FairbidError("--players", f"the linear-threshold search runs SLSQP in n dimensions from n + 1 + restarts "
                           f"starts; at most {MAX_LINEAR_PLAYERS} players", n)
    from scipy.optimize import minimize

    def value(alpha: np.ndarray) -> float:
        return -c.objective(S @ alpha, objective)

    def grad(alpha: np.ndarray) -> np.ndarray:
        b = S @ alpha
        inside = ((b > objective.lower) & (b < objective.upper)).astype(float)
        return -n * np.trapezoid(inside[:, None] * S, c.q, axis=0)

    rng = as_generator(seed)
    starts = [np.eye(n)[k] for k in range(n)] + [np.full(n, 1 / n)] + list(rng.dirichlet(np.ones(n), restarts))
    best_a, best_v = np.eye(n)[kbest], -simple[kbest]
    cons = ({"type": "eq", "fun": lambda a: a.sum() - 1.0, "jac": lambda a: np.ones_like(a)},)
    for a0 in starts:
        res = minimize(value, a0, jac=grad, method="SLSQP", bounds=[(0, 1)] * n, constraints=cons,
                       options={"maxiter": 200, "ftol": 1e-12})
        a = np.clip(res.x, 0, None)
        a /= a.sum()
        v = value(a)
        if v < best_v:
            best_a, best_v = a, v
    w = sum(best_a[k] * simple_contest(k + 1, n, budget) for k in range(n))
    return PrizeDesign(np.asarray(w), float(-best_v), kbest + 1, float(simple[kbest]), simple,
                       f"SLSQP from {len(starts)} starts")
