"""First-price pacing equilibria of large markets: smoothed dual Newton, then an exact LP finish.

The FPPE multipliers ``beta = alpha`` minimize the dual of the quasi-linear Eisenberg-Gale program
(Conitzer, Kroer, Panigrahi et al., *Pacing Equilibrium in First Price Auction Markets*, Management
Science 2022, Sec. 4; Gao and Kroer 2020 for the quasi-linear Fisher view)::

    min_{beta in (0, 1]^n}  sum_j max_i beta_i v_ij  -  sum_i B_i log beta_i

(the first sum is the revenue: first price, good ``j`` sells at the top paced bid). With
``y = log beta`` the max is ``exp(max_i (y_i + log v_ij))``; replacing the inner max by ``tau`` times a
log-sum-exp (temperature ``tau`` in log space, i.e. a *relative* bid tolerance) gives a smooth convex
function whose gradient is "soft spend minus budget" and whose Hessian is sparse per good (only
near-tied bidders interact) and small (``n x n``; ``n = 10^3`` is a 1000 x 1000 dense matrix). We
follow its minimizer with a bound-projected Newton method (``y <= 0``) while ``tau`` falls from
``tau_start`` to ``tau_end`` by factors of ``tau_factor``; each stage starts at the previous stage's answer.

When there are fewer goods than buyers the same dual is written in log-prices ``q`` instead
(``beta_i = min(1, min_j p_j / v_ij)`` eliminated; see :func:`_price_eval`): an unconstrained ``m x m``
Newton system (10^4 buyers x 10^3 goods: a 1000 x 1000 system instead of 10^4 x 10^4). In
log-multipliers with more than :data:`DENSE_BUYERS` buyers the system is solved sparse (SuperLU).

That answer is only approximate (within about ``tau`` in log-bids). The *exact* finish: the winners of
each good (bids within ``finish_gap`` of the top) fix a support graph; on a fixed support the
equilibrium conditions are linear, so one LP (scipy / HiGHS) on the support gives spending ``b_ij``,
prices and multipliers that satisfy them exactly, or says the support guess is wrong (then wider gaps
and a maximum-spending spanning forest of the guess are tried). From ``tau <= early_finish`` every stage
ends with one such try; the last stage tries the whole ladder. Every candidate answer is judged by
:func:`fairbid.markets.check_equilibrium` on the full ``n x m`` matrix.

Only candidate edges (bids within ``band`` of the good's top bid at a first, rough pacing vector from a
few proportional-response rounds) enter the Newton stage and the LP. An answer of the restricted market
is an equilibrium of the whole market iff no bid outside the candidates beats a price. After every
Newton stage one pass over the full matrix finds the bids that came within ``band`` of their good's top;
they join the candidates and the stage is repeated (column generation, at most ``rounds`` times per
stage). The result says ``failed: ...`` when no finish reaches ``tol``.
"""

from __future__ import annotations

import time

import numpy as np
from numba import njit

from fairbid.core.errors import check_float, check_int
from fairbid.markets.instance import MarketInstance
from fairbid.markets.result import MarketResult


@njit(cache=True)
def _good_softmax(y, rows, lv, a, b, tau, soft, act):  # pragma: no cover - numba
    """Soft-max over the bids on one good (edges ``a .. b-1``): returns ``(na, P)``.

    ``soft[e]`` gets edge ``e``'s share (0 where ``exp`` underflows), ``act[:na]`` the edges with a
    positive share, and ``P = exp(tau * logsumexp((y + lv) / tau))`` the smoothed price.
    """
    mx = -1e300
    for e in range(a, b):
        w = y[rows[e]] + lv[e]
        if w > mx:
            mx = w
    z = 0.0
    na = 0
    for e in range(a, b):
        r = (y[rows[e]] + lv[e] - mx) / tau
        if r < -745.0:                       # exp underflows to 0: skip the call
            soft[e] = 0.0
            continue
        s = np.exp(r)
        soft[e] = s
        z += s
        act[na] = e
        na += 1
    for q in range(na):
        soft[act[q]] /= z
    return na, np.exp(mx + tau * np.log(z))


