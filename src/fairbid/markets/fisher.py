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
to 10^4 x 10^3 dense markets.
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

    from fairbid.markets.check import check_equilibrium

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


def fisher_linear(instance: MarketInstance, *, method: str = "auto", tol: float = 1e-6, max_iter: int = 100_000,
                  solver: str = "CLARABEL", polish: bool = True) -> MarketResult:
    """Linear Fisher equilibrium: ``method`` = ``"eg"`` (convex program), ``"pr"`` (proportional response
    alone), ``"large"`` (:func:`fisher_large`: proportional response, then the restricted convex program
    and the exact LP polish) or ``"auto"`` (``"eg"`` up to 2 * 10^5 buyer-good cells, ``"large"`` above).

    ``polish`` (default True, up to 4 * 10^5 cells): re-solve the equilibrium conditions exactly on the
    support found (:func:`fairbid.markets.polish.lp_polish`), kept only when the checker rates it better.
    """
    from fairbid.core.errors import check_choice
    from fairbid.markets.check import check_equilibrium

    check_choice("method", method, ("auto", "eg", "pr", "large"))
    if method == "auto":
        method = "eg" if instance.valuations.size <= 200_000 else "large"
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


def fisher_large(instance: MarketInstance, *, tol: float = 1e-6, pr_tol: float = 1e-3, band: float = 0.02,
                 rounds: int = 6, solver: str = "CLARABEL", time_limit: float | None = None) -> MarketResult:
    """Linear Fisher equilibrium for large dense markets: proportional response, then an exact finish.

    Proportional response reaches a moderate gap (``pr_tol``) fast but then slows down (its rate is
    sublinear on near-degenerate markets). Its prices already say which goods each buyer may buy: those
    within ``band`` of her maximum bang-per-buck. The Eisenberg-Gale program restricted to those
    candidate edges is small (a few edges per buyer); its solution, polished exactly on its support by
    the LP of :mod:`fairbid.markets.polish`, is an equilibrium of the whole market iff no buyer has a
    better bang-per-buck outside her candidates, which the checker verifies on the full matrix; when it
    does not hold, the violating edges join the candidates and the program is solved again (column
    generation, at most ``rounds`` times). ``status`` says ``failed`` if ``tol`` is not reached.
    """
    from fairbid.markets.check import check_equilibrium
    from fairbid.markets.polish import lp_polish

    t0 = time.perf_counter()
    pr = proportional_response(instance, tol=pr_tol, time_limit=time_limit)
    V, B = instance.scaled, instance.budgets
    P = pr.prices * instance.supply
    bang = V / P[None, :]
    cand = bang >= (1 - band) * bang.max(axis=1, keepdims=True)
    best = pr
    best.violation = check_equilibrium("fisher-linear", instance, pr)["max"]
    for r in range(rounds):
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
                           solver=f"proportional-response+restricted-EG({solver})+HiGHS-polish",
                           iterations=pr.iterations)
        d = check_equilibrium("fisher-linear", instance, res)
        res.violation, res.details = d["max"], d
        if res.violation < best.violation:
            best = res
        if res.violation <= tol:
            break
        bang = V / np.maximum(Pn, 1e-300)[None, :]
        cand |= bang >= (1 - band / 10) * bang.max(axis=1, keepdims=True)
    best.seconds = time.perf_counter() - t0
    best.status = "ok" if best.violation <= tol else f"failed: violation {best.violation:.3g} > tol {tol:g}"
    return best
