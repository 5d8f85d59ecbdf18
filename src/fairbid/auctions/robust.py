"""Correlation-robust selling to one additive buyer, by one LP (seed 000, "Correlation-robust mechanism design").

The seller knows the marginal distribution of the buyer's value for each of ``n`` items (finite grids) but
not their correlation; a mechanism (a menu: lottery ``q(v)`` over items and price ``t(v)`` per reported type)
is judged by its expected revenue under the WORST joint distribution with those marginals (Carroll,
Econometrica 2017). The talk's approach: dualise the inner minimisation. For a fixed mechanism the worst
case is a transportation LP ``min_pi sum_v pi(v) t(v)`` with ``pi``'s marginals fixed; its dual is
``max sum_j sum_a f_j(a) y_j(a)`` subject to ``sum_j y_j(v_j) <= t(v)``. Joining this dual to the
mechanism's IC/IR constraints gives ONE LP over ``(q, t, y)`` (solved by HiGHS), whose optimum is the
max-min revenue.

Independent check (tests): Carroll's theorem says selling each item separately at its own
Myerson (monopoly) price is max-min optimal, so the LP value equals ``sum_j max_p p P(v_j >= p)``.
The worst-case distribution for any mechanism is recovered from the transportation LP
(:func:`worst_case_revenue`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from fairbid.core.errors import FairbidError, check_array

__all__ = ["RobustResult", "robust_additive_mechanism", "worst_case_revenue", "separate_sale_revenue"]

#: Largest number of joint types (product of the grid sizes) the LP accepts.
MAX_TYPES = 2_000


@dataclass(frozen=True)
class RobustResult:
    """Max-min revenue and the mechanism: allocation ``q`` (types x items) and price ``t`` per type."""

    revenue: float
    allocation: np.ndarray
    price: np.ndarray
    types: np.ndarray

    def as_dict(self) -> dict[str, Any]:
        return {"worst_case_revenue": self.revenue, "types": self.types.tolist(),
                "allocation": self.allocation.tolist(), "price": self.price.tolist()}


def _check(values: Any, marginals: Any) -> tuple[list[np.ndarray], list[np.ndarray]]:
    if not isinstance(values, (list, tuple)) or not values or len(values) != len(marginals):
        raise FairbidError("values", "need one value grid and one marginal per item", values)
    vals, probs = [], []
    for j, (v, f) in enumerate(zip(values, marginals)):
        v = check_array(f"values[{j}]", v, low=0.0, ndim=1)
        f = check_array(f"marginals[{j}]", f, low=0.0, ndim=1)
        if v.size == 0 or v.size != f.size:
            raise FairbidError(f"marginals[{j}]", f"must have {v.size} entries like values[{j}]", f.size)
        if not np.all(np.isfinite(v)) or np.any(np.diff(v) <= 0):
            raise FairbidError(f"values[{j}]", "must be finite and strictly increasing", v.tolist()[:5])
        if abs(f.sum() - 1) > 1e-6:
            raise FairbidError(f"marginals[{j}]", "must sum to 1", float(f.sum()))
        vals.append(v)
        probs.append(f / f.sum())
    size = float(np.prod([v.size for v in vals], dtype=float))
    if size > MAX_TYPES:
        raise FairbidError("value grids", f"at most {MAX_TYPES} joint types", int(size))
    return vals, probs


def separate_sale_revenue(values: Any, marginals: Any) -> float:
    """Sum over items of the best single-item posted-price revenue ``max_p p P(v_j >= p)``."""
    vals, probs = _check(values, marginals)
    return float(sum(np.max(v * np.cumsum(f[::-1])[::-1]) for v, f in zip(vals, probs)))


def robust_additive_mechanism(values: Any, marginals: Any) -> RobustResult:
    """The max-min (correlation-robust) revenue-optimal mechanism for one additive buyer, by one LP.

    Examples
    --------
    >>> r = robust_additive_mechanism([[1.0, 2.0], [1.0, 2.0]], [[0.5, 0.5], [0.5, 0.5]])
    >>> round(r.revenue, 6)          # Carroll: 2 x (best posted price of one item) = 2 x 1
    2.0
    """
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix, vstack

    vals, probs = _check(values, marginals)
    n = len(vals)
    grids = np.meshgrid(*vals, indexing="ij")
    T = np.stack([g.ravel() for g in grids], axis=1)  # types x items
    idx = np.stack([g.ravel() for g in np.meshgrid(*(np.arange(v.size) for v in vals), indexing="ij")], axis=1)
    K = T.shape[0]
    ny = [v.size for v in vals]
    offs = np.concatenate([[0], np.cumsum(ny)])
    # Columns: q (K*n) | t (K) | y (sum ny).
    nq, nt, nyt = K * n, K, int(offs[-1])
    N = nq + nt + nyt

    def qc(k: np.ndarray, j: np.ndarray) -> np.ndarray:
        return k * n + j

    blocks, rhs = [], []
    # IC: for every pair (k, l), k != l: -(T_k . q_k - t_k) + (T_k . q_l - t_l) <= 0.
    kk, ll = np.meshgrid(np.arange(K), np.arange(K), indexing="ij")
    keep = kk != ll
    kk, ll = kk[keep], ll[keep]
    m = kk.size
    rows = np.concatenate([np.repeat(np.arange(m), n), np.repeat(np.arange(m), n), np.arange(m), np.arange(m)])
    jj = np.tile(np.arange(n), m)
    cols = np.concatenate([qc(np.repeat(kk, n), jj), qc(np.repeat(ll, n), jj), nq + kk, nq + ll])
    vals_ = np.concatenate([-T[kk].ravel(), T[kk].ravel(), np.ones(m), -np.ones(m)])
    blocks.append(coo_matrix((vals_, (rows, cols)), shape=(m, N)))
    rhs.append(np.zeros(m))
    # IR: -T_k . q_k + t_k <= 0.
    rows = np.concatenate([np.repeat(np.arange(K), n), np.arange(K)])
    cols = np.concatenate([qc(np.repeat(np.arange(K), n), np.tile(np.arange(n), K)), nq + np.arange(K)])
    blocks.append(coo_matrix((np.concatenate([-T.ravel(), np.ones(K)]), (rows, cols)), shape=(K, N)))
    rhs.append(np.zeros(K))
    # Dual of the worst case: sum_j y_j(v_j) - t(v) <= 0.
    rows = np.concatenate([np.repeat(np.arange(K), n), np.arange(K)])
    cols = np.concatenate([(nq + nt + offs[:-1][None, :] + idx).ravel(), nq + np.arange(K)])
    blocks.append(coo_matrix((np.concatenate([np.ones(K * n), -np.ones(K)]), (rows, cols)), shape=(K, N)))
    rhs.append(np.zeros(K))
    cost = np.zeros(N)
    cost[nq + nt:] = -np.concatenate(probs)
    bounds = [(0.0, 1.0)] * nq + [(None, None)] * nt + [(None, None)] * nyt
    res = linprog(cost, A_ub=vstack(blocks).tocsr(), b_ub=np.concatenate(rhs), bounds=bounds, method="highs")
    if res.status != 0:
        raise FairbidError("robust LP", "HiGHS did not find an optimum", res.message)
    return RobustResult(float(-res.fun), res.x[:nq].reshape(K, n), res.x[nq:nq + nt], T)


def worst_case_revenue(values: Any, marginals: Any, price: Any) -> tuple[float, np.ndarray]:
    """Worst-case expected payment of a mechanism with price ``price[type]`` over all couplings of the marginals.

    The primal transportation LP (HiGHS), independent of the dual used inside
    :func:`robust_additive_mechanism`. Returns ``(revenue, worst joint pmf over types)``.
    """
    from scipy.optimize import linprog

    vals, probs = _check(values, marginals)
    shape = tuple(v.size for v in vals)
    K = int(np.prod(shape))
    t = check_array("price", price, ndim=1)
    if t.size != K:
        raise FairbidError("price", f"must have {K} entries", t.size)
    idx = np.arange(K).reshape(shape)
    A, b = [], []
    for j, f in enumerate(probs):
        own = np.moveaxis(idx, j, 0).reshape(shape[j], -1)
        for a in range(shape[j]):
            row = np.zeros(K)
            row[own[a]] = 1.0
            A.append(row)
            b.append(f[a])
    res = linprog(t, A_eq=np.array(A), b_eq=np.array(b), bounds=(0, None), method="highs")
    if res.status != 0:
        raise FairbidError("worst-case LP", "HiGHS did not find an optimum", res.message)
    return float(res.fun), res.x.reshape(shape)