@njit(cache=True)
def _smooth_eval(y, rows, starts, lv, tau, B, want_hess, H, g, soft):  # pragma: no cover - numba
    """Smoothed dual value; fills gradient ``g``, soft spend per edge ``soft`` and (optionally) ``H``.

    Edges are sorted by good; ``starts`` has the first edge of each good and a final sentinel.
    ``H`` gets ``sum_j P_j (s s^T + (diag(s) - s s^T) / tau)`` with the second term written as
    ``s_a (1 - s_a)`` on the diagonal from the other weights (no cancellation of ``1/tau`` terms).
    """
    n = g.shape[0]
    m = starts.shape[0] - 1
    for i in range(n):
        g[i] = -B[i]
    if want_hess:
        for i in range(n):
            for k in range(n):
                H[i, k] = 0.0
    f = 0.0
    for i in range(n):
        f -= B[i] * y[i]
    act = np.empty(rows.shape[0], dtype=np.int64)   # scratch: edges of one good with weight > 0
    for j in range(m):
        na, P = _good_softmax(y, rows, lv, starts[j], starts[j + 1], tau, soft, act)
        f += P
        for q in range(na):
            e = act[q]
            g[rows[e]] += P * soft[e]
        if want_hess:
            for q in range(na):
                e = act[q]
                se = soft[e]
                ie = rows[e]
                rest = 0.0
                for q2 in range(na):
                    if q2 != q:
                        rest += soft[act[q2]]
                H[ie, ie] += P * se * se + P * se * rest / tau
                for q2 in range(na):
                    if q2 != q:
                        H[ie, rows[act[q2]]] += P * se * soft[act[q2]] * (1.0 - 1.0 / tau)
        for q in range(na):
            soft[act[q]] = soft[act[q]] * P      # soft spend of edge e
    return f


@njit(cache=True)
def _hess_coo(y, rows, starts, lv, tau):  # pragma: no cover - numba
    """The Hessian of :func:`_smooth_eval` as COO triplets (duplicates summed by scipy): for many buyers,
    where a dense ``n x n`` matrix would not fit."""
    m = starts.shape[0] - 1
    k = rows.shape[0]
    act = np.empty(k, dtype=np.int64)
    sh = np.empty(k)
    total = 0
    for sweep in range(2):
        if sweep == 1:
            R = np.empty(total, dtype=np.int64)
            C = np.empty(total, dtype=np.int64)
            D = np.empty(total)
        pos = 0
        for j in range(m):
            na, P = _good_softmax(y, rows, lv, starts[j], starts[j + 1], tau, sh, act)
            if sweep == 0:
                total += na * na
                continue
            for q in range(na):
                e = act[q]
                se = sh[e]
                rest = 0.0
                for q2 in range(na):
                    if q2 != q:
                        rest += sh[act[q2]]
                R[pos] = rows[e]
                C[pos] = rows[e]
                D[pos] = P * se * se + P * se * rest / tau
                pos += 1
                for q2 in range(na):
                    if q2 != q:
                        R[pos] = rows[e]
                        C[pos] = rows[act[q2]]
                        D[pos] = P * se * sh[act[q2]] * (1.0 - 1.0 / tau)
                        pos += 1
    return R, C, D


