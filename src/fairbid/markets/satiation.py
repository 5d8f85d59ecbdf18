"""Linear Fisher market with satiation (utility limits), seed 000 talk "Computing Equilibria in Fisher
Markets with Satiation" (Bei Xiaohui).

Paper implemented: X. Bei, J. Garg, M. Hoefer, K. Mehlhorn, *Earning and Utility Limits in Fisher
Markets*, ACM Transactions on Economics and Computation 7(2), 2019 (ESA 2016 version: "Computing
Equilibria in Markets with Budget-Additive Utilities"). Equilibrium notion for **utility limits**
(their Section 2 definition): buyer ``i`` has budget ``B_i`` and cap ``c_i``; at prices ``p`` she buys a
cheapest bundle of maximum bang-per-buck goods giving utility ``min(c_i, MBB_i B_i)``, so she spends
``f_i <= B_i`` and ``f_i < B_i`` only when ``u_i = c_i``; every good with a positive price is sold.

Method: their convex program for utility limits, which is the Eisenberg-Gale program with the extra
constraints ``u_i <= c_i`` (we do not implement the talk's scaling algorithm; the program is solved by
cvxpy/Clarabel). Its KKT conditions are exactly the equilibrium above: with ``gamma_i >= 0`` the dual of
``u_i <= c_i`` and ``p_j`` the dual of supply, stationarity gives ``p_j / v_ij >= B_i / u_i - gamma_i =:
beta_i`` with equality on bought goods, so ``f_i = beta_i u_i = B_i - gamma_i u_i <= B_i`` with strict
inequality only when ``gamma_i > 0``, i.e. when the cap binds. Spending is unique in non-degenerate
markets (the talk's structural result); the prices need not be (they form a lattice), and the program
returns one point of it. ``fairbid.markets.check_equilibrium("fisher-satiation", ...)`` checks the
definition directly.
"""

from __future__ import annotations

import numpy as np

from fairbid.core.errors import FairbidError
from fairbid.markets.instance import MarketInstance
from fairbid.markets.result import MarketResult


def fisher_satiation(instance: MarketInstance, *, solver: str = "CLARABEL", polish: bool = True) -> MarketResult:
    """Equilibrium of a linear Fisher market with utility caps ``instance.caps`` (capped Eisenberg-Gale).

    Buyers without a cap (``inf``) behave as in the linear Fisher market.

    Examples
    --------
    >>> from fairbid.markets import make_instance
    >>> r = fisher_satiation(make_instance([[1.0]], [2.0], caps=[0.5]))
    >>> round(float(r.spend[0]), 6), round(float(r.allocation[0, 0]), 6)   # buys half, spends p/2
    (0.0, 0.5)
    """
    from fairbid.markets.check import check_equilibrium
    from fairbid.markets.fisher import eisenberg_gale

    if instance.caps is None:
        raise FairbidError("caps", "the satiation model needs a 'caps' field (null = no cap for that buyer)", None)
    res = eisenberg_gale(instance, solver=solver, caps=instance.caps, model="fisher-satiation")
    d = check_equilibrium("fisher-satiation", instance, res)
    res.violation, res.details = d["max"], d
    if polish and instance.valuations.size <= 400_000:
        # Exact polish on the support and the capped set the program found (one LP, HiGHS).
        from fairbid.markets.polish import lp_polish

        V, x = instance.scaled, res.allocation
        u = (V * x).sum(axis=1)
        capped = u >= instance.caps * (1 - 1e-6)
        got = None
        for thr in (1e-6, 1e-4, 1e-3):
            got = lp_polish(V, instance.budgets, x > thr * x.max(axis=0, keepdims=True), caps=instance.caps,
                            capped=capped)
            if got is not None:
                break
        if got is not None:
            P = got[1]
            alt = MarketResult("fisher-satiation", P / instance.supply, got[0], (got[0] * P[None, :]).sum(axis=1),
                               solver=res.solver + "+HiGHS-polish", seconds=res.seconds)
            d2 = check_equilibrium("fisher-satiation", instance, alt)
            if d2["max"] < d["max"]:
                alt.violation, alt.details = d2["max"], d2
                return alt
    return res
