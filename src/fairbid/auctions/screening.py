"""Screening with limited information: the worst-case-optimal selling mechanism by LP (seed 002).

Chen, Hu & Wang, "Screening with Limited Information: The Minimax Theorem and a Geometric Approach"
(WINE 2021): a seller facing one buyer whose value distribution lies in an ambiguity set maximises the
worst-case revenue; by the minimax theorem this equals a minimax pricing problem (the adversary picks a
distribution, then the seller a posted price). Here the values are discretised to a grid ``v_1 < ... < v_K``
and the ambiguity set is ``{f on the grid : sum f v = mean}`` plus, optionally, ``sum f v^2 <= mean^2 +
variance`` (the paper's "mean and dispersion" sets; the Wasserstein set is not implemented). Both sides are
LPs (HiGHS):

* primal (:func:`robust_screening`): menu ``(q_k, t_k)`` with IC and IR; the inner minimum over ``f`` is
  replaced by its LP dual ``max a + b mean - c (mean^2 + variance)`` s.t. ``a + b v_k - c v_k^2 <= t_k``.
* dual (:func:`minimax_pricing`): ``min_f max_k v_k P_f(v >= v_k)``.

The two values agreeing is the minimax theorem of the paper, checked in the tests; the discretisation is
a named parameter (the grid the caller passes), an open point the abstract leaves to the continuous case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from fairbid.core.errors import FairbidError, check_array, check_float

__all__ = ["ScreeningResult", "robust_screening", "minimax_pricing"]

MAX_GRID = 2_000


@dataclass(frozen=True)
class ScreeningResult:
    """Worst-case revenue with the optimal menu (``allocation``, ``price`` per grid value) or the worst pmf."""

    revenue: float
    grid: np.ndarray
    allocation: np.ndarray | None = None
    price: np.ndarray | None = None
    worst_pmf: np.ndarray | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"worst_case_revenue": self.revenue, "grid": self.grid.tolist()}
        for key in ("allocation", "price", "worst_pmf"):
            val = getattr(self, key)
            if val is not None:
                out[key] = val.tolist()
        return out


def _check(grid: Any, mean: Any, variance: Any) -> tuple[np.ndarray, float, float | None]:
    v = check_array("grid", grid, low=0.0, ndim=1)
    if v.size < 1 or v.size > MAX_GRID:
        raise FairbidError("grid", f"must have 1 to {MAX_GRID} values", v.size)
    if not np.all(np.isfinite(v)) or np.any(np.diff(v) <= 0):
        raise FairbidError("grid", "must be finite and strictly increasing", v.tolist()[:5])
    mu = check_float("mean", mean, float(v[0]), float(v[-1]), finite=True)
    var = None if variance is None else check_float("variance", variance, 0.0, finite=True)
    return v, mu, var


def robust_screening(grid: Any, mean: float, variance: float | None = None) -> ScreeningResult:
    """Max over IC/IR menus of the min over ambiguous distributions of expected revenue (one LP).

    Examples
    --------
    >>> round(robust_screening([0.0, 1.0, 2.0], mean=1.0).revenue, 6)   # by hand: 2/3
    0.666667
    """
    from scipy.optimize import linprog

    v, mu, var = _check(grid, mean, variance)
    K = v.size
    from scipy.sparse import coo_matrix

    # Columns: q (K) | t (K) | a | b | c (c >= 0 only with a variance bound).
    N = 2 * K + 3
    # One buyer, one-dimensional type: IC between ADJACENT grid values in both directions implies
    # monotone q and global IC (standard), so O(K) rows instead of K^2.
    k = np.arange(K - 1)
    m = K - 1
    ri, ci, vi = [], [], []
    # downward: v_{k+1} q_k - t_k <= v_{k+1} q_{k+1} - t_{k+1}
    ri += [np.repeat(np.arange(m), 4)]
    ci += [np.stack([k, K + k, k + 1, K + k + 1], axis=1).ravel()]
    vi += [np.stack([v[k + 1], -np.ones(m), -v[k + 1], np.ones(m)], axis=1).ravel()]
    # upward: v_k q_{k+1} - t_{k+1} <= v_k q_k - t_k
    ri += [np.repeat(m + np.arange(m), 4)]
    ci += [np.stack([k + 1, K + k + 1, k, K + k], axis=1).ravel()]
    vi += [np.stack([v[k], -np.ones(m), -v[k], np.ones(m)], axis=1).ravel()]
    base = 2 * m
    kk = np.arange(K)
    # IR: t_k - v_k q_k <= 0
    ri += [np.repeat(base + kk, 2)]
    ci += [np.stack([kk, K + kk], axis=1).ravel()]
    vi += [np.stack([-v, np.ones(K)], axis=1).ravel()]
    base += K
    # dual of the worst case: a + b v_k - c v_k^2 - t_k <= 0
    ri += [np.repeat(base + kk, 4)]
    ci += [np.stack([K + kk, np.full(K, 2 * K), np.full(K, 2 * K + 1), np.full(K, 2 * K + 2)], axis=1).ravel()]
    vi += [np.stack([-np.ones(K), np.ones(K), v, -v**2], axis=1).ravel()]
    nrows = base + K
    A = coo_matrix((np.concatenate(vi), (np.concatenate(ri), np.concatenate(ci))), shape=(nrows, N)).tocsr()
    cost = np.zeros(N)
    cost[2 * K], cost[2 * K + 1] = -1.0, -mu
    cost[2 * K + 2] = 0.0 if var is None else mu**2 + var
    bounds = [(0, 1)] * K + [(None, None)] * K + [(None, None), (None, None), (0, 0 if var is None else None)]
    res = linprog(cost, A_ub=A, b_ub=np.zeros(nrows), bounds=bounds, method="highs")
    if res.status != 0:
        raise FairbidError("ambiguity set", "is empty on this grid (mean/variance not attainable)", res.message)
    return ScreeningResult(float(-res.fun), v, allocation=res.x[:K], price=res.x[K:2 * K])


def minimax_pricing(grid: Any, mean: float, variance: float | None = None) -> ScreeningResult:
    """``min_f max_k v_k P_f(v >= v_k)`` over the ambiguity set (the dual side of the minimax theorem)."""
    from scipy.optimize import linprog

    v, mu, var = _check(grid, mean, variance)
    K = v.size
    from scipy.sparse import coo_matrix, vstack

    # Columns: tail sums S_k = P(v >= v_k) (K) | z; f_k = S_k - S_{k+1} >= 0 keeps everything sparse.
    k = np.arange(K)
    rev = coo_matrix((np.concatenate([v, -np.ones(K)]), (np.concatenate([k, k]), np.concatenate([k, np.full(K, K)]))),
                     shape=(K, K + 1))  # v_k S_k - z <= 0
    j = np.arange(K - 1)
    mono = coo_matrix((np.concatenate([np.ones(K - 1), -np.ones(K - 1)]), (np.concatenate([j, j]),
                       np.concatenate([j + 1, j]))), shape=(K - 1, K + 1))  # S_{k+1} - S_k <= 0
    step = np.diff(np.concatenate([[0.0], v]))          # sum f v   = sum_k S_k (v_k - v_{k-1})
    step2 = np.diff(np.concatenate([[0.0], v**2]))      # sum f v^2 = sum_k S_k (v_k^2 - v_{k-1}^2)
    A_ub, b_ub = [rev, mono], [np.zeros(K), np.zeros(K - 1)]
    if var is not None:
        A_ub.append(coo_matrix(np.append(step2, 0.0)[None]))
        b_ub.append(np.array([mu**2 + var]))
    first = np.zeros(K + 1)
    first[0] = 1.0
    A_eq = np.array([first, np.append(step, 0.0)])
    cost = np.zeros(K + 1)
    cost[K] = 1.0
    res = linprog(cost, A_ub=vstack(A_ub).tocsr(), b_ub=np.concatenate(b_ub), A_eq=A_eq, b_eq=[1.0, mu],
                  bounds=[(0, None)] * K + [(None, None)], method="highs")
    if res.status != 0:
        raise FairbidError("ambiguity set", "is empty on this grid (mean/variance not attainable)", res.message)
    S = res.x[:K]
    return ScreeningResult(float(res.fun), v, worst_pmf=np.clip(S - np.append(S[1:], 0.0), 0.0, None))