@njit(cache=True)
def _price_eval(q, starts, cols, lv, tau, B, want_hess, H, g):  # pragma: no cover - numba
    """The smoothed dual in log-prices ``q`` (for markets with fewer goods than buyers).

    Eliminating ``beta_i = min(1, min_j p_j / v_ij)`` from the dual gives
    ``sum_j e^{q_j} + sum_i B_i max(0, max_j (log v_ij - q_j))``; the inner max (with 0, the value of
    keeping money: quasi-linear buyers) is smoothed by ``tau`` log-sum-exp. ``g_j`` = price minus smoothed
    spending on ``j``; ``H`` = ``diag(p) + sum_i B_i (diag(s_i) - s_i s_i^T) / tau`` over buyer ``i``'s
    candidate goods (``m x m``). Edges are sorted by buyer; ``starts`` indexes them per buyer.
    """
    m = g.shape[0]
    n = starts.shape[0] - 1
    f = 0.0
    for j in range(m):
        p = np.exp(q[j])
        f += p
        g[j] = p
    if want_hess:
        for j in range(m):
            for k in range(m):
                H[j, k] = 0.0
            H[j, j] = np.exp(q[j])
    w = np.empty(starts[n] - starts[0] + 1)
    for i in range(n):
        a, b = starts[i], starts[i + 1]
        mx = 0.0
        for e in range(a, b):
            u = lv[e] - q[cols[e]]
            if u > mx:
                mx = u
        w0 = np.exp(-mx / tau)
        z = w0
        for e in range(a, b):
            r = (lv[e] - q[cols[e]] - mx) / tau
            w[e - a] = np.exp(r) if r > -745.0 else 0.0
            z += w[e - a]
        f += B[i] * (mx + tau * np.log(z))
        for e in range(a, b):
            s = w[e - a] / z
            if s == 0.0:
                continue
            g[cols[e]] -= B[i] * s
            if want_hess:
                rest = w0 / z
                for e2 in range(a, b):
                    if e2 != e:
                        rest += w[e2 - a] / z
                H[cols[e], cols[e]] += B[i] * s * rest / tau
                for e2 in range(a, b):
                    if e2 != e and w[e2 - a] > 0.0:
                        H[cols[e], cols[e2]] -= B[i] * s * (w[e2 - a] / z) / tau
    return f


def _price_stage(cand: np.ndarray, V: np.ndarray, q: np.ndarray, B: np.ndarray, tau: float, gtol: float,
                 max_newton: int, H: np.ndarray, deadline: float) -> tuple[np.ndarray, int]:
    """Damped Newton (dense Cholesky, Armijo backtracking) on the ``tau``-smoothed price-space dual."""
    from scipy.linalg import LinAlgError, cho_factor, cho_solve

    r, c = np.nonzero(cand)                   # row-major: sorted by buyer
    n, m = V.shape
    starts = np.searchsorted(r, np.arange(n + 1)).astype(np.int64)
    c = c.astype(np.int64)
    lv = np.log(V[r, c])
    g = np.empty(m)
    g2 = np.empty(m)
    f = _price_eval(q, starts, c, lv, tau, B, True, H, g)
    steps = 0
    for _ in range(max_newton):
        gn = float(np.abs(g).max())
        if gn <= gtol or time.perf_counter() > deadline:
            break
        ridge = 0.0
        scale = float(np.abs(np.diag(H)).max())
        while True:
            try:
                d = -cho_solve(cho_factor(H + ridge * np.eye(m), lower=True, check_finite=False), g,
                               check_finite=False)
                break
            except LinAlgError:
                ridge = max(ridge * 100, 1e-14 * scale)
        if not np.isfinite(d).all() or float(g @ d) >= 0:
            d = -g / max(scale, gn)
        np.clip(d, -1.0, 1.0, out=d)              # box trust region in log-prices
        t = 1.0
        while True:
            qn = q + t * d
            fn = _price_eval(qn, starts, c, lv, tau, B, False, H, g2)
            if fn <= f + 1e-4 * t * float(g @ d):
                break
            if fn <= f + 1e-13 * abs(f) and np.abs(g2).max() < gn:
                break
            if t < 1e-12:
                break
            t *= 0.5
        q = qn
        steps += 1
        f = _price_eval(q, starts, c, lv, tau, B, True, H, g)
    return q, steps


