"""Linear Fisher market: Eisenberg-Gale convex program and proportional-response dynamics.

Buyer ``i`` has budget ``B_i`` and linear utility ``u_i(x) = sum_j v_ij s_j x_ij``. An equilibrium is
prices ``p`` and an allocation where every buyer spends her budget on maximum bang-per-buck goods and
every good is sold. Eisenberg and Gale (1959): the equilibrium allocation maximizes
``sum_i B_i log u_i`` over feasible allocations; the prices are the duals of the supply constraints.

Proportional response (Wu and Zhang 2007; Zhang 2011; Birnbaum, Devanur, Xiao 2011): each buyer
re-splits her budget in proportion to the utility each good gave her last round,
``b_ij <- B_i v_ij x_ij / u_i``, prices ``p_j = sum_i b_ij``, ``x_ij = b_ij / p_j``. Budgets are always
spent and goods always sold, so only the optimal-bundle condition is approached (the money on goods
that are not maximum bang-per-buck decays geometrically). It needs only matrix passes, so it scales
to 10^4 x 10^3 dense markets, but its last digits come slowly (sublinear rate near ties).

Large markets (:func:`fisher_large`, ``method="large"``): proportional response narrows each buyer to a
few candidate goods, Newton's method on the entropy-smoothed Eisenberg-Gale dual over the candidates
(Nesterov's smoothing; linear systems by scipy) pins the prices, and the spending forest it reveals gives
the exact equilibrium by arithmetic (:func:`fairbid.markets.polish.forest_equilibrium`), verified on the
full matrix: 10^4 x 10^3 dense to a checker violation near 1e-15 in a few seconds on one core.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from numba import njit

from fairbid.core.errors import FairbidError, check_float, check_int
from fairbid.markets.instance import MarketInstance
from fairbid.markets.result import MarketResult


#: Tighter than Clarabel's defaults (1e-8): the LP polish needs the support right, which needs accurate duals.
_ACCURATE = {"CLARABEL": {"tol_gap_abs": 1e-11, "tol_gap_rel": 1e-11, "tol_feas": 1e-11, "max_iter": 400}}


def _cvx_solver(solver: str) -> str:
    import cvxpy as cp

    name = solver.upper()
    if name not in cp.installed_solvers():
        raise FairbidError("solver", "is not an installed cvxpy solver: " + ", ".join(cp.installed_solvers()), solver)
    return name


def _solve_problem(prob: Any, solver: str, what: str) -> None:
    import cvxpy as cp

    try:
        prob.solve(solver=solver, **_ACCURATE.get(solver, {}))
    except cp.error.SolverError:
        # The tight tolerances can stall on hard instances: retry once at the solver's defaults.
        try:
            prob.solve(solver=solver)
        except cp.error.SolverError as exc:  # a solver crash is a result, not a traceback
            raise FairbidError(what, f"the convex solver {solver} failed", str(exc)[:80]) from None
    if prob.status not in ("optimal", "optimal_inaccurate"):
        raise FairbidError(what, f"the convex program is {prob.status}", solver)


def eisenberg_gale(instance: MarketInstance, *, solver: str = "CLARABEL", budgets: np.ndarray | None = None,
                   caps: np.ndarray | None = None, model: str = "fisher-linear") -> MarketResult:
    """Linear Fisher equilibrium by the Eisenberg-Gale convex program (cvxpy; Clarabel by default).

    Parameters
    ----------
    instance : MarketInstance
    solver : str
        cvxpy solver with exponential cones: ``"CLARABEL"`` (default) or ``"SCS"``.
    budgets : ndarray, optional
        Override the instance budgets (used by the Arrow-Debreu fixed point).
    caps : ndarray, optional
        Utility caps ``u_i <= c_i`` (the satiation model, :func:`fairbid.markets.fisher_satiation`).

    Returns
    -------
    MarketResult
        Prices are the duals of the supply constraints, per unit of each good.
    """
    import cvxpy as cp

    name = _cvx_solver(solver)
    t0 = time.perf_counter()
    V = instance.scaled
    B = instance.budgets if budgets is None else budgets
    vmax = V.max(axis=1, keepdims=True)          # per-buyer scaling keeps the program well conditioned
    Vn = V / vmax
    n, m = V.shape
    mask = Vn > 0
    rows, cols = np.nonzero(mask)
    # Variables only where v_ij > 0: a buyer never gets a good she does not value in some equilibrium.
    xv = cp.Variable(rows.size, nonneg=True)
    import scipy.sparse as sp

    U = sp.csr_matrix((Vn[rows, cols], (rows, np.arange(rows.size))), shape=(n, rows.size))
    S = sp.csr_matrix((np.ones(rows.size), (cols, np.arange(rows.size))), shape=(m, rows.size))
    u = U @ xv
    supply_con = S @ xv <= 1
    cons = [supply_con]
    if caps is not None:
        fin = np.isfinite(caps)
        if fin.any():
            cons.append(u[np.flatnonzero(fin)] <= caps[fin] / vmax[fin, 0])
    wB = B / B.sum()
    prob = cp.Problem(cp.Maximize(wB @ cp.log(u)), cons)
    _solve_problem(prob, name, "eisenberg-gale")
    x = np.zeros((n, m))
    x[rows, cols] = np.maximum(xv.value, 0.0)
    P = np.maximum(np.asarray(supply_con.dual_value, dtype=float).ravel(), 0.0) * B.sum()
    if caps is None:
        # Read prices off the primal instead of the duals: the KKT identity b_ij = B_i v_ij x_ij / u_i
        # (each buyer's money follows her utility shares) spends every budget and sells every valued
        # good exactly; only the bang-per-buck condition keeps the solver's accuracy.
        uu = (V * x).sum(axis=1)
        b = B[:, None] * V * x / uu[:, None]
        Pb = b.sum(axis=0)
        if (Pb > 0).all():
            P, x = Pb, b / Pb[None, :]
    spend = (x * P[None, :]).sum(axis=1)
    res = MarketResult(model, P / instance.supply, x, spend, solver=f"cvxpy:{name}",
                       seconds=time.perf_counter() - t0)
    return res


#: ``fisher_linear(method="auto")`` uses :func:`fisher_large` above this many buyer-good cells.
AUTO_LARGE_CELLS = 10_000


def fisher_linear(instance: MarketInstance, *, method: str = "auto", tol: float = 1e-6, max_iter: int = 100_000,
                  solver: str = "CLARABEL", polish: bool = True) -> MarketResult:
    """Linear Fisher equilibrium: ``method`` = ``"eg"`` (convex program), ``"pr"`` (proportional response
    alone), ``"large"`` (:func:`fisher_large`: proportional response, Newton on the smoothed dual over
    each buyer's candidate goods, exact finish on the spending forest, verified on the full matrix) or
    ``"auto"`` (``"eg"`` up to :data:`AUTO_LARGE_CELLS` = 10^4 buyer-good cells, ``"large"`` above).

    ``polish`` (default True, up to 4 * 10^5 cells): re-solve the equilibrium conditions exactly on the
    support found (:func:`fairbid.markets.polish.lp_polish`), kept only when the checker rates it better.
    """
    from fairbid.core.errors import check_choice
    from fairbid.markets.check import check_equilibrium

    check_choice("method", method, ("auto", "eg", "pr", "large"))
    if method == "auto":
        # The fast path is exact, checker-verified and falls back to the convex program; it beats the
        # convex program from about 10^4 cells on (1000 x 100: 0.03 s against 3 s).
        method = "eg" if instance.valuations.size <= AUTO_LARGE_CELLS else "large"
    if method == "large":
        return fisher_large(instance, tol=tol, solver=solver)
    res = eisenberg_gale(instance, solver=solver) if method == "eg" else \
        proportional_response(instance, tol=tol, max_iter=max_iter)
    d = check_equilibrium("fisher-linear", instance, res)
    res.violation, res.details = d["max"], d
    if polish and instance.valuations.size <= 400_000:
        # Fix the support the solver found and solve the equilibrium conditions on it exactly (one LP,
        # HiGHS, fairbid.markets.polish); keep whichever of the two the checker rates better.
        from fairbid.markets.polish import lp_polish

        x = res.allocation
        for thr in (1e-6, 1e-4, 1e-3):
            got = lp_polish(instance.scaled, instance.budgets, x > thr * x.max(axis=0, keepdims=True))
            if got is not None:
                break
        if got is not None:
            P = got[1]
            alt = MarketResult("fisher-linear", P / instance.supply, got[0], (got[0] * P[None, :]).sum(axis=1),
                               solver=res.solver + "+HiGHS-polish", iterations=res.iterations)
            d2 = check_equilibrium("fisher-linear", instance, alt)
            if d2["max"] < d["max"]:
                alt.violation, alt.details, alt.seconds = d2["max"], d2, res.seconds
                return alt
    return res


@njit(cache=True)
def _pr_step(V, b, p_old, B, p_new):  # pragma: no cover - numba
    """One proportional-response round in place; returns the optimal-bundle gap of the current bids.

    Row by row (cache friendly, one pass over V and b): utility ``u_i = sum_j v_ij b_ij / p_j``, the
    best bang ``max_j v_ij / p_j`` over goods she values, the gap ``1 - u_i / (MBB_i B_i)``; then the new
    bids ``b_ij = B_i v_ij b_ij / (p_j u_i)``, whose column sums are the next prices.
    """
    n, m = V.shape
    for j in range(m):
        p_new[j] = 0.0
    worst = 0.0
    for i in range(n):
        u = 0.0
        mbb = 0.0
        for j in range(m):
            v = V[i, j]
            if v > 0.0:
                r = v / p_old[j]
                u += r * b[i, j]
                if r > mbb:
                    mbb = r
        gap = 1.0 - u / (mbb * B[i])
        if gap > worst:
            worst = gap
        f = B[i] / u
        for j in range(m):
            v = V[i, j]
            if v > 0.0:
                nb = f * v * b[i, j] / p_old[j]
                b[i, j] = nb
                p_new[j] += nb
    return worst


def proportional_response(instance: MarketInstance, *, tol: float = 1e-6, max_iter: int = 100_000,
                          time_limit: float | None = None, budgets: np.ndarray | None = None) -> MarketResult:
    """Linear Fisher equilibrium by proportional-response dynamics (numba, one pass per round).

    Parameters
    ----------
    instance : MarketInstance
    tol : float
        Stop when the optimal-bundle gap ``max_i 1 - u_i / (MBB_i B_i)`` is at most ``tol`` (budgets are
        spent and goods sold exactly at every round, so this is the equilibrium violation).
    max_iter : int
        Round limit; the result's ``status`` says ``failed`` if ``tol`` was not reached.
    time_limit : float, optional
        Seconds; also ends with ``status`` ``failed`` when hit first.

    Examples
    --------
    >>> from fairbid.markets import make_instance
    >>> r = proportional_response(make_instance([[1.0, 1.0], [1.0, 3.0]], [1.0, 1.0]), tol=1e-9)
    >>> [round(float(q), 3) for q in r.prices]
    [1.0, 1.0]
    """
    tol = check_float("tol", tol, 0.0)
    max_iter = check_int("max_iter", max_iter, 1, 10**8)
    t0 = time.perf_counter()
    V = np.ascontiguousarray(instance.scaled)
    B = np.asarray(instance.budgets if budgets is None else budgets, dtype=float)
    # Start: each buyer splits her budget in proportion to her values (every valued good gets a bid).
    b = V * (B / V.sum(axis=1))[:, None]
    p = b.sum(axis=0)
    if (p <= 0).any():
        raise FairbidError("valuations", "every good must be valued by some buyer for proportional response",
                           int(np.argmax(p <= 0)))
    p_new = np.empty_like(p)
    status, it = "ok", 0
    while True:
        gap = _pr_step(V, b, p, B, p_new)   # gap of the bids before this round
        it += 1
        p, p_new = p_new, p
        if gap <= tol:
            break
        if it >= max_iter or (time_limit is not None and time.perf_counter() - t0 > time_limit):
            status = f"failed: gap {gap:.3g} > tol {tol:g} after {it} rounds"
            break
    # Report the last bids with their own prices (budgets spent, goods sold exactly); one more round
    # only shrinks the money on non-MBB goods, and the caller re-measures with the checker anyway.
    b_final_p = b.sum(axis=0)
    x = b / b_final_p[None, :]
    spend = b.sum(axis=1)
    res = MarketResult("fisher-linear", b_final_p / instance.supply, x, spend, solver="proportional-response",
                       status=status, iterations=it, seconds=time.perf_counter() - t0)
    return res


# ---------------------------------------------------------------- large markets
# fisher_large: proportional response finds the candidate goods of each buyer, Newton's method on the
# entropy-smoothed Eisenberg-Gale dual (over the candidates only) pins the prices, the spending forest it
# reveals gives the exact equilibrium by arithmetic (fairbid.markets.polish.forest_equilibrium), and one
# pass over the full matrix verifies it.


@njit(cache=True)
def _candidates(V, P, band):  # pragma: no cover - numba
    """CSR (indptr, goods) of the edges within ``band`` of each buyer's max bang-per-buck at prices ``P``,
    plus, for every good no buyer keeps, the edge of the buyer to whom it comes closest (so every good
    stays in the restricted market). Three row-major passes over ``V``, no n x m temporaries."""
    n, m = V.shape
    invp = np.empty(m)
    for j in range(m):
        invp[j] = 1.0 / P[j] if P[j] > 0 else 0.0
    mbb = np.zeros(n)
    for i in range(n):
        best = 0.0
        for j in range(m):
            r = V[i, j] * invp[j]
            if r > best:
                best = r
        mbb[i] = best
    colbest = np.zeros(m)
    colarg = np.zeros(m, np.int64)
    for i in range(n):
        inv = 1.0 / mbb[i]
        for j in range(m):
            r = V[i, j] * invp[j] * inv
            if r > colbest[j]:
                colbest[j] = r
                colarg[j] = i
    extra = np.zeros(n, np.int64)
    for j in range(m):
        if colbest[j] < 1.0 - band and colbest[j] > 0.0:
            extra[colarg[j]] += 1
    indptr = np.zeros(n + 1, np.int64)
    for i in range(n):
        thr = mbb[i] * (1.0 - band)
        c = extra[i]
        for j in range(m):
            if V[i, j] > 0.0 and V[i, j] * invp[j] >= thr:
                c += 1
        indptr[i + 1] = indptr[i] + c
    idx = np.empty(indptr[n], np.int64)
    pos = indptr[:-1].copy()
    for i in range(n):
        thr = mbb[i] * (1.0 - band)
        for j in range(m):
            if V[i, j] > 0.0 and V[i, j] * invp[j] >= thr:
                idx[pos[i]] = j
                pos[i] += 1
    for j in range(m):
        if colbest[j] < 1.0 - band and colbest[j] > 0.0:
            i = colarg[j]
            idx[pos[i]] = j
            pos[i] += 1
    return indptr, idx


@njit(cache=True)
def _pr_sparse(indptr, idx, val, bid, B, p, rounds):  # pragma: no cover - numba
    """``rounds`` proportional-response rounds on a sparse (CSR) market, in place; returns the gap."""
    n = indptr.size - 1
    m = p.size
    pn = np.empty(m)
    invp = np.empty(m)
    worst = 0.0
    for _ in range(rounds):
        for j in range(m):
            invp[j] = 1.0 / p[j] if p[j] > 0 else 0.0
            pn[j] = 0.0
        worst = 0.0
        for i in range(n):
            u = 0.0
            mb = 0.0
            for e in range(indptr[i], indptr[i + 1]):
                r = val[e] * invp[idx[e]]
                u += r * bid[e]
                if r > mb:
                    mb = r
            if u <= 0.0:
                continue
            g = 1.0 - u / (mb * B[i])
            if g > worst:
                worst = g
            f = B[i] / u
            floor = 1e-200 * B[i]
            for e in range(indptr[i], indptr[i + 1]):
                j = idx[e]
                # the floor keeps a bid (and so a good's price) from underflowing to 0 over many rounds
                nb = max(f * val[e] * invp[j] * bid[e], floor)
                bid[e] = nb
                pn[j] += nb
        for j in range(m):
            p[j] = pn[j]
    return worst


@njit(cache=True)
def _smoothed_dual(indptr, idx, a, B, q, tau, s):  # pragma: no cover - numba
    """Entropy-smoothed Eisenberg-Gale dual at log-prices ``q``; fills the softmax shares ``s`` per edge.

    ``F(q) = sum_j exp(q_j) + sum_i B_i tau log sum_{j in C_i} exp((log v_ij - q_j) / tau)``. As ``tau -> 0``
    the second sum becomes ``sum_i B_i max_j log(v_ij / p_j)`` and ``F`` the Eisenberg-Gale dual, whose
    minimizer is the equilibrium (gradient ``p_j - sum_i B_i s_ij``: goods sold when buyers spend
    ``B_i s_ij``)."""
    n = indptr.size - 1
    F = 0.0
    for j in range(q.size):
        F += np.exp(q[j])
    for i in range(n):
        zmax = -np.inf
        for e in range(indptr[i], indptr[i + 1]):
            z = (a[e] - q[idx[e]]) / tau
            if z > zmax:
                zmax = z
        tot = 0.0
        for e in range(indptr[i], indptr[i + 1]):
            w = np.exp((a[e] - q[idx[e]]) / tau - zmax)
            s[e] = w
            tot += w
        for e in range(indptr[i], indptr[i + 1]):
            s[e] /= tot
        F += B[i] * tau * (zmax + np.log(tot))
    return F


@njit(cache=True)
def _smoothed_hessian(indptr, idx, B, s, tau, cut):  # pragma: no cover - numba
    """COO entries of ``sum_i (B_i / tau)(diag(s_i) - s_i s_i^T)`` over shares above ``cut`` (a buyer who
    is all on one good contributes nothing, so late in the path this is very sparse)."""
    n = indptr.size - 1
    cnt = 0
    for i in range(n):
        d = 0
        for e in range(indptr[i], indptr[i + 1]):
            if s[e] > cut:
                d += 1
        cnt += d * d
    r = np.empty(cnt, np.int64)
    c = np.empty(cnt, np.int64)
    v = np.empty(cnt)
    k = 0
    for i in range(n):
        w = B[i] / tau
        for e in range(indptr[i], indptr[i + 1]):
            if s[e] <= cut:
                continue
            for f in range(indptr[i], indptr[i + 1]):
                if s[f] <= cut:
                    continue
                r[k] = idx[e]
                c[k] = idx[f]
                v[k] = w * ((s[e] if e == f else 0.0) - s[e] * s[f])
                k += 1
    return r, c, v


@njit(cache=True)
def _mbb_full(V, P):  # pragma: no cover - numba
    """Each buyer's maximum bang-per-buck ``max_j v_ij / P_j`` over the full matrix (inf if a valued good
    is free)."""
    n, m = V.shape
    out = np.zeros(n)
    for i in range(n):
        best = 0.0
        for j in range(m):
            v = V[i, j]
            if v > 0.0:
                r = v / P[j] if P[j] > 0 else np.inf
                if r > best:
                    best = r
        out[i] = best
    return out


#: Newton steps per temperature before the path backs off to a higher temperature.
NEWTON_STEPS = 60
#: The Newton system is solved densely (Cholesky) when its Hessian has more than this share of nonzeros.
DENSE_SHARE = 0.02


@njit(cache=True)
def _buyer_system(order, gstart, rows, idx, B, s, tau, P, D, cut):  # pragma: no cover - numba
    """The n x n capacitance matrix ``K = W^-1 - S^T D^-1 S`` of the smoothed-dual Hessian
    ``H = D - S W S^T`` (``D_j = p_j + sum_i B_i s_ij / tau``, ``W = diag(B / tau)``, ``S_ji = s_ij``).

    Edges come good by good (``order``, with ``gstart`` the CSC pointers). The diagonal is written as
    ``K_ii = sum_j s_ij (tau p_j + sum_{l != i} B_l s_lj) / (B_i D_j)`` (using ``sum_j s_ij = 1``), the sum
    over the other buyers by prefix and suffix sums: no cancellation when a buyer is a good's only buyer,
    which the textbook form ``tau / B_i - sum_j s_ij^2 / D_j`` would suffer at small ``tau``."""
    n = B.size
    m = P.size
    K = np.zeros((n, n))
    for j in range(m):
        lo = gstart[j]
        hi = gstart[j + 1]
        tot = 0.0
        for t in range(lo, hi):
            e = order[t]
            tot += B[rows[e]] * s[e]
        pre = 0.0
        for t in range(lo, hi):
            e = order[t]
            i = rows[e]
            own = B[i] * s[e]
            # sum over the other buyers of this good, as prefix + suffix (suffix = tot - pre - own is
            # exact enough only when other terms dominate; recompute it when they do not)
            suf = tot - pre - own
            if suf < 1e-8 * tot:
                suf = 0.0
                for u in range(t + 1, hi):
                    suf += B[rows[order[u]]] * s[order[u]]
            K[i, i] += s[e] * (tau * P[j] + pre + suf) / (B[i] * D[j])
            pre += own
            if s[e] <= cut:
                continue
            for u in range(lo, hi):
                f = order[u]
                if f != e and s[f] > cut:
                    K[i, rows[f]] -= s[e] * s[f] / D[j]
    return K


def _newton_stage(indptr, idx, rows, a, B, q, tau, s, max_steps: int, dense: bool,
                  deadline: float | None = None) -> tuple[np.ndarray, int]:
    """Damped Newton on the smoothed dual at one temperature (Armijo backtracking); returns (q, steps).

    The Hessian is ``diag(p) + sum_i (B_i / tau)(diag(s_i) - s_i s_i^T)``: positive definite, m x m;
    solved by dense Cholesky (scipy) when it is dense and ``dense`` (up to 3000 goods), else by sparse LU
    (scipy's SuperLU); with more goods than buyers (up to 3000 buyers) by the n x n Woodbury system
    (:func:`_buyer_system`, dense Cholesky)."""
    m = q.size
    n = B.size
    Btot = float(B.sum())
    steps = 0
    buyers = n < m and n <= 3000
    if buyers:
        order = np.argsort(idx, kind="stable")
        gstart = np.zeros(m + 1, dtype=np.int64)
        np.cumsum(np.bincount(idx, minlength=m), out=gstart[1:])
    for _ in range(max_steps):
        if deadline is not None and time.perf_counter() > deadline:
            break
        F = _smoothed_dual(indptr, idx, a, B, q, tau, s)
        P = np.exp(q)
        demand = np.bincount(idx, B[rows] * s, minlength=m)
        g = P - demand
        if buyers:
            # More goods than buyers: solve in buyer space by Woodbury, H^-1 = D^-1 + D^-1 S K^-1 S^T D^-1.
            D = P + demand / tau
            K = _buyer_system(order, gstart, rows, idx, B, s, tau, P, D, 1e-16)
            Dg = g / D
            rhs = np.bincount(rows, s * Dg[idx], minlength=n)
            y = _spd_solve(K, rhs)
            d = -(Dg + np.bincount(idx, s * y[rows], minlength=m) / D)
        else:
            d = _dual_newton_direction(indptr, idx, B, s, tau, P, g, dense)
        dec = float(-g @ d)          # Newton decrement squared: twice the predicted decrease
        if not np.isfinite(dec) or dec <= 1e-11 * Btot:
            break
        t = 1.0
        while True:
            qn = q + t * d
            if _smoothed_dual(indptr, idx, a, B, qn, tau, s) <= F - 0.25 * t * dec or t < 1e-8:
                break
            t *= 0.5
        q = qn
        steps += 1
    _smoothed_dual(indptr, idx, a, B, q, tau, s)   # shares at the returned point
    return q, steps


def _spd_solve(K: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Dense symmetric positive definite solve (Cholesky), least squares if K is numerically singular."""
    import scipy.linalg as sla

    try:
        return sla.solve(K, rhs, assume_a="pos", check_finite=False)
    except (np.linalg.LinAlgError, ValueError):
        return np.linalg.lstsq(K, rhs, rcond=None)[0]


def _dual_newton_direction(indptr, idx, B, s, tau, P, g, dense: bool) -> np.ndarray:
    """Newton direction ``-H^-1 g`` in price space, H assembled from :func:`_smoothed_hessian`."""
    m = P.size
    r, c, v = _smoothed_hessian(indptr, idx, B, s, tau, 1e-16)
    if dense and v.size > DENSE_SHARE * m * m:   # late in the path H is nearly diagonal: sparse LU is faster
        H = np.bincount(r * m + c, v, minlength=m * m).reshape(m, m)
        H[np.arange(m), np.arange(m)] += P
        d = -_spd_solve(H, g)
    else:
        import scipy.sparse as sp
        from scipy.sparse.linalg import splu

        H = sp.csc_matrix((np.r_[v, P], (np.r_[r, np.arange(m)], np.r_[c, np.arange(m)])), shape=(m, m))
        # H is symmetric positive definite: symmetric ordering, pivots on the diagonal (far less fill
        # than SuperLU's default column ordering with partial pivoting).
        d = -splu(H, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0,
                  options={"SymmetricMode": True}).solve(g)
    return d


def fisher_large(instance: MarketInstance, *, tol: float = 1e-6, pr_rounds: int = 30, sparse_rounds: int = 6,
                 sparse_steps: int = 200, band: float = 0.05, min_band: float = 2e-3, tau_start: float = 1e-4,
                 tau_min: float = 1e-10, tau_factor: float = 2.0, finish_below: float = 1e-6,
                 support_share: float = 1e-9, pivots: int = 30, rounds: int = 20, fallback: bool = True,
                 solver: str = "CLARABEL",
                 time_limit: float | None = None) -> MarketResult:
    """Linear Fisher equilibrium of a large dense market: proportional response, then an exact finish.

    1. ``pr_rounds`` rounds of proportional response (PR) on the full matrix bring the prices within
       about 1e-3 of equilibrium, far from a 1e-6 violation but enough to tell each buyer's few
       candidate goods: those within ``band`` of her maximum bang-per-buck.
    2. ``sparse_rounds`` times: PR restricted to the candidates (``sparse_steps`` rounds each, cheap),
       then candidates re-read at the new prices with the band halved (down to ``min_band``).
    3. Newton's method on the entropy-smoothed Eisenberg-Gale dual over the candidates, following the
       temperature ``tau`` from ``tau_start`` down by ``tau_factor`` per stage (to ``tau_min``); its
       minimizer tends to the restricted equilibrium and its spending shares to the equilibrium spending.
    4. From ``tau <= finish_below`` on, each stage proposes the maximum-spending spanning forest of the
       edges carrying more than ``support_share`` of a budget; on a forest the equilibrium is exact
       arithmetic (:func:`fairbid.markets.polish.forest_equilibrium`). It is accepted when no spending is
       negative and no buyer has a better bang-per-buck anywhere in the full matrix (one pass). When
       goods outside the candidates are better (at the dual prices by more than 10 tau, or at the
       forest's exact prices at all), those join the candidates (column generation, at most ``rounds``
       times) and the path restarts.
       Ties (identical buyers, equal values) give equilibrium prices whose spending graph has cycles:
       when the forest's prices pass the full-matrix check but its split does not, a non-negative split
       on all tight candidate edges is found by a transportation LP (HiGHS).
    5. If no stage gives an exact answer: the LP polish on the smoothed support (HiGHS), then the best
       inexact points met on the path (the smoothed point, whose budgets and clearing are exact, or a
       forest with a small bang-per-buck shortfall), then (``fallback``) the restricted Eisenberg-Gale
       program with the LP polish (cvxpy). The checker (:func:`fairbid.markets.check_equilibrium`) rates
       every answer; ``status`` is ``failed`` if the best violation exceeds ``tol``.

    Parameters
    ----------
    instance : MarketInstance
    tol : float
        Target checker violation (the exact finish reaches about 1e-15).
    pr_rounds, sparse_rounds, sparse_steps : int
        Proportional-response work before the Newton path (defaults: 30 dense rounds, 6 x 200 sparse).
    band, min_band : float
        Candidate band (share of the max bang-per-buck) of the first sparse round, and its floor.
    tau_start, tau_min, tau_factor : float
        Temperature path of the smoothed dual (log-price units).
    finish_below : float
        Temperature from which each stage tries the exact forest finish.
    support_share : float
        Smoothed spending share below which an edge is left out of the forest.
    pivots : int
        Repairs of a proposed forest that is nearly right (default 30): drop the edge with the most
        negative spending, or join two trees by a buyer's better candidate good; each repair is one
        O(n + m) forest solve, and only a forest verified on the full matrix is accepted.
    rounds : int
        Column-generation rounds (candidates missing a better good; default 20).
    fallback : bool
        Try the restricted convex program (cvxpy ``solver``) when the combinatorial finish fails.
    time_limit : float, optional
        Seconds; the best answer so far is returned (``status`` failed unless within ``tol``).

    Returns
    -------
    MarketResult
        ``solver`` names the path that produced it; ``violation`` is the checker's.

    Notes
    -----
    Cost: a few dense passes over the n x m matrix plus Newton systems of size min(n, m) (sparse
    when the Hessian is). One core: 10^4 x 10^3 in about 3-5 s, 1000 x 10^4 in about 8 s, 2000 x 2000 in
    about 9 s; square markets beyond that are slow (4000 x 4000 does not finish in a minute: its Newton
    systems are 4000 x 4000 and dense), and ``time_limit`` is checked between Newton steps, so one step
    can overrun it.
    """
    from fairbid.markets.polish import forest_equilibrium, lp_polish_edges, spanning_forest, transport_polish

    tol = check_float("tol", tol, 0.0)
    pr_rounds = check_int("pr_rounds", pr_rounds, 1, 10**6)
    sparse_rounds = check_int("sparse_rounds", sparse_rounds, 0, 10**4)
    sparse_steps = check_int("sparse_steps", sparse_steps, 1, 10**6)
    band = check_float("band", band, 0.0, 1.0)
    min_band = check_float("min_band", min_band, 0.0, 1.0)
    tau_start = check_float("tau_start", tau_start, 0.0)
    tau_min = check_float("tau_min", tau_min, 0.0, tau_start)
    tau_factor = check_float("tau_factor", tau_factor, 1.01, 100.0)
    rounds = check_int("rounds", rounds, 0, 1000)
    pivots = check_int("pivots", pivots, 0, 10**6)
    if tau_start <= 0 or tau_min <= 0:
        raise FairbidError("tau_start/tau_min", "must be positive", (tau_start, tau_min))
    t0 = time.perf_counter()

    def out_of_time() -> bool:
        return time_limit is not None and time.perf_counter() - t0 > time_limit

    V = np.ascontiguousarray(instance.scaled)
    B = np.ascontiguousarray(instance.budgets, dtype=float)
    n, m = V.shape
    valued = (V > 0).any(axis=0)
    if not valued.all():
        # A good nobody values is free and unsold in every equilibrium: solve the market without it.
        sub = MarketInstance(instance.valuations[:, valued], B, instance.supply[valued])
        r = fisher_large(sub, tol=tol, pr_rounds=pr_rounds, sparse_rounds=sparse_rounds, sparse_steps=sparse_steps,
                         band=band, min_band=min_band, tau_start=tau_start, tau_min=tau_min, tau_factor=tau_factor,
                         finish_below=finish_below, support_share=support_share, pivots=pivots, rounds=rounds,
                         fallback=fallback,
                         solver=solver, time_limit=time_limit)
        prices, x = np.zeros(m), np.zeros((n, m))
        prices[valued], x[:, valued] = r.prices, r.allocation
        res = MarketResult("fisher-linear", prices, x, r.spend, solver=r.solver, status=r.status,
                           iterations=r.iterations)
        return _rate(res, instance, tol, t0)

    # 1. dense proportional response
    b = V * (B / V.sum(axis=1))[:, None]
    p = b.sum(axis=0)
    p_new = np.empty_like(p)
    for _ in range(pr_rounds):
        _pr_step(V, b, p, B, p_new)
        p, p_new = p_new, p
    iters = pr_rounds
    # (the bids b now go with the prices p)
    # 2. sparse proportional response on shrinking candidate sets
    cur = band
    indptr, idx = _candidates(V, p, cur)
    rows = np.repeat(np.arange(n), np.diff(indptr))
    bid = b[rows, idx]
    del b
    for _ in range(sparse_rounds):
        bid *= (B / np.bincount(rows, bid, minlength=n))[rows]
        p = np.bincount(idx, bid, minlength=m)
        _pr_sparse(indptr, idx, V[rows, idx], bid, B, p, sparse_steps)
        iters += sparse_steps
        if out_of_time():
            break
        cur = max(cur / 2, min_band)
        indptr, idx, rows, bid = _recandidate(V, p, cur, B, indptr, idx, rows, bid, union=False)
    best: MarketResult | None = None

    def consider(res: MarketResult) -> MarketResult:
        nonlocal best
        res = _rate(res, instance, tol, t0)
        if best is None or res.violation < best.violation:
            best = res
        return res

    # 3.-4. Newton path on the smoothed dual with the exact forest finish
    q = np.log(np.maximum(p, 1e-300 * max(float(p.max()), 1e-300)))
    dense = m <= 3000
    s = np.full(idx.size, 1.0) / np.bincount(rows, minlength=n)[rows]   # shares before any Newton stage
    P = p
    tau = tau_start
    cg = backoffs = 0
    steps_total = 0
    found = False
    # Inexact candidates met on the way, rated by a cheap exact measure of their only inexact condition
    # (bang-per-buck; budgets and clearing hold by construction); the best is rated by the checker at the end.
    approx: dict[str, tuple[float, tuple]] = {}

    def remember(key: str, gap: float, *data) -> None:
        # keep the arrays (not a dense result: building one costs a full n x m pass)
        if np.isfinite(gap) and (key not in approx or gap < approx[key][0]):
            approx[key] = (gap, data)

    def result(er, ec, spend, Pr, how) -> MarketResult:
        x = np.zeros((n, m))
        x[er, ec] = spend / Pr[ec]
        # spend_i = sum_j P_j x_ij, summed over the edges only (no second dense pass)
        return MarketResult("fisher-linear", Pr / instance.supply, x, np.bincount(er, spend, minlength=n),
                            solver="proportional-response+smoothed-dual-Newton" + how, iterations=iters)

    while tau >= tau_min and not found and not out_of_time():
        a = np.log(V[rows, idx])
        s = np.empty(idx.size)
        q, st = _newton_stage(indptr, idx, rows, a, B, q, tau, s, NEWTON_STEPS, dense,
                              None if time_limit is None else t0 + time_limit)
        steps_total += st
        if st >= NEWTON_STEPS and backoffs < 2 * rounds + 4:
            # Newton did not converge at this temperature (started too far from its optimum): step
            # back up the path instead of going further down.
            backoffs += 1
            tau = min(tau * tau_factor ** 2, tau_start)
            continue
        if tau > finish_below:
            tau /= tau_factor
            continue
        spend_s = B[rows] * s
        # Column generation: at the dual prices exp(q) (within about tau of the restricted equilibrium),
        # does some buyer prefer a good outside her candidates? Then the restricted market is not the
        # market: add her goods within ``band`` of the full max bang-per-buck and follow the path again.
        # (Margin 10 tau: finer misses are caught at the proposed forest's exact prices below.)
        Pq = np.exp(q)
        mbb_q = _mbb_full(V, Pq)
        mbb_c = np.zeros(n)
        np.maximum.at(mbb_c, rows, V[rows, idx] / Pq[idx])
        need = mbb_q > mbb_c * (1.0 + 10.0 * tau)
        if need.any() and cg < rounds:
            cg += 1
            indptr, idx, rows, _ = _recandidate(V, Pq, max(band, min_band), B, indptr, idx, rows,
                                                np.ones(idx.size), union=True, only=need)
            tau = tau_start
            continue
        sel = np.flatnonzero(spend_s > support_share * B[rows])
        forest = np.zeros(idx.size, dtype=bool)
        forest[sel[spanning_forest(n, m, rows[sel], idx[sel], s[sel])]] = True
        er, ec = rows[forest], idx[forest]
        P, beta, spend_e, ok = forest_equilibrium(er, ec, V[er, ec], B, m)
        exact, viol = None, np.inf
        P0, mbb0 = P, None
        for attempt in range(2):      # the proposed forest, then the repaired one
            if attempt == 1:
                if pivots == 0 or not ok:
                    break
                er, ec, P, beta, spend_e = _repair_forest(V, B, rows, idx, er, ec, P, beta, spend_e, pivots)
            if not (ok and (P > 0).all()):
                break
            mbb_full = _mbb_full(V, P)
            if attempt == 0:
                mbb0 = mbb_full
            viol = float((1.0 - (1.0 / beta) / mbb_full).max())
            nonneg = spend_e.min() >= -1e-12 * B.max()
            if viol <= 1e-12 and nonneg:
                exact = result(er, ec, np.maximum(spend_e, 0.0), P, "+exact-forest")
            elif viol <= 1e-12:
                # The prices are an equilibrium's but this forest's split is not (ties, or an edge whose
                # smoothed share is tiny): find a non-negative split on all tight candidate edges.
                tight = V[rows, idx] / P[idx] >= (1.0 - 1e-12) * mbb_full[rows]
                got = transport_polish(n, m, rows[tight], idx[tight], B, P, time_limit=_left(time_limit, t0))
                if got is not None:
                    exact = result(rows[tight], idx[tight], got, P, "+exact-prices+HiGHS-transport")
            elif nonneg:
                remember("forest", viol, er, ec, np.maximum(spend_e, 0.0), P, "+forest")
            if exact is not None:
                break
        if exact is not None:
            found = consider(exact).violation <= tol
            if found:
                break
        else:
            # keep the smoothed point as a fallback (budgets and clearing exact, bang-per-buck within ~tau)
            Ps = np.bincount(idx, spend_s, minlength=m)
            if (Ps > 0).all():
                u = np.bincount(rows, spend_s * V[rows, idx] / Ps[idx], minlength=n)
                remember("smoothed", float((1.0 - u / (_mbb_full(V, Ps) * B)).max()), rows, idx, spend_s, Ps, "")
        if exact is None and mbb0 is not None and cg < rounds:
            # At the proposed forest's prices, is a better good missing from the candidates?
            mbb_c = np.zeros(n)
            np.maximum.at(mbb_c, rows, V[rows, idx] / P0[idx])
            need = mbb0 > mbb_c * (1.0 + 1e-12)
            if need.any():
                cg += 1
                indptr, idx, rows, _ = _recandidate(V, P0, min_band, B, indptr, idx, rows, np.ones(idx.size),
                                                    union=True, only=need)
                tau = min(tau * tau_factor ** 4, tau_start)
                continue
        tau /= tau_factor
    iters += steps_total
    if not found and not out_of_time():
        # 5. degenerate or unlucky: LP polish on the smoothed support, restricted over the candidates
        spend_s = B[rows] * s
        for share in (support_share, 1e-6, 1e-4):
            if out_of_time():
                break
            got = lp_polish_edges(n, m, rows, idx, V[rows, idx], B, spend_s > share * B[rows],
                                  time_limit=_left(time_limit, t0))
            if got is not None and (got[1] > 0).all():
                found = consider(result(rows, idx, got[0], got[1], "+HiGHS-polish")).violation <= tol
                if found:
                    break
    if not found:
        # the best inexact candidates met on the Newton path
        for gap, data in sorted(approx.values(), key=lambda t: t[0])[:2]:
            found = consider(result(*data)).violation <= tol
            if found:
                break
    if not found and fallback and not out_of_time():
        consider(_restricted_eg(instance, P if (P > 0).all() else p, tol, rounds, solver, iters))
    if best is None:   # out of time before any candidate: report the proportional-response point
        x = np.zeros((n, m))
        x[rows, idx] = bid / np.maximum(p[idx], 1e-300)
        consider(MarketResult("fisher-linear", p / instance.supply, x, (x * p[None, :]).sum(axis=1),
                              solver="proportional-response", iterations=iters))
    assert best is not None
    best.iterations = iters      # proportional-response rounds + Newton steps
    best.seconds = time.perf_counter() - t0
    if best.violation > tol:
        best.status = f"failed: violation {best.violation:.3g} > tol {tol:g}"
    return best


def _repair_forest(V, B, rows, idx, er, ec, P, beta, spend, pivots: int):
    """Simplex-like repairs of a proposed spending forest over the candidate edges ``(rows, idx)``.

    One repair per step: drop the forest edge with the most negative spending (splitting its tree, whose
    two parts then balance their own budgets), else add the best candidate good of the buyer with the
    largest bang-per-buck shortfall when it lies in another tree (joining the two). A good in her own tree
    would close a cycle: the repairs stop there. Returns the last forest and its solution; the caller
    verifies it on the full matrix, so a bad repair costs time, never correctness."""
    from fairbid.markets.polish import _forest_solve, _kruskal

    n, m = V.shape
    vals_c = V[rows, idx]
    Bmax = float(B.max())
    for _ in range(pivots):
        neg = int(np.argmin(spend))
        if spend[neg] < -1e-12 * Bmax:
            keep = np.ones(er.size, dtype=bool)
            keep[neg] = False
            nr, nc = er[keep], ec[keep]
        else:
            bang = vals_c / P[idx]
            mbb = np.zeros(n)
            np.maximum.at(mbb, rows, bang)
            short = 1.0 - (1.0 / beta) / mbb
            i = int(np.argmax(short))
            if short[i] <= 1e-12:
                break
            lo, hi = np.searchsorted(rows, i), np.searchsorted(rows, i, side="right")
            j = int(idx[lo + int(np.argmax(bang[lo:hi]))])
            # joining two trees keeps a forest: Kruskal over the forest edges plus the new one, new last
            nr, nc = np.r_[er, i].astype(np.int64), np.r_[ec, j].astype(np.int64)
            if not _kruskal(n, m, nr, nc, np.arange(nr.size, dtype=np.int64))[-1]:
                break
        nr = np.ascontiguousarray(nr, dtype=np.int64)
        nc = np.ascontiguousarray(nc, dtype=np.int64)
        P2, beta2, spend2, ok = _forest_solve(n, m, nr, nc, V[nr, nc], B)
        if not ok or not (P2 > 0).all():
            break
        er, ec, P, beta, spend = nr, nc, P2, beta2, spend2
    return er, ec, P, beta, spend


def _left(time_limit: float | None, t0: float) -> float | None:
    return None if time_limit is None else max(time_limit - (time.perf_counter() - t0), 0.01)


def _rate(res: MarketResult, instance: MarketInstance, tol: float, t0: float) -> MarketResult:
    from fairbid.markets.check import check_equilibrium

    d = check_equilibrium("fisher-linear", instance, res)
    res.violation, res.details = d["max"], d
    res.seconds = time.perf_counter() - t0
    res.status = "ok" if res.violation <= tol else f"failed: violation {res.violation:.3g} > tol {tol:g}"
    return res


def _recandidate(V, P, band, B, indptr, idx, rows, bid, union: bool, only: np.ndarray | None = None):
    """Candidates at prices ``P`` (for the buyers in the mask ``only``; united with the current ones if
    ``union``); bids carried over (new
    edges start at 1e-3 of the buyer's budget spread over her edges, so proportional response can grow
    them)."""
    n, m = V.shape
    ip2, ix2 = _candidates(V, P, band)
    r2 = np.repeat(np.arange(n), np.diff(ip2))
    key = r2 * m + ix2                                       # row-major CSR order: sorted
    if only is not None:                                     # new edges for these buyers only
        key = key[only[r2]]
    if union:
        key = np.union1d(rows * m + idx, key)
    nrows, nidx = key // m, key % m
    old = rows * m + idx
    pos = np.minimum(np.searchsorted(old, key), old.size - 1)
    hit = old[pos] == key
    deg = np.bincount(nrows, minlength=n)
    nbid = np.where(hit, bid[pos], 1e-3 * B[nrows] / deg[nrows])
    nptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(deg, out=nptr[1:])
    return nptr, nidx.astype(np.int64), nrows, nbid


def _restricted_eg(instance: MarketInstance, P: np.ndarray, tol: float, rounds: int, solver: str,
                   iters: int) -> MarketResult:
    """The earlier finish, kept as the last resort: Eisenberg-Gale (cvxpy) restricted to the goods within
    2 % of each buyer's max bang-per-buck at ``P``, the LP polish on its support, column generation."""
    from fairbid.markets.check import check_equilibrium
    from fairbid.markets.polish import lp_polish

    V, B = instance.scaled, instance.budgets
    bang = V / np.maximum(P, 1e-300)[None, :]
    cand = bang >= 0.98 * bang.max(axis=1, keepdims=True)
    best = None
    for _ in range(max(rounds, 1)):
        sub = MarketInstance(np.where(cand, instance.valuations, 0.0), B, instance.supply)
        eg = eisenberg_gale(sub, solver=solver)
        x = eg.allocation
        got = None
        for thr in (1e-6, 1e-4, 1e-3):
            got = lp_polish(np.where(cand, V, 0.0), B, x > thr * x.max(axis=0, keepdims=True))
            if got is not None:
                break
        if got is not None:
            x, Pn = got[0], got[1]
        else:
            Pn = eg.prices * instance.supply
        res = MarketResult("fisher-linear", Pn / instance.supply, x, (x * Pn[None, :]).sum(axis=1),
                           solver=f"proportional-response+restricted-EG({solver})+HiGHS-polish", iterations=iters)
        d = check_equilibrium("fisher-linear", instance, res)
        res.violation, res.details = d["max"], d
        if best is None or res.violation < best.violation:
            best = res
        if res.violation <= tol:
            break
        bang = V / np.maximum(Pn, 1e-300)[None, :]
        cand |= bang >= 0.998 * bang.max(axis=1, keepdims=True)
    return best
