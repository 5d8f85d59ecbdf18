"""Linear Arrow-Debreu exchange market (seed 000 talk "Combinatorial algorithm for linear Arrow-Debreu
market", Duan, Garg, Mehlhorn).

Every agent ``i`` owns ``e_ij`` units of good ``j`` and has linear utility ``sum_j v_ij y_ij``. Prices
``p`` are an equilibrium when every agent, with income ``p . e_i``, buys only maximum bang-per-buck goods
with all her income, and every good is sold.

Method (justified here, not the talk's combinatorial O(n^7 log^3(nU)) algorithm): K. Jain, *A
Polynomial Time Algorithm for Computing an Arrow-Debreu Market Equilibrium for Linear Utilities*, SIAM
J. Comput. 37(1), 2007, Section 2: with log-prices ``q_j = log p_j``, the equilibria are exactly the
solutions of the convex feasibility problem

    sum_i y_ij = s_j  (every good sold),
    log(u_i(y_i)) >= log v_ij + log(sum_k e_ik exp(q_k)) - q_j   for every (i, j) with v_ij > 0,

(the right side is convex: a log-sum-exp minus a linear term). Proof of sufficiency, used by the
checker: the constraint says ``u_i >= MBB_i * income_i``; but ``u_i <= MBB_i * spend_i``, so
``spend_i >= income_i`` for all ``i``, and summing, clearing gives equality everywhere, hence every agent
spends exactly her income on MBB goods. We solve it with cvxpy (exponential cones, Clarabel), prices
normalized to ``sum_j p_j s_j = 1``.

Existence (stated and checked): an equilibrium with positive prices exists when every agent owns
something and the *economy graph* (agent ``i -> k`` when ``i`` values a good ``k`` owns) is strongly
connected (Gale 1957; Jain 2007, Section 5). :func:`economy_graph_connected` checks this; the solver
refuses other instances unless ``require_connected=False`` (an equilibrium may then fail to exist and
the program is reported infeasible).
"""

from __future__ import annotations

import time

import numpy as np

from fairbid.core.errors import FairbidError
from fairbid.markets.instance import MarketInstance
from fairbid.markets.result import MarketResult


def economy_graph_connected(instance: MarketInstance) -> bool:
    """True when every agent owns something and the economy graph is strongly connected."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    if instance.endowments is None:
        raise FairbidError("endowments", "the Arrow-Debreu model needs an 'endowments' matrix", None)
    E = instance.endowments
    if not (E.sum(axis=1) > 0).all():
        return False
    # i -> k when some good j has v_ij > 0 and e_kj > 0: (V>0) @ (E>0)^T
    adj = ((instance.valuations > 0).astype(float) @ (E > 0).astype(float).T) > 0
    k, _ = connected_components(csr_matrix(adj), directed=True, connection="strong")
    return bool(k == 1)


def arrow_debreu_linear(instance: MarketInstance, *, solver: str = "CLARABEL",
                        require_connected: bool = True) -> MarketResult:
    """Linear Arrow-Debreu equilibrium by Jain's convex program (see the module docstring).

    Parameters
    ----------
    instance : MarketInstance
        Needs ``endowments``; ``budgets`` are ignored (incomes are ``p . e_i``).
    solver : str
        cvxpy solver with exponential cones (``"CLARABEL"`` default, or ``"SCS"``).
    require_connected : bool
        Refuse instances whose economy graph is not strongly connected (default True: for them an
        equilibrium need not exist).

    Examples
    --------
    >>> from fairbid.markets import make_instance
    >>> inst = make_instance([[1.0, 2.0], [3.0, 1.0]], endowments=[[1.0, 0.0], [0.0, 1.0]])
    >>> r = arrow_debreu_linear(inst)
    >>> [round(float(q), 4) for q in r.prices]   # each agent wants the other's good: p1 = p2
    [0.5, 0.5]
    """
    import cvxpy as cp

    from fairbid.markets.check import check_equilibrium
    from fairbid.markets.fisher import _cvx_solver, _solve_problem

    name = _cvx_solver(solver)
    connected = economy_graph_connected(instance)
    if require_connected and not connected:
        raise FairbidError("endowments", "the economy graph must be strongly connected and every agent must own "
                           "something (Gale's sufficient condition for an equilibrium)", "not connected")
    t0 = time.perf_counter()
    V = instance.scaled
    V = V / V.max(axis=1, keepdims=True)          # scaling a buyer's values changes nothing
    share = instance.endowments / instance.supply[None, :]   # endowment as share of each good's supply
    n, m = V.shape
    q = cp.Variable(m)
    y = cp.Variable((n, m), nonneg=True)
    cons = [cp.sum(y, axis=0) == 1, cp.sum(q) == 0]
    for i in range(n):
        own = np.flatnonzero(share[i] > 0)
        liked = np.flatnonzero(V[i] > 0)
        income = cp.log_sum_exp(q[own] + np.log(share[i, own]))
        cons.append(income + np.log(V[i, liked]) - q[liked] <= cp.log(V[i, liked] @ y[i, liked]))
        zero = np.flatnonzero(V[i] <= 0)
        if zero.size:
            cons.append(y[i, zero] == 0)
    prob = cp.Problem(cp.Minimize(0), cons)
    _solve_problem(prob, name, "arrow-debreu")
    P = np.exp(q.value - q.value.max())
    P = P / P.sum()
    x = np.maximum(y.value, 0.0)
    x = x / x.sum(axis=0, keepdims=True)
    spend = (x * P[None, :]).sum(axis=1)
    res = MarketResult("arrow-debreu-linear", P / instance.supply, x, spend, solver=f"cvxpy:{name} (Jain 2007)",
                       seconds=time.perf_counter() - t0)
    d = check_equilibrium("arrow-debreu-linear", instance, res)
    res.violation, res.details = d["max"], d
    return res