def _pacing_from_prices(cand: np.ndarray, V: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``log beta_i = min(0, min_j (q_j - log v_ij))`` over the candidate goods (exact, not smoothed)."""
    r, c = np.nonzero(cand)
    y = np.zeros(V.shape[0])
    np.minimum.at(y, r, q[c] - np.log(V[r, c]))
    return y


#: Above this many buyers the Newton system is sparse (SuperLU) instead of a dense Cholesky.
DENSE_BUYERS = 2000


class _Edges:
    """Candidate edges sorted by good, with what the smoothed dual needs."""

    def __init__(self, V: np.ndarray, mask: np.ndarray):
        cols, rows = np.nonzero(mask.T)        # transposed: sorted by good, then buyer
        self.rows = rows.astype(np.int64)
        self.cols = cols.astype(np.int64)
        self.v = V[rows, cols]
        self.lv = np.log(self.v)
        m = V.shape[1]
        self.starts = np.searchsorted(cols, np.arange(m + 1)).astype(np.int64)


def _newton_stage(E: _Edges, y: np.ndarray, B: np.ndarray, tau: float, gtol: float, max_newton: int,
                  H: np.ndarray, deadline: float) -> tuple[np.ndarray, int]:
    """Minimize the ``tau``-smoothed dual over ``y <= 0`` by projected Newton (Bertsekas 1982) with
    Armijo backtracking; returns the point and the Newton steps taken."""
    from scipy.linalg import LinAlgError, cho_factor, cho_solve
    from scipy.sparse import coo_matrix, identity
    from scipy.sparse.linalg import splu

    n = y.size
    sparse = H.shape[0] != n                  # the caller passes a dummy H when n > DENSE_BUYERS
    g = np.empty(n)
    soft = np.empty(E.rows.size)
    g2 = np.empty(n)
    soft2 = np.empty(E.rows.size)
    f = _smooth_eval(y, E.rows, E.starts, E.lv, tau, B, not sparse, H, g, soft)
    steps = 0
    for _ in range(max_newton):
        # Bound y_i = 0 is binding when the buyer is unpaced and wants to bid more (g_i < 0).
        pg = np.where((y >= -1e-14) & (g < 0), 0.0, g)
        pnorm = float(np.abs(pg).max())
        if pnorm <= gtol or time.perf_counter() > deadline:
            break
        # epsilon-active set (Bertsekas 1982): multipliers within eps of 1 that want to rise are held at
        # the bound, so the Newton step is not cut short by the projection.
        at_bound = (y >= -min(1e-4, pnorm)) & (g < 0)
        free = np.flatnonzero(~at_bound)
        d = np.where(at_bound, -y, 0.0)           # held multipliers go to the bound (a descent move)
        if sparse:
            R, C, D = _hess_coo(y, E.rows, E.starts, E.lv, tau)
            Hs = coo_matrix((D, (R, C)), shape=(n, n)).tocsc()[free][:, free]
            diag = Hs.diagonal()
        else:
            Hf = H if free.size == n else H[np.ix_(free, free)]   # no 8 MB copy when nothing is held
            diag = np.diag(Hf)
        ridge = 0.0
        scale = max(float(np.abs(diag).max()), 1e-300) if free.size else 1.0
        while free.size:
            try:
                if sparse:
                    # Buyers with no curvature (no candidate edge) get a tiny ridge so SuperLU can pivot.
                    lu = splu((Hs + identity(free.size, format="csc") * max(ridge, 1e-14 * scale)).tocsc())
                    d[free] = -lu.solve(g[free])
                else:
                    A = Hf if ridge == 0.0 else Hf + ridge * np.eye(free.size)
                    c = cho_factor(A, lower=True, check_finite=False)
                    d[free] = -cho_solve(c, g[free], check_finite=False)
                break
            except (LinAlgError, RuntimeError):
                ridge = max(ridge * 100, 1e-12 * scale)
                if ridge > scale:
                    break
        # Trust cap: a buyer with (almost) no candidate edge has no curvature in log space (the
        # -B_i y_i term is linear); no log-multiplier moves by more than 1 in one step (box trust region).
        if not np.isfinite(d).all() or float(g @ d) >= 0:     # not a descent direction: gradient step
            d = -pg / max(scale, float(np.abs(pg).max()))
        np.clip(d, -1.0, 1.0, out=d)
        t = 1.0
        pn = pnorm
        while True:
            yn = np.minimum(y + t * d, 0.0)
            fn = _smooth_eval(yn, E.rows, E.starts, E.lv, tau, B, False, H, g2, soft2)
            # Armijo on f; near the optimum f changes below its rounding error (f ~ total budget), so
            # a step that reduces the projected gradient without raising f beyond rounding counts too.
            if fn <= f + 1e-4 * float(g @ (yn - y)):
                break
            if fn <= f + 1e-13 * abs(f) and np.abs(np.where((yn >= -1e-14) & (g2 < 0), 0.0, g2)).max() < pn:
                break
            if t < 1e-12:
                break
            t *= 0.5
        y = yn
        steps += 1
        f = _smooth_eval(y, E.rows, E.starts, E.lv, tau, B, not sparse, H, g, soft)
    return y, steps


def _support_lp(E: _Edges, support: np.ndarray, B: np.ndarray, paced: np.ndarray, m: int,
                off: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Exact equilibrium on a fixed support, as one LP (HiGHS); ``None`` if the support is wrong.

    Variables: spending ``b_e`` on support edges, prices ``P_j``, multipliers ``beta_i``. Conditions:
    ``sum_i b_ij = P_j`` (sold), ``P_j = beta_i v_ij`` on the support (winners bid the price),
    ``P_j >= beta_i v_ij`` on the other candidate edges ``off`` (nobody outbids the price), paced buyers
    spend ``B_i`` (``beta_i <= 1``), unpaced ones have ``beta_i = 1`` and spend at most ``B_i``.
    Any feasible point is an exact FPPE of the candidate market.
    """
    import scipy.sparse as sp
    from scipy.optimize import linprog

    n = B.size
    si = np.flatnonzero(support)
    k = si.size
    r, c, v = E.rows[si], E.cols[si], E.v[si]
    oP, oB = k, k + m
    nv = k + m + n
    ek = np.arange(k)
    sold = sp.coo_matrix((np.r_[np.ones(k), -np.ones(m)], (np.r_[c, np.arange(m)], np.r_[ek, oP + np.arange(m)])),
                         shape=(m, nv))
    tight = sp.coo_matrix((np.r_[np.ones(k), -v], (np.r_[ek, ek], np.r_[oP + c, oB + r])), shape=(k, nv))
    spend = sp.csr_matrix(sp.coo_matrix((np.ones(k), (r, ek)), shape=(n, nv)))
    pi, ui = np.flatnonzero(paced), np.flatnonzero(~paced)
    A_eq = sp.vstack([sold, tight, spend[pi]]).tocsr()
    b_eq = np.r_[np.zeros(m + k), B[pi]]
    oi = np.flatnonzero(off)
    ko = oi.size
    ub_parts, b_ub = [], []
    if ko:
        ub_parts.append(sp.coo_matrix((np.r_[E.v[oi], -np.ones(ko)],
                                       (np.r_[np.arange(ko), np.arange(ko)], np.r_[oB + E.rows[oi], oP + E.cols[oi]])),
                                      shape=(ko, nv)))
        b_ub.append(np.zeros(ko))
    if ui.size:
        ub_parts.append(spend[ui])
        b_ub.append(B[ui])
    lo = np.zeros(nv)
    hi = np.full(nv, np.inf)
    hi[oB:] = 1.0
    lo[oB + ui] = 1.0
    res = linprog(np.zeros(nv), A_ub=sp.vstack(ub_parts).tocsr() if ub_parts else None,
                  b_ub=np.concatenate(b_ub) if b_ub else None, A_eq=A_eq, b_eq=b_eq,
                  bounds=np.c_[lo, hi], method="highs",
                  # Tight tolerances: the LP's point is the answer (prices ~ budgets / goods), not a start.
                  options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10})
    if res.status != 0:
        return None
    return np.maximum(res.x[:k], 0.0), np.maximum(res.x[oP:oB], 0.0), np.clip(res.x[oB:], 0.0, 1.0)


