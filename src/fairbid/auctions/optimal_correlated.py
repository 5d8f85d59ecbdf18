"""Revenue-optimal DSIC single-item auctions for correlated private values, by LP (seed 002).

Feldman & Lavi, "Optimal DSIC Auctions for Correlated Private Values: Ex-Post vs. Ex-Interim IR" (WINE 2021)
compare the optimal dominant-strategy IC auction under ex-post individual rationality (EPIR: no bidder
ever pays more than her value of what she gets) with the optimal one under ex-interim IR (EIIR: each type
gains at least 0 in expectation over the others' values, given her own). On a finite joint distribution
both are linear programs over the allocation ``x_i(v)`` and payment ``p_i(v)`` at every value profile ``v``:

    maximise   sum_v P(v) sum_i p_i(v)
    subject to sum_i x_i(v) <= 1,  0 <= x_i(v) <= 1                       (feasibility)
               v_i x_i(v) - p_i(v) >= v_i x_i(v'_i, v_-i) - p_i(v'_i, v_-i) (DSIC, every v, i, v'_i)
               EPIR: v_i x_i(v) - p_i(v) >= 0 for every v
               EIIR: sum_{v_-i} P(v_i, v_-i) (v_i x_i(v) - p_i(v)) >= 0 for every i, v_i

solved with HiGHS (scipy). Independent anchors (tests): Myerson's discrete virtual values for independent
values, Crémer-McLean full surplus extraction under EIIR when the beliefs have full rank, the posted price
for one bidder, and :func:`check_mechanism` which re-verifies every constraint by brute force.
The abstract's tight ratio bound (a function of expected welfare) is not given in the abstract's text, so
it is not implemented; the experiment reports the measured EPIR/EIIR ratio against expected welfare.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from fairbid.core.errors import FairbidError, check_array, check_choice

__all__ = ["CorrelatedInstance", "OptimalAuction", "optimal_dsic_auction", "check_mechanism",
           "second_price_revenue", "myerson_discrete_revenue", "random_correlated_instance",
           "correlated_instance_from_json"]

#: Largest number of value profiles the LP accepts (2 bidders x 200 values, or 3 x 34).
MAX_PROFILES = 40_000


@dataclass(frozen=True)
class CorrelatedInstance:
    """``values[i]``: bidder i's sorted value grid; ``pmf``: joint probabilities, shape (k_1, ..., k_n)."""

    values: tuple[np.ndarray, ...]
    pmf: np.ndarray

    @classmethod
    def make(cls, values: Any, pmf: Any) -> CorrelatedInstance:
        if not isinstance(values, (list, tuple)) or not values:
            raise FairbidError("values", "must be a non-empty list of value grids, one per bidder", values)
        grids = tuple(check_array(f"values[{i}]", v, low=0.0, ndim=1) for i, v in enumerate(values))
        for i, g in enumerate(grids):
            if g.size == 0:
                raise FairbidError(f"values[{i}]", "must not be empty", [])
            if not np.all(np.isfinite(g)):
                raise FairbidError(f"values[{i}]", "must be finite", g.tolist()[:5])
            if np.any(np.diff(g) <= 0):
                raise FairbidError(f"values[{i}]", "must be strictly increasing", g.tolist()[:5])
        shape = tuple(g.size for g in grids)
        size = int(np.prod(shape, dtype=float))
        if size > MAX_PROFILES:
            raise FairbidError("value grids", f"at most {MAX_PROFILES} value profiles", size)
        p = check_array("pmf", pmf, low=0.0)
        if p.size != size:
            raise FairbidError("pmf", f"must have {size} entries (product of the grid sizes {shape})", p.size)
        total = float(p.sum())
        if not np.isfinite(total) or total <= 0:
            raise FairbidError("pmf", "must have a positive finite sum", total)
        if abs(total - 1.0) > 1e-6:
            raise FairbidError("pmf", "must sum to 1", total)
        return cls(grids, (p / total).reshape(shape))

    @property
    def n(self) -> int:
        return len(self.values)

    def expected_welfare(self) -> float:
        """E[max_i v_i]: the surplus, an upper bound on any IR mechanism's revenue."""
        return float((self.pmf * _max_value(self.values)).sum())


