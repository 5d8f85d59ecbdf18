"""Second-price pacing equilibria on small and medium markets: a smoothed Newton continuation from
pacing dynamics, an exact LP on the structure it reaches, and MIPs when that fails.

A second-price pacing equilibrium (SPPE; Conitzer, Kroer, Sodomka, Stier-Moses, *Multiplicative Pacing
Equilibria in Auction Markets*, OR 2022) always exists but is PPAD-hard to find (Chen, Kroer, Kumar
2021), so no method is complete. Every answer here is judged by :func:`fairbid.markets.check_equilibrium`
and the result says ``failed`` when no verified equilibrium was found in the time limit.

1. **Smoothing.** Good ``j`` goes to bidder ``i`` with weight ``softmax_i((log alpha_i + log v_ij) / tau)``
   and she pays the highest *other* bid (the second price when she is on top): a smooth spend
   ``spend_tau(alpha)``. A smoothed equilibrium solves ``min(-log alpha_i, (B_i - spend_i) / B_i) = 0``
   (paced buyers spend their budget, unpaced ones have ``alpha_i = 1`` and spend at most it).
2. **Continuation.** Budget-pacing dynamics at ``tau = 1e-2`` give a start; semismooth Newton (analytic
   Jacobian, steps capped at ``10 tau``) then follows the smoothed equilibrium while ``tau`` falls to
   ``1e-9``, with an adaptive step (a step Newton cannot finish is retried shorter). Random starts
   ``U[0.3, 1]`` from ``seed`` follow ``alpha = 1``.
3. **Exact finish.** From ``tau <= 1e-4`` on, the point fixes a *structure*: for every good the set of
   (near-)tied top bidders and, when the top is unique, the price setter; and which buyers are paced.
   On a fixed structure the SPPE conditions are linear in ``(alpha, p, s)`` with ``s_ij`` the money
   ``i`` spends on ``j`` (one LP, scipy/HiGHS): a sole winner pays ``p_j = alpha_k v_kj`` of the price
   setter ``k`` and bids at least that, tied winners all bid ``p_j`` and split ``sum_i s_ij = p_j``, every
   other bid is at most ``p_j``, paced buyers spend ``B_i`` and unpaced ones (``alpha_i = 1``) at most
   ``B_i``. Any feasible point is an exact SPPE.
4. **MIPs.** If no start gives a verified equilibrium: the MIP restricted to the ambiguous goods around
   the closest points (:func:`_local_mip`), then the full MIP
   (:func:`fairbid.markets.pacing.pacing_sp_mip`, markets up to :data:`FULL_MIP_CELLS` cells).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from numba import njit

from fairbid.core.errors import check_float, check_int
from fairbid.markets.instance import MarketInstance
from fairbid.markets.result import MarketResult

#: The full MIP is the last resort only up to this many buyer-good cells: HiGHS seldom finds a point
#: beyond a few dozen cells (6 x 10 random markets: 0 of 5 in 20 s), and building it grows as n * m.
FULL_MIP_CELLS = 200

#: First and last temperature of the Newton path (relative bid tolerance).
TAU_START, TAU_END = 1e-2, 1e-9

#: Tie tolerances of the structure LP (relative to the good's top bid), tried in this order.
THETAS = (1e-9, 1e-7, 1e-5, 1e-4, 1e-3, 1e-2)


@njit(cache=True)
def _spend_nb(logVT, y, tau, out):  # pragma: no cover - numba
    """Smoothed spend only (the line searches' and dynamics' hot loop); ``logVT`` is goods x buyers."""
    m, n = logVT.shape
    for i in range(n):
        out[i] = 0.0
    w = np.empty(n)
    for j in range(m):
        mx = -np.inf
        b1 = -np.inf
        b2 = -np.inf
        i1 = -1
        for i in range(n):
            lb = y[i] + logVT[j, i]
            if lb > mx:
                mx = lb
            if lb > b1:
                b2 = b1
                b1 = lb
                i1 = i
            elif lb > b2:
                b2 = lb
        if i1 < 0 or mx == -np.inf:
            continue
        z = 0.0
        for i in range(n):
            lb = y[i] + logVT[j, i]
            r = (lb - mx) / tau
            wi = np.exp(r) if r > -745.0 else 0.0
            w[i] = wi
            z += wi
        top = np.exp(b1)
        sec = np.exp(b2) if b2 > -np.inf else 0.0
        for i in range(n):
            if w[i] > 0.0:
                out[i] += w[i] / z * (sec if i == i1 else top)


def _soft(V: np.ndarray, logV: np.ndarray, y: np.ndarray, tau: float,
          jac: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """Smoothed spend of every buyer at log-multipliers ``y`` and its Jacobian ``d spend / d y``.

    Good ``j`` goes to bidder ``i`` with weight ``w_ij = softmax_i((y_i + log v_ij) / tau)`` (a
    temperature on log-bids, so ``tau`` is a relative bid tolerance) and she pays the highest *other* bid
    ``o_ij`` (the second price when she is on top). ``spend_i = sum_j w_ij o_ij``;
    ``J_ik = sum_j w_ij o_ij (delta_ik - w_kj) / tau + sum_j w_ij o_ij [k sets i's price on j]``.
    """
    n, m = V.shape
    if not jac:
        out = np.empty(n)
        _spend_nb(np.ascontiguousarray(logV.T), np.ascontiguousarray(y, dtype=float), float(tau), out)
        return out, None
    lb = y[:, None] + logV                               # -inf where v_ij = 0
    mx = lb.max(axis=0)
    w = np.exp(np.maximum((lb - mx[None, :]) / tau, -745.0)) * (V > 0)
    w /= np.maximum(w.sum(axis=0, keepdims=True), 1e-300)
    bids = np.exp(lb)
    cols = np.arange(m)
    if n == 1:
        return np.zeros(1), (np.zeros((1, 1)) if jac else None)
    order = np.argpartition(-bids, 1, axis=0)[:2]
    t1, t2 = order[0], order[1]
    swap = bids[t2, cols] > bids[t1, cols]
    t1, t2 = np.where(swap, t2, t1), np.where(swap, t1, t2)
    O = np.broadcast_to(bids[t1, cols], (n, m)).copy()
    O[t1, cols] = bids[t2, cols]
    WO = w * O
    spend = WO.sum(axis=1)
    if not jac:
        return spend, None
    J = -(WO @ w.T) / tau
    J[np.diag_indices(n)] += spend / tau
    K = np.broadcast_to(t1, (n, m)).copy()               # who sets i's price on j
    K[t1, cols] = t2
    np.add.at(J, (np.repeat(np.arange(n), m), K.ravel()), WO.ravel())
    return spend, J


def _dynamics(V: np.ndarray, logV: np.ndarray, B: np.ndarray, y: np.ndarray, eta: float, iters: int,
              tau: float = 1e-2) -> np.ndarray:
    """Smoothed budget-pacing updates ``y_i += eta tau log(B_i / spend_i)`` at one temperature (a warm
    start for the Newton path): a share moves by O(1) when a log-bid moves by ``tau``, so larger steps
    only make near-tied bidders take turns."""
    for _ in range(iters):
        spend, _ = _soft(V, logV, y, tau, jac=False)
        lr = np.log(np.where(spend > 0, B / np.maximum(spend, 1e-300), 2.0))
        new = np.clip(y + np.clip(eta * tau * lr, -0.2, 0.2), np.log(1e-9), 0.0)
        moved = float(np.abs(new - y).max())
        y = new
        if moved < 1e-3 * tau:
            break
    return y


def _newton_stage(V: np.ndarray, logV: np.ndarray, B: np.ndarray, y: np.ndarray, tau: float,
                  max_newton: int) -> tuple[np.ndarray, float]:
    """Semismooth Newton on ``Phi(y) = min(-y, (B - spend_tau(y)) / B) = 0`` (paced buyers spend their
    budget, unpaced ones have ``y = 0`` and spend at most it), with steps capped at ``10 tau`` and a
    backtracking search on ``max |Phi|``. Returns the point and its residual."""
    n = y.size
    eye = np.eye(n)
    # Residuals below rounding noise (eps |y| / tau relative spend change) are not asked for.
    floor = 1e-13 + 1e-15 / tau
    nrm = np.inf
    for _ in range(max_newton):
        s, J = _soft(V, logV, y, tau)
        a, b = -y, (B - s) / B
        phi = np.minimum(a, b)
        nrm = float(np.abs(phi).max())
        if nrm <= floor:
            break
        Jp = np.where((a < b)[:, None], -eye, -J / B[:, None])
        try:
            d = np.linalg.solve(Jp, -phi)
        except np.linalg.LinAlgError:
            d = np.linalg.lstsq(Jp, -phi, rcond=None)[0]
        if not np.isfinite(d).all():
            break
        big = float(np.abs(d).max())
        if big > 10 * tau:
            d *= 10 * tau / big
        t = 1.0
        while True:
            yn = np.minimum(y + t * d, 0.0)
            sn, _ = _soft(V, logV, yn, tau, jac=False)
            if np.abs(np.minimum(-yn, (B - sn) / B)).max() < (1 - 1e-4 * t) * nrm or t < 1e-6:
                break
            t *= 0.5
        y = yn
    return y, nrm


def _phi_full(V: np.ndarray, logV: np.ndarray, B: np.ndarray, y: np.ndarray,
              s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``Phi(y, s)`` with ``tau = e^s`` and its Jacobians in ``y`` (n x n) and in ``s`` (n).

    ``d w_ij / d s = -(w_ij / tau) (l_ij - sum_k w_kj l_kj)`` for the log-bids ``l``; the prices paid do not
    depend on ``tau``.
    """
    tau = float(np.exp(s))
    n = y.size
    spend, J = _soft(V, logV, y, tau)
    lb = y[:, None] + logV
    mx = lb.max(axis=0)
    w = np.exp(np.maximum((lb - mx[None, :]) / tau, -745.0)) * (V > 0)
    w /= np.maximum(w.sum(axis=0, keepdims=True), 1e-300)
    lf = np.where(V > 0, lb - mx[None, :], 0.0)
    dev = lf - (w * lf).sum(axis=0, keepdims=True)
    bids = np.exp(lb)
    cols = np.arange(V.shape[1])
    order = np.argsort(-bids, axis=0, kind="stable")
    O = np.broadcast_to(bids[order[0], cols], bids.shape).copy()
    O[order[0], cols] = bids[order[1], cols] if n > 1 else 0.0
    ds_spend = (O * (-(w / tau) * dev)).sum(axis=1)
    a, b = -y, (B - spend) / B
    use_a = a < b
    phi = np.where(use_a, a, b)
    Jy = np.where(use_a[:, None], -np.eye(n), -J / B[:, None])
    Js = np.where(use_a, 0.0, -ds_spend / B)
    return phi, Jy, Js


def _arclength(V: np.ndarray, logV: np.ndarray, B: np.ndarray, y: np.ndarray, tau: float, y_prev: np.ndarray,
               tau_prev: float, deadline: float, max_steps: int = 400) -> tuple[np.ndarray, float] | None:
    """Follow the smoothed-equilibrium path through a fold (pseudo-arclength continuation).

    Where the path turns back in ``tau`` (plain continuation stalls), the unknowns become ``(y, s)`` with
    ``s = log tau`` and the path is followed by its tangent (the null vector of ``[Phi_y | Phi_s]``, in the
    metric ``|dy| / tau + |ds|`` because shares change over ``tau`` in log-bids), a predictor step and a
    Newton corrector on ``Phi = 0`` plus the arclength condition (Keller 1977). Oriented by the secant from
    the previous point; returns once ``tau`` is a factor 3 below the fold, or None.
    """
    s_fold = float(np.log(tau))
    z = np.r_[y, s_fold]
    prev = np.r_[y_prev, np.log(tau_prev)]
    n = y.size
    h = 0.3

    def metric(t_s: float) -> np.ndarray:
        return np.r_[np.full(n, 1.0 / np.exp(t_s)), 1.0]

    direction = (z - prev) * metric(s_fold)
    for _ in range(max_steps):
        if time.perf_counter() > deadline:
            return None
        _, Jy, Js = _phi_full(V, logV, B, z[:n], z[n])
        D = metric(z[n])
        A = np.c_[Jy, Js] / D[None, :]            # Jacobian in scaled coordinates
        try:
            t = np.linalg.svd(A)[2][-1]
        except np.linalg.LinAlgError:
            return None
        if t @ direction < 0:
            t = -t
        while h > 1e-7:
            zp = z + h * t / D
            zc = zp.copy()
            ok = False
            for _ in range(12):
                ph, Jy2, Js2 = _phi_full(V, logV, B, zc[:n], zc[n])
                r = np.r_[ph, (t * D) @ (zc - zp)]
                if np.abs(ph).max() <= 1e-11 + 1e-15 / np.exp(zc[n]):
                    ok = True
                    break
                M = np.r_[np.c_[Jy2, Js2], (t * D)[None, :]]
                try:
                    dz = np.linalg.solve(M, -r)
                except np.linalg.LinAlgError:
                    break
                if not np.isfinite(dz).all():
                    break
                zc = zc + dz
                zc[:n] = np.minimum(zc[:n], 0.0)
                if zc[n] > 0.0:                   # tau above 1: the path left the useful range
                    break
            if ok and np.abs((zc - z) * D).max() <= 3 * h + 1e-12:
                break
            h *= 0.5
        else:
            return None
        direction = (zc - z) * D
        z = zc
        h = min(h * 1.5, 1.0)
        if z[n] < s_fold - np.log(3.0):
            return z[:n], float(np.exp(z[n]))
    return None


def _structure_lp(V: np.ndarray, B: np.ndarray, alpha: np.ndarray, theta: float,
                  unpaced_eps: float) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Exact SPPE on the structure of ``alpha`` (see the module docstring); ``(alpha, p, x)`` or None.

    Winners of good ``j``: bids within ``theta`` (relative) of its top bid; a sole winner's price setter
    is the highest other bidder; buyers with ``alpha_i >= 1 - unpaced_eps`` are unpaced.
    """
    import scipy.sparse as sp
    from scipy.optimize import linprog

    n, m = V.shape
    bids = alpha[:, None] * V
    top = bids.max(axis=0)
    near = (bids >= top[None, :] * (1 - theta)) & (V > 0)
    paced = alpha < 1 - unpaced_eps
    wj, wi = np.nonzero(near.T)               # winner edges sorted by good
    k = wi.size
    oP, oS = n, n + m                          # variables: alpha (n) | p (m) | s (k)
    nv = n + m + k
    cnt = near.sum(axis=0)
    others = ~near & (V > 0)
    has_other = others.any(axis=0)
    single = cnt == 1
    jj = np.arange(m)
    setter = np.where(others, bids, -1.0).argmax(axis=0)          # highest bidder outside the winners
    sole = np.zeros(m, dtype=np.int64)
    sole[wj[single[wj]]] = wi[single[wj]]
    edge = np.arange(k)
    # (1) money: sum of winner spends = price (a sole winner: s = p)
    eq_money = (np.r_[wj, jj], np.r_[oS + edge, oP + jj], np.r_[np.ones(k), -np.ones(m)])   # row = good
    rows, cols, vals = [eq_money[0]], [eq_money[1]], [eq_money[2]]
    nr = m
    # (2) tied winners all bid the price
    multi_e = edge[cnt[wj] >= 2]
    q = multi_e.size
    rows += [nr + np.arange(q)] * 2
    cols += [oP + wj[multi_e], wi[multi_e]]
    vals += [np.ones(q), -V[wi[multi_e], wj[multi_e]]]
    nr += q
    # (3) a sole winner's price is the setter's bid (or 0 when nobody else bids)
    sj = jj[single & has_other]
    rows += [nr + np.arange(sj.size)] * 2
    cols += [oP + sj, setter[sj]]
    vals += [np.ones(sj.size), -V[setter[sj], sj]]
    nr += sj.size
    zj = jj[(single & ~has_other) | (cnt == 0)]
    rows.append(nr + np.arange(zj.size))
    cols.append(oP + zj)
    vals.append(np.ones(zj.size))
    nr += zj.size
    # (4) paced buyers spend exactly their budget
    pi = np.flatnonzero(paced)
    if np.setdiff1d(pi, wi).size:
        return None                            # a paced buyer who wins nothing cannot spend B_i
    pe = edge[paced[wi]]
    row_of = np.full(n, -1)
    row_of[pi] = nr + np.arange(pi.size)
    rows.append(row_of[wi[pe]])
    cols.append(oS + pe)
    vals.append(np.ones(pe.size))
    nr += pi.size
    A_eq = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(nr, nv))
    b_eq = np.r_[np.zeros(nr - pi.size), B[pi]]
    # Inequalities: every other bid at most the price (the setter's is equal by (3)); a sole winner bids
    # at least it; unpaced buyers spend at most their budget.
    oth = others.copy()
    oth[setter[sj], sj] = False
    ol, oj = np.nonzero(oth)
    rows, cols, vals = [np.arange(ol.size)] * 2, [ol, oP + oj], [V[ol, oj], -np.ones(ol.size)]
    nu = ol.size
    rows += [nu + np.arange(sj.size)] * 2
    cols += [oP + sj, sole[sj]]
    vals += [np.ones(sj.size), -V[sole[sj], sj]]
    nu += sj.size
    ui = np.flatnonzero(~paced)
    ue = edge[~paced[wi]]
    row_u = np.full(n, -1)
    row_u[ui] = nu + np.arange(ui.size)
    rows.append(row_u[wi[ue]])
    cols.append(oS + ue)
    vals.append(np.ones(ue.size))
    nu += ui.size
    A_ub = sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(nu, nv))
    b_ub = np.r_[np.zeros(nu - ui.size), B[ui]]
    lo = np.zeros(nv)
    hi = np.full(nv, np.inf)
    hi[:n] = 1.0
    lo[:n] = np.where(paced, 0.0, 1.0)
    res = linprog(np.zeros(nv), A_ub=A_ub if nu else None, b_ub=b_ub if nu else None, A_eq=A_eq, b_eq=b_eq,
                  bounds=np.c_[lo, hi], method="highs",
                  options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10})
    if res.status != 0:
        return None
    a = np.clip(res.x[:n], 0.0, 1.0)
    p = np.maximum(res.x[oP:oS], 0.0)
    s = np.maximum(res.x[oS:], 0.0)
    x = np.zeros((n, m))
    x[wi, wj] = np.where(p[wj] > 0, s / np.where(p[wj] > 0, p[wj], 1.0), 0.0)
    free = p <= 0                               # zero price: give the good to a top bidder (changes no spend)
    if free.any():
        x[:, free] = 0.0
        x[(a[:, None] * V)[:, free].argmax(axis=0), np.flatnonzero(free)] = 1.0
    x /= np.maximum(x.sum(axis=0, keepdims=True), 1e-300)
    return a, p, x


def _local_mip(V: np.ndarray, B: np.ndarray, alpha: np.ndarray, width: float,
               time_limit: float) -> np.ndarray | None:
    """The SPPE MIP restricted to the neighbourhood of ``alpha`` (scipy.optimize.milp / HiGHS).

    For each good, the candidates ``C_j`` are the bidders within ``width`` (relative) of the second
    highest bid at ``alpha``; everyone else must bid at most the price (a linear constraint). Binaries
    exist only on candidate edges: ``w`` (top bidder), ``z`` (designated winner, excluded from the price),
    ``r`` (price setter), plus ``y_i`` (paced). Goods where the top and the second bid are both more than
    ``width`` clear of the next have their binaries fixed to that order, so HiGHS only searches the
    ambiguous goods. Big-M per good is the largest candidate value (bids are at most values).
    Returns the multipliers of a feasible point (the exact answer is then re-derived by the structure
    LP), or None.
    """
    import scipy.sparse as sp
    from scipy.optimize import Bounds, LinearConstraint, milp

    n, m = V.shape
    bids = alpha[:, None] * V
    order = np.argsort(-bids, axis=0, kind="stable")
    sb = np.take_along_axis(bids, order, axis=0)
    second = sb[1] if n > 1 else np.zeros(m)
    cand = (bids >= second[None, :] * (1 - width)) & (V > 0)
    ci, cj = np.nonzero(cand.T)            # sorted by good: cj = buyer, ci = good
    gi, bi = ci, cj
    k = gi.size
    # variable blocks: alpha n | p m | h m | s k | w k | z k | r k | y n
    oA, oP, oH, oS = 0, n, n + m, n + 2 * m
    oW, oZ, oR = oS + k, oS + 2 * k, oS + 3 * k
    oY = oS + 4 * k
    nv = oY + n
    R, C, D, lo, hi = [], [], [], [], []
    row = [0]

    def add(cols, vals, low, up):
        R.extend([row[0]] * len(cols))
        C.extend(cols)
        D.extend(vals)
        lo.append(low)
        hi.append(up)
        row[0] += 1

    inf = np.inf
    lb = np.zeros(nv)
    ub = np.full(nv, inf)
    ub[oA:oA + n] = 1.0
    ub[oW:oY + n] = 1.0
    starts = np.searchsorted(gi, np.arange(m + 1))
    for j in range(m):
        es = np.arange(starts[j], starts[j + 1])
        if es.size == 0:
            continue
        if es.size == 1:
            # a single candidate means no second bid: price 0, she takes it for free
            lb[oP + j] = ub[oP + j] = 0.0
            e = int(es[0])
            lb[oW + e] = lb[oZ + e] = 1.0
            ub[oS + e] = 0.0
            ub[oR + e] = 0.0
            add([oH + j, oA + int(bi[e])], [1.0, -V[bi[e], j]], 0.0, inf)
            continue
        M = float(V[bi[es], j].max())
        for e in es:
            i = int(bi[e])
            v = float(V[i, j])
            add([oH + j, oA + i], [1.0, -v], 0.0, inf)                          # h >= bid
            add([oH + j, oA + i, oW + e], [1.0, -v, M], -inf, M)                # w -> h <= bid
            add([oZ + e, oW + e], [1.0, -1.0], -inf, 0.0)                       # z <= w
            add([oP + j, oA + i, oZ + e], [1.0, -v, M], 0.0, inf)               # p >= bid unless z
            add([oP + j, oA + i, oR + e], [1.0, -v, M], -inf, M)                # r -> p <= bid
            add([oR + e, oZ + e], [1.0, 1.0], -inf, 1.0)                        # r + z <= 1
            add([oS + e, oW + e], [1.0, -M], -inf, 0.0)                         # s only by top bidders
        add([oZ + int(e) for e in es], [1.0] * es.size, 1.0, 1.0)
        add([oR + int(e) for e in es], [1.0] * es.size, 1.0, 1.0)
        add([oS + int(e) for e in es] + [oP + j], [1.0] * es.size + [-1.0], 0.0, 0.0)
        for l in np.flatnonzero(~cand[:, j] & (V[:, j] > 0)):
            add([oP + j, oA + int(l)], [1.0, -V[l, j]], 0.0, inf)               # others below the price
        # Clear goods: the order at alpha is kept (binaries fixed); HiGHS presolve removes them.
        if n > 2 and sb[0, j] > sb[1, j] * (1 + width) and sb[1, j] > sb[2, j] * (1 + width) and es.size == 2:
            top_i, sec_i = int(order[0, j]), int(order[1, j])
            for e in es:
                i = int(bi[e])
                w = 1.0 if i == top_i else 0.0
                lb[oW + e] = ub[oW + e] = w
                lb[oZ + e] = ub[oZ + e] = w
                r = 1.0 if i == sec_i else 0.0
                lb[oR + e] = ub[oR + e] = r
    for i in range(n):
        es = np.flatnonzero(bi == i)
        cols = [oS + int(e) for e in es]
        add(cols, [1.0] * len(cols), -inf, float(B[i]))                          # no overspending
        add(cols + [oY + i], [1.0] * len(cols) + [-float(B[i])], 0.0, inf)       # paced -> spends B_i
        add([oA + i, oY + i], [1.0, 1.0], 1.0, inf)                               # unpaced -> alpha = 1
    A = sp.csr_matrix((D, (R, C)), shape=(row[0], nv))
    integrality = np.zeros(nv)
    integrality[oW:oY + n] = 1
    res = milp(np.zeros(nv), constraints=LinearConstraint(A, np.array(lo), np.array(hi)),
               integrality=integrality, bounds=Bounds(lb, ub),
               options={"time_limit": max(0.05, float(time_limit)), "disp": False})
    if res.x is None:
        return None
    return np.clip(res.x[oA:oA + n], 0.0, 1.0)


def _as_result(instance: MarketInstance, alpha: np.ndarray, x: np.ndarray, solver: str) -> MarketResult:
    from fairbid.markets.check import check_equilibrium

    V = instance.scaled
    bids = alpha[:, None] * V
    P = np.sort(bids, axis=0)[-2] if V.shape[0] > 1 else np.zeros(V.shape[1])
    r = MarketResult("pacing-sp", P / instance.supply, x, (x * P[None, :]).sum(axis=1), pacing=alpha.copy(),
                     solver=solver)
    d = check_equilibrium("pacing-sp", instance, r)
    r.violation, r.details = d["max"], d
    return r


def pacing_sp_hybrid(instance: MarketInstance, *, tol: float = 1e-6, restarts: int = 200, eta: float = 3.0,
                     iters: int = 300, max_newton: int = 30, max_folds: int = 5, seed: Any = 0, time_limit: float = 60.0, mip: bool = True,
                     local_widths: tuple[float, ...] = (1e-2, 1e-1), local_time: float = 10.0,
                     phase1: float = 0.5) -> MarketResult:
    """Second-price pacing equilibrium: Newton continuation + exact structure LP, MIPs as the last resort
    (see the module docstring).

    Parameters
    ----------
    tol : float
        A result is ``ok`` only when the checker's largest violation is at most ``tol`` (default 1e-6).
    restarts : int
        Most dynamics starts: ``alpha = 1`` first, then random ``U[0.3, 1]`` starts from ``seed``
        (default 200; they stop at ``phase1 * time_limit``).
    eta : float
        Pacing update ``log alpha_i += eta * tau * log(B_i / spend_i)`` at temperature ``tau``
        (default 3, the best of 1, 3, 10 on random 20 x 50 markets).
    iters : int
        Rounds of the warm-start dynamics at ``tau = 1e-2`` (default 300).
    max_newton : int
        Newton steps per continuation step (default 30).
    max_folds : int
        Folds of the path followed by arclength continuation per start (default 5).
    seed : int, SeedSequence or Generator
        Random starts.
    time_limit : float
        Seconds for everything; the MIP gets what the dynamics left (default 60).
    local_widths : tuple of float
        Candidate widths of the local MIP (:func:`_local_mip`) tried after each start whose structure
        LP fails (defaults 1e-2 then 1e-1).
    local_time : float
        Seconds per local MIP (default 10).
    phase1 : float
        Share of ``time_limit`` for the cheap starts before the local MIP (default 0.5).
    mip : bool
        Hand markets up to :data:`FULL_MIP_CELLS` cells to :func:`fairbid.markets.pacing.pacing_sp_mip`
        when everything else failed (default True).

    Returns
    -------
    MarketResult
        ``status`` ``"ok"`` (checker violation <= ``tol``) or ``"failed: ..."`` with the best point found.
    """
    from fairbid.core.rng import as_generator

    tol = check_float("tol", tol, 0.0)
    restarts = check_int("restarts", restarts, 1, 10_000)
    eta = check_float("eta", eta, 0.0, 5.0)
    iters = check_int("iters", iters, 1, 10**6)
    max_newton = check_int("max_newton", max_newton, 1, 10**4)
    max_folds = check_int("max_folds", max_folds, 0, 10**4)
    phase1 = check_float("phase1", phase1, 0.0, 1.0)
    local_time = check_float("local_time", local_time, 0.0)
    time_limit = check_float("time_limit", time_limit, 0.0)
    rng = as_generator(seed)
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    V, B = instance.scaled, instance.budgets.astype(float)
    n, m = V.shape
    best: MarketResult | None = None
    tried = 0
    scale = float(V.max())

    def finish(alpha: np.ndarray, how: str, thetas: tuple[float, ...] = THETAS) -> MarketResult | None:
        out = None
        for unpaced_eps in (1e-9, 1e-4):
            for theta in thetas:
                got = _structure_lp(V, B, alpha, theta, unpaced_eps)
                if got is None:
                    continue
                r = _as_result(instance, got[0], got[2], how)
                if out is None or r.violation < out.violation:
                    out = r
                if r.violation <= tol:
                    return out
        return out

    # Phase 1: starts (dynamics at tau = 1e-2, then the Newton path with an exact finish at every
    # temperature from 1e-4 on). Phase 2: the local MIP around the closest points.
    logV = np.log(np.where(V > 0, V, 1.0))
    logV[V <= 0] = -np.inf
    near: list[tuple[float, np.ndarray]] = []
    phase1_end = t0 + phase1 * time_limit
    for start in range(restarts):
        if time.perf_counter() > phase1_end and start > 0:
            break
        tried += 1
        y = np.zeros(n) if start == 0 else np.log(rng.uniform(0.3, 1.0, n))
        y = _dynamics(V, logV, B, y, eta, iters)
        start_best: MarketResult | None = None
        # Adaptive continuation in tau: a step that Newton cannot finish is retried shorter (the
        # smoothed equilibrium moves fast near changes of the tie structure).
        tau, f = TAU_START, 3.0
        y, _ = _newton_stage(V, logV, B, y, tau, max_newton)
        y_prev, tau_prev, folds = y, tau, 0
        while tau > TAU_END and time.perf_counter() < deadline:
            if f <= 1.001:
                # The path turns back in tau (a fold): follow it by arclength, then go on.
                got_fold = _arclength(V, logV, B, y, tau, y_prev, tau_prev, deadline) if folds < max_folds else None
                folds += 1
                if got_fold is None:
                    break
                y_prev, tau_prev = y, tau
                y, tau = got_fold
                f = 3.0
            else:
                y2, res_norm = _newton_stage(V, logV, B, y, tau / f, max_newton)
                if res_norm > 1e-9 + 1e-14 * f / tau:
                    f = f ** 0.5
                    continue
                y_prev, tau_prev = y, tau
                tau, y, f = tau / f, y2, min(f * 1.5, 10.0)
            if tau > 1e-4:
                continue
            r = finish(np.exp(y), "pacing-Newton-path+structure-LP(HiGHS)", (30 * tau, 1000 * tau))
            if r is not None and (start_best is None or r.violation < start_best.violation):
                start_best = r
            if start_best is not None and start_best.violation <= tol:
                break
        alpha = np.exp(y)
        if start_best is None:
            bids = alpha[:, None] * V
            x = (bids >= bids.max(axis=0, keepdims=True)) * 1.0
            x /= np.maximum(x.sum(axis=0, keepdims=True), 1e-300)
            start_best = _as_result(instance, alpha, x, "pacing-Newton-path")
        near.append((start_best.violation, alpha))
        if best is None or start_best.violation < best.violation:
            best = start_best
        if best.violation <= tol:
            break
    near.sort(key=lambda t: t[0])
    for _, alpha in near[:3]:
        if best.violation <= tol:
            break
        for width in local_widths:
            left = deadline - time.perf_counter()
            if left <= 0:
                break
            a2 = _local_mip(V / scale, B / scale, alpha, width, min(left, local_time))
            if a2 is None:
                continue
            r = finish(a2, "pacing-dynamics+local-MIP+structure-LP(HiGHS)")
            if r is not None and r.violation < best.violation:
                best = r
            if best.violation <= tol:
                break
    assert best is not None
    if best.violation > tol and mip and n * m <= FULL_MIP_CELLS and time.perf_counter() < deadline:
        from fairbid.markets.pacing import pacing_sp_mip

        r = pacing_sp_mip(instance, time_limit=max(0.1, deadline - time.perf_counter()))
        if r.violation > tol and np.isfinite(r.violation):
            # MIP tolerances: re-derive the exact point on the structure the MIP found.
            r = finish(r.pacing, "milp:HiGHS+structure-LP(HiGHS)") or r
        if r.violation < best.violation:
            r.solver = "pacing-dynamics failed -> " + r.solver
            best = r
    best.seconds = time.perf_counter() - t0
    best.iterations = tried
    best.status = "ok" if best.violation <= tol else \
        f"failed: no verified equilibrium in {time_limit:g} s (best violation {best.violation:.3g}, {tried} starts)"
    return best