def _result(instance: MarketInstance, E: _Edges, support: np.ndarray, b: np.ndarray, beta: np.ndarray) -> MarketResult:
    """Market result from support spending and multipliers; prices are the top paced bids (first price)."""
    V = instance.scaled
    n, m = V.shape
    si = np.flatnonzero(support)
    # Price = top paced bid over the full matrix (equals the LP's price when nothing outbids it).
    P = _col_max_scaled(V, beta)
    x = np.zeros((n, m))
    with np.errstate(divide="ignore", invalid="ignore"):
        x[E.rows[si], E.cols[si]] = np.where(P[E.cols[si]] > 0, b / P[E.cols[si]], 0.0)
    spend = (x * P[None, :]).sum(axis=1)
    return MarketResult("pacing-fp", P / instance.supply, x, spend, pacing=beta.copy(),
                        solver="smoothed-dual-Newton+HiGHS")


@njit(cache=True)
def _outside_nb(V, a, band, cand, out):  # pragma: no cover - numba
    n, m = V.shape
    top = np.zeros(m)
    for i in range(n):
        for j in range(m):
            t = a[i] * V[i, j]
            if t > top[j]:
                top[j] = t
    cnt = 0
    for i in range(n):
        for j in range(m):
            if V[i, j] > 0.0 and not cand[i, j] and a[i] * V[i, j] >= (1.0 - band) * top[j]:
                out[i, j] = True
                cnt += 1
    return cnt