def _max_value(values: tuple[np.ndarray, ...]) -> np.ndarray:
    grids = np.meshgrid(*values, indexing="ij")
    return np.max(np.stack(grids), axis=0)


@dataclass(frozen=True)
class OptimalAuction:
    """LP optimum: allocation and payment arrays of shape (n, k_1, ..., k_n), revenue, IR notion."""

    ir: str
    revenue: float
    allocation: np.ndarray
    payment: np.ndarray
    expected_welfare: float

    def as_dict(self) -> dict[str, Any]:
        return {"ir": self.ir, "revenue": self.revenue, "expected_welfare": self.expected_welfare,
                "revenue_share_of_welfare": self.revenue / self.expected_welfare if self.expected_welfare else 0.0,
                "allocation": self.allocation.tolist(), "payment": self.payment.tolist()}


def correlated_instance_from_json(data: Any) -> CorrelatedInstance:
    """``{"values": [[...], ...], "pmf": [...] | [[...], ...]}`` (a matrix for two bidders, else flat C order)."""
    from fairbid.core.validate import require_matrix, require_type, require_vector

    require_type("instance", data, dict, "a JSON object")
    for key in data:
        if key not in ("values", "pmf"):
            raise FairbidError("instance", "unknown field", key)
    for key in ("values", "pmf"):
        if key not in data:
            raise FairbidError(key, "is missing")
    vals = require_type("values", data["values"], list, "a list of value lists")
    if not vals or len(vals) > 8:
        raise FairbidError("values", "must list 1 to 8 bidders", len(vals))
    grids = [require_vector(f"values[{i}]", v, low=0, high=1e12) for i, v in enumerate(vals)]
    size = float(np.prod([len(g) for g in grids], dtype=float))
    if size > MAX_PROFILES:
        raise FairbidError("values", f"at most {MAX_PROFILES} value profiles", int(size))
    raw = data["pmf"]
    if isinstance(raw, list) and raw and isinstance(raw[0], list):
        pmf = np.asarray(require_matrix("pmf", raw, low=0), dtype=float).ravel()
    else:
        pmf = np.asarray(require_vector("pmf", raw, low=0), dtype=float)
    return CorrelatedInstance.make(grids, pmf)