def _outside(V: np.ndarray, a: np.ndarray, band: float, cand: np.ndarray) -> np.ndarray:
    """Bids within ``band`` of their good's top bid that are not candidates yet (one pass, no temporaries)."""
    out = np.zeros(V.shape, dtype=bool)
    _outside_nb(np.ascontiguousarray(V), np.ascontiguousarray(a, dtype=float), float(band), cand, out)
    return out


@njit(cache=True)
def _col_max_scaled_nb(V, a, out):  # pragma: no cover - numba
    n, m = V.shape
    for j in range(m):
        out[j] = 0.0
    for i in range(n):
        ai = a[i]
        for j in range(m):
            t = ai * V[i, j]
            if t > out[j]:
                out[j] = t


def _col_max_scaled(V: np.ndarray, a: np.ndarray) -> np.ndarray:
    """``max_i a_i V_ij`` in one pass without an ``n x m`` temporary."""
    out = np.empty(V.shape[1])
    _col_max_scaled_nb(np.ascontiguousarray(V), np.ascontiguousarray(a, dtype=float), out)
    return out


def _rough_pacing(V: np.ndarray, B: np.ndarray, rounds: int) -> np.ndarray:
    """A rough pacing vector: ``rounds`` rounds of quasi-linear proportional response (pacing.py)."""
    from fairbid.markets.pacing import _prql_step

    Vc = np.ascontiguousarray(V)
    b = Vc * (0.5 * B / Vc.sum(axis=1))[:, None]
    d = 0.5 * B.copy()
    p = b.sum(axis=0)
    p_new = np.empty_like(p)
    for _ in range(rounds):
        _prql_step(Vc, b, d, p, B, p_new)
        p, p_new = p_new, p
    share = b / np.where(p > 0, p, 1.0)[None, :]         # goods nobody values have p = 0 and no bids
    u = (Vc * share).sum(axis=1) + d
    return np.minimum(1.0, B / u)


def fppe_large(instance: MarketInstance, *, tol: float = 1e-6, band: float = 0.02, pr_rounds: int = 30,
               tau_start: float = 1e-3, tau_end: float = 1e-10, finish_gap: float = 1e-9, rounds: int = 5,
               max_newton: int = 60, tau_factor: float = 3.1622776601683795, early_finish: float = 1.01e-6,
               space: str = "auto", time_limit: float | None = None) -> MarketResult:
    """First-price pacing equilibrium of a large market (smoothed dual Newton + exact LP finish).

    Parameters
    ----------
    tol : float
        Success when the checker's largest violation is at most ``tol`` (default 1e-6).
    band : float
        Candidate edges: bids within this relative distance of the good's top bid at the rough pacing
        vector (default 0.02); missing edges are added by column generation.
    pr_rounds : int
        Proportional-response rounds for the rough pacing vector (default 30).
    tau_start, tau_end : float
        Temperatures (relative bid tolerance in log space) of the first and last smoothing stage; each
        stage divides by ``tau_factor`` (defaults 1e-3 and 1e-10).
    finish_gap : float
        Bids within this relative gap of the top count as winners for the first LP finish; the finish
        then widens it (x100 at a time up to 1e-5) and tries spanning forests (default 1e-9).
    rounds : int
        Column-generation rounds per stage (default 5).
    max_newton : int
        Newton steps per smoothing stage (default 60).
    tau_factor : float
        Ratio of consecutive temperatures (default sqrt(10): fewer Newton steps in all than 10).
    early_finish : float
        From this temperature on, every stage ends with one LP finish on the bids within ``30 tau`` of
        the top; the first one the checker accepts ends the run (default 1e-6).
    space : {"auto", "pacing", "prices"}
        Newton variables: log-multipliers (``n x n`` system) or log-prices (``m x m`` system, the
        multipliers then follow exactly from the prices); ``"auto"`` takes the smaller side.
    time_limit : float or None
        Wall-clock seconds; on expiry the best answer so far is returned with status ``failed``.

    Returns
    -------
    MarketResult
        ``status`` is ``"ok"`` when the checker's violation is at most ``tol``.
    """
    from fairbid.markets.check import check_equilibrium

    tol = check_float("tol", tol, 0.0)
    band = check_float("band", band, 0.0, 1.0)
    pr_rounds = check_int("pr_rounds", pr_rounds, 0, 10**6)
    tau_start = check_float("tau_start", tau_start, 1e-14, 1.0)
    tau_end = check_float("tau_end", tau_end, 1e-14, tau_start)
    finish_gap = check_float("finish_gap", finish_gap, 0.0, 1.0)
    rounds = check_int("rounds", rounds, 1, 100)
    from fairbid.core.errors import check_choice

    check_choice("space", space, ("auto", "pacing", "prices"))
    tau_factor = check_float("tau_factor", tau_factor, 1.01, 1e6)
    max_newton = check_int("max_newton", max_newton, 1, 10**4)
    if time_limit is not None:
        time_limit = check_float("time_limit", time_limit, 0.0)
    t0 = time.perf_counter()
    deadline = t0 + (time_limit if time_limit is not None else 1e18)
    V, B = instance.scaled, instance.budgets.astype(float)
    n, m = V.shape
    alpha = _rough_pacing(V, B, pr_rounds) if pr_rounds else np.minimum(1.0, B / V.sum(axis=1))
    top = _col_max_scaled(V, alpha)
    rel = alpha[:, None] * V / np.where(top > 0, top, 1.0)[None, :]
    cand = (rel >= 1 - band) & (V > 0)
    # Every buyer gets at least her relatively best edge, so she can spend in the restricted market.
    cand[np.arange(n), rel.argmax(axis=1)] = True
    del rel
    y = np.log(alpha)
    H = np.empty((n, n)) if n <= DENSE_BUYERS else np.empty((1, 1))
    best: MarketResult | None = None
    newton = 0
    taus = []
    t = tau_start
    while t >= tau_end * (1 - 1e-9):
        taus.append(t)
        t /= tau_factor
    E = _Edges(V, cand)

    def finish(y: np.ndarray, thresholds: list[float], tau: float) -> MarketResult | None:
        """Exact LP on the support the point shows (bids within ``thr`` of the top), judged by the checker.

        Paced buyers: ``log beta < -1e-9``, and if that fails ``< -30 tau`` (in log-prices an unpaced
        buyer's multiplier is only within about ``tau`` of 1)."""
        found = None
        beta = np.exp(y)
        bid = beta[E.rows] * E.v
        topE = np.zeros(m)
        np.maximum.at(topE, E.cols, bid)
        gap = 1.0 - bid / topE[E.cols]
        tried: list[np.ndarray] = []
        for cut in sorted({1e-9, max(1e-9, 30 * tau)}):
            paced = y < -cut
            if any(np.array_equal(paced, p) for p in tried):
                continue                      # same classification: same LPs
            tried.append(paced)
            for thr in thresholds:
                support = gap <= thr
                for forest in (False, True):
                    sup = _forest(E, support, gap, n) if forest else support
                    if forest and sup.sum() == support.sum():
                        break                 # the support was a forest already: nothing new to try
                    got = _support_lp(E, sup, B, paced, m, ~sup & (gap <= 1e-3))
                    if got is None:
                        continue
                    b, P, bt = got
                    res = _result(instance, E, sup, b, bt)
                    d = check_equilibrium("pacing-fp", instance, res)
                    res.violation, res.details = d["max"], d
                    if found is None or res.violation < found.violation:
                        found = res
                    break
                if found is not None and found.violation <= tol or time.perf_counter() > deadline:
                    return found
        return found

    prices = space == "prices" or (space == "auto" and m < n)
    if prices:
        # Fewer goods than buyers: Newton in log-prices (an m x m system), pacing recovered exactly.
        q = np.log(np.maximum(_col_max_scaled(V, np.exp(y)), 1e-300))
        H = np.empty((m, m))
    for tau in taus:
        # Gradient entries have rounding noise of about eps * |y| * (price / tau): ask no more than that.
        gtol = float(B.max()) * (1e-12 + 1e-15 / tau)
        for _ in range(rounds):
            if prices:
                q, s = _price_stage(cand, V, q, B, tau, gtol, max_newton, H, deadline)
                y = _pacing_from_prices(cand, V, q)
            else:
                y, s = _newton_stage(E, y, B, tau, gtol, max_newton, H, deadline)
            newton += s
            # Column generation: bids outside the candidates that come within ``band`` of the top.
            new = _outside(V, np.exp(y), band, cand)
            if not new.any():
                break
            cand |= new
            E = _Edges(V, cand)
        if tau <= early_finish and tau > taus[-1] * 1.5:
            # Often the support is already clear well before the last stage: one cheap LP try.
            got = finish(y, [30 * tau], tau)
            if got is not None and (best is None or got.violation < best.violation):
                best = got
            if best is not None and best.violation <= tol:
                break
        if time.perf_counter() > deadline:
            break
    if best is None or best.violation > tol:
        gaps = [finish_gap * 100**q for q in range(8) if finish_gap * 100**q <= 1e-5] or [finish_gap]
        got = finish(y, gaps, taus[-1])
        if got is not None and (best is None or got.violation < best.violation):
            best = got
    if best is None:
        # No finish succeeded: report the smoothed point honestly as failed.
        beta = np.exp(y)
        P = _col_max_scaled(V, beta)
        E = _Edges(V, cand)
        g = np.empty(n)
        soft = np.empty(E.rows.size)
        _smooth_eval(y, E.rows, E.starts, E.lv, taus[-1], B, False, H, g, soft)
        x = np.zeros((n, m))
        x[E.rows, E.cols] = soft / np.maximum(P[E.cols], 1e-300)
        best = MarketResult("pacing-fp", P / instance.supply, x, (x * P[None, :]).sum(axis=1), pacing=beta,
                            solver="smoothed-dual-Newton")
        d = check_equilibrium("pacing-fp", instance, best)
        best.violation, best.details = d["max"], d
    best.iterations = newton
    best.seconds = time.perf_counter() - t0
    best.status = "ok" if best.violation <= tol else f"failed: violation {best.violation:.3g} > tol {tol:g}"
    return best


def _forest(E: _Edges, support: np.ndarray, gap: np.ndarray, n: int) -> np.ndarray:
    """Maximum spanning forest of the support graph, heaviest = closest to the top bid (Kruskal, scipy).

    Generic FPPE supports are forests; an approximate point can show extra near-ties that close cycles
    and make the LP's equality system overdetermined.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import minimum_spanning_tree

    si = np.flatnonzero(support)
    m = int(E.cols.max()) + 1 if E.cols.size else 0
    w = 1.0 + gap[si] * 1e6            # positive weights (scipy drops zeros); smaller gap = preferred
    g = coo_matrix((w, (E.rows[si], n + E.cols[si])), shape=(n + m, n + m)).tocsr()
    t = minimum_spanning_tree(g).tocoo()
    a, b = np.minimum(t.row, t.col), np.maximum(t.row, t.col)
    key = set(zip(a.tolist(), (b - n).tolist()))
    out = np.zeros_like(support)
    out[si] = [(int(i), int(j)) in key for i, j in zip(E.rows[si], E.cols[si])]
    return out