def _dsic_pairs(shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(bidder, profile, deviation profile) triples: every profile against every other own value."""
    K = int(np.prod(shape))
    idx = np.arange(K).reshape(shape)
    bs, ps, qs = [], [], []
    for i, k in enumerate(shape):
        own = np.moveaxis(idx, i, 0).reshape(k, -1)  # own[a, r] = profile with v_i = a, others r
        a, b = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
        keep = a != b
        p = own[a[keep]]  # (pairs, rest)
        q = own[b[keep]]
        ps.append(p.ravel())
        qs.append(q.ravel())
        bs.append(np.full(p.size, i))
    return np.concatenate(bs), np.concatenate(ps), np.concatenate(qs)


def optimal_dsic_auction(instance: CorrelatedInstance, ir: str = "ex-post") -> OptimalAuction:
    """The revenue-optimal DSIC auction of ``instance`` under ``ir`` = ``"ex-post"`` or ``"ex-interim"``.

    Examples
    --------
    >>> inst = CorrelatedInstance.make([[1.0, 2.0]], [0.5, 0.5])   # one bidder: best posted price
    >>> round(optimal_dsic_auction(inst).revenue, 6)                # max(1 * 1, 2 * 0.5)
    1.0
    """
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix, vstack

    check_choice("ir", ir, ("ex-post", "ex-interim"))
    n, shape = instance.n, instance.pmf.shape
    K = int(np.prod(shape))
    grids = np.meshgrid(*instance.values, indexing="ij")
    V = np.stack([g.ravel() for g in grids])  # V[i, v] = bidder i's value at profile v
    P = instance.pmf.ravel()
    nv = n * K

    def xi(i: np.ndarray, v: np.ndarray) -> np.ndarray:  # column of x_i(v)
        return i * K + v

    def pi(i: np.ndarray, v: np.ndarray) -> np.ndarray:  # column of p_i(v)
        return nv + i * K + v

    blocks, rhs = [], []
    # Feasibility: sum_i x_i(v) <= 1.
    r = np.tile(np.arange(K), n)
    c = xi(np.repeat(np.arange(n), K), r)
    blocks.append(coo_matrix((np.ones(nv), (r, c)), shape=(K, 2 * nv)))
    rhs.append(np.ones(K))
    # DSIC: -v_i x_i(v) + p_i(v) + v_i x_i(v') - p_i(v') <= 0, v_i the TRUE value at v.
    b, p, q = _dsic_pairs(shape)
    m = b.size
    rows = np.repeat(np.arange(m), 4)
    cols = np.stack([xi(b, p), pi(b, p), xi(b, q), pi(b, q)], axis=1).ravel()
    val = V[b, p]
    vals = np.stack([-val, np.ones(m), val, -np.ones(m)], axis=1).ravel()
    blocks.append(coo_matrix((vals, (rows, cols)), shape=(m, 2 * nv)))
    rhs.append(np.zeros(m))
    if ir == "ex-post":
        ii = np.repeat(np.arange(n), K)
        vv = np.tile(np.arange(K), n)
        rows = np.tile(np.arange(nv), 2)
        cols = np.concatenate([xi(ii, vv), pi(ii, vv)])
        vals = np.concatenate([-V[ii, vv], np.ones(nv)])
        blocks.append(coo_matrix((vals, (rows, cols)), shape=(nv, 2 * nv)))
        rhs.append(np.zeros(nv))
    else:
        # One row per (bidder, own value index): sum over the others of P(v) (p_i - v_i x_i) <= 0.
        rows_l, cols_l, vals_l, nrow = [], [], [], 0
        idx = np.arange(K).reshape(shape)
        for i, k in enumerate(shape):
            own = np.moveaxis(idx, i, 0).reshape(k, -1)
            rr = np.repeat(nrow + np.arange(k), own.shape[1])
            vv = own.ravel()
            ii = np.full(vv.size, i)
            rows_l += [rr, rr]
            cols_l += [xi(ii, vv), pi(ii, vv)]
            vals_l += [-P[vv] * V[i, vv], P[vv]]
            nrow += k
        blocks.append(coo_matrix((np.concatenate(vals_l), (np.concatenate(rows_l), np.concatenate(cols_l))),
                                 shape=(nrow, 2 * nv)))
        rhs.append(np.zeros(nrow))
        # Payments at zero-probability profiles are otherwise free; bound them by the value range so the
        # LP stays bounded and the reported mechanism finite (does not change the optimum).
    A = vstack(blocks).tocsr()
    cost = np.concatenate([np.zeros(nv), -np.tile(P, n)])
    vmax = float(max(g.max() for g in instance.values))
    pay_bound = None if ir == "ex-post" else (-(vmax + 1.0) / max(P[P > 0].min(), 1e-12), None)
    bounds = [(0.0, 1.0)] * nv + [pay_bound if pay_bound else (None, None)] * nv
    res = linprog(cost, A_ub=A, b_ub=np.concatenate(rhs), bounds=bounds, method="highs")
    if res.status != 0:
        raise FairbidError("optimal auction LP", "HiGHS did not find an optimum", res.message)
    x = res.x[:nv].reshape((n, *shape))
    pay = res.x[nv:].reshape((n, *shape))
    return OptimalAuction(ir, float(-res.fun), x, pay, instance.expected_welfare())


def check_mechanism(instance: CorrelatedInstance, allocation: Any, payment: Any, ir: str = "ex-post",
                    tol: float = 1e-6) -> dict[str, float]:
    """Brute-force check of a direct mechanism: worst DSIC, IR and feasibility violations, and its revenue.

    Independent of the LP: loops over bidders and deviations with plain array indexing.
    """
    x = np.asarray(allocation, dtype=float)
    pay = np.asarray(payment, dtype=float)
    n, shape = instance.n, instance.pmf.shape
    worst_ic = 0.0
    worst_ir = 0.0
    for i in range(n):
        vi = instance.values[i].reshape([-1 if a == i else 1 for a in range(n)])
        xi = np.moveaxis(x[i], i, 0)
        pi = np.moveaxis(pay[i], i, 0)
        vv = instance.values[i].reshape((-1,) + (1,) * (n - 1))
        truthful = vv * xi - pi  # [true a, rest]
        for b in range(shape[i]):
            dev = vv * xi[b][None] - pi[b][None]
            worst_ic = max(worst_ic, float((dev - truthful).max()))
        util = vi * x[i] - pay[i]
        if ir == "ex-post":
            worst_ir = max(worst_ir, float((-util).max()))
        else:
            interim = np.moveaxis(instance.pmf * util, i, 0).reshape(shape[i], -1).sum(axis=1)
            worst_ir = max(worst_ir, float((-interim).max()))
    over = float((x.sum(axis=0) - 1).max())
    revenue = float((instance.pmf * pay.sum(axis=0)).sum())
    return {"ic_violation": worst_ic, "ir_violation": worst_ir, "feasibility_violation": max(over, float(-x.min())),
            "revenue": revenue, "ok": float(worst_ic <= tol and worst_ir <= tol and over <= tol)}


def second_price_revenue(instance: CorrelatedInstance, reserve: float = 0.0) -> float:
    """Expected revenue of the second-price auction with ``reserve`` (ties split at random): DSIC and EPIR.

    The winner pays ``max(reserve, highest other value)``; computed directly on the profile grid.
    """
    grids = np.meshgrid(*instance.values, indexing="ij")
    V = np.stack(grids).reshape(instance.n, -1)
    top = V.max(axis=0)
    if instance.n == 1:
        second = np.zeros_like(top)
    else:
        second = np.sort(V, axis=0)[-2]
    pay = np.where(top >= reserve, np.maximum(second, reserve), 0.0)
    return float((instance.pmf.ravel() * pay).sum())


def myerson_discrete_revenue(values: Any, marginals: Any) -> float:
    """Optimal DSIC/EPIR revenue for INDEPENDENT discrete values from discrete virtual values.

    ``phi(v_j) = v_j - (v_{j+1} - v_j) (1 - F(v_j)) / f(v_j)`` (Elkind 2007; Cai, Devanur & Weinberg 2016),
    revenue = ``E[max(0, max_i phi_i(v_i))]``. Only valid when every ``phi_i`` is non-decreasing (regular);
    raises otherwise (no ironing here).
    """
    vals = [np.asarray(v, dtype=float) for v in values]
    probs = [np.asarray(f, dtype=float) / np.sum(f) for f in marginals]
    phis = []
    for v, f in zip(vals, probs):
        tail = 1.0 - np.cumsum(f)
        gap = np.append(np.diff(v), 0.0)
        phi = v - gap * tail / f
        if np.any(np.diff(phi) < -1e-12):
            raise FairbidError("marginals", "virtual values must be non-decreasing (regular)", phi.tolist())
        phis.append(phi)
    grid = np.meshgrid(*phis, indexing="ij")
    pm = np.ones(())
    for f in probs:
        pm = np.multiply.outer(pm, f)
    best = np.maximum(0.0, np.max(np.stack(grid), axis=0))
    return float((pm * best).sum())


def random_correlated_instance(n: int, k: int, seed: Any = None, *, concentration: float = 1.0,
                               high: float = 1.0) -> CorrelatedInstance:
    """``n`` bidders with values on ``{high/k, ..., high}`` and a Dirichlet(``concentration``) joint pmf."""
    from fairbid.core.errors import check_float, check_int
    from fairbid.core.rng import as_generator

    n = check_int("n", n, 1, 8)
    k = check_int("k", k, 1, 10_000)
    concentration = check_float("concentration", concentration, 0.0, low_open=True, finite=True)
    if float(k) ** n > MAX_PROFILES:
        raise FairbidError("k^n", f"at most {MAX_PROFILES} value profiles", k**n)
    rng = as_generator(seed)
    grid = np.linspace(high / k, high, k)
    pmf = rng.dirichlet(np.full(k**n, concentration))
    return CorrelatedInstance.make([grid] * n, pmf)
