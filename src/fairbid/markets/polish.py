"""Exact polish of an approximate Fisher / first-price pacing equilibrium by one LP (scipy / HiGHS).

An interior-point or iterative solver gets the *support* (which buyer buys which good, which buyers are
paced) right long before it gets the numbers exact. With the spending ``b_ij = p_j x_ij`` as variables,
the equilibrium conditions on a fixed support are linear: ``sum_i b_ij = p_j`` (sold),
``sum_j b_ij = B_i`` (budget; ``<= B_i`` for unpaced buyers of a pacing market), ``p_j = beta_i v_ij``
on the support and ``p_j >= beta_i v_ij`` off it (maximum bang-per-buck: ``beta_i`` is buyer ``i``'s
price per unit of utility; in a first-price pacing market ``beta_i = alpha_i <= 1``, the pacing
multiplier, and the top paced bid sets the price). Any feasible point is an exact equilibrium, so the
polish either succeeds exactly or returns None (the caller keeps its own answer).
"""

from __future__ import annotations

import numpy as np


def lp_polish(V: np.ndarray, B: np.ndarray, support: np.ndarray, *, pacing: np.ndarray | None = None,
              paced_below: float = 1 - 1e-7, caps: np.ndarray | None = None,
              capped: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Solve the linear equilibrium system on ``support`` (bool n x m); return ``(x, P, beta)`` or None.

    ``pacing`` given: first-price pacing market, buyers with ``pacing < paced_below`` spend their whole
    budget, the others have ``beta_i = 1``. Without it: linear Fisher market (every budget spent).
    ``caps`` and ``capped`` given: Fisher market with satiation; a capped buyer has utility
    ``sum_j b_ij / beta_i = c_i``, i.e. ``sum_j b_ij = c_i beta_i <= B_i`` (linear), an uncapped one spends
    ``B_i`` with ``B_i <= c_i beta_i`` (her utility within the cap).
    Off-support MBB rows are ``n x m``; callers use it up to a few 10^5 cells.
    """
    import scipy.sparse as sp
    from scipy.optimize import linprog

    n, m = V.shape
    rows, cols = np.nonzero(support & (V > 0))
    k = rows.size
    if k == 0:
        return None
    # variables: b (k), P (m), beta (n)
    ob, oP, oB = 0, k, k + m
    nv = k + m + n
    eye_k = np.arange(k)
    A_eq_parts, b_eq = [], []
    # sold: sum_i b_ij - P_j = 0
    A_eq_parts.append(sp.coo_matrix((np.concatenate([np.ones(k), -np.ones(m)]),
                                     (np.concatenate([cols, np.arange(m)]), np.concatenate([eye_k, oP + np.arange(m)]))),
                                    shape=(m, nv)))
    b_eq.append(np.zeros(m))
    # on support: P_j - beta_i v_ij = 0
    A_eq_parts.append(sp.coo_matrix((np.concatenate([np.ones(k), -V[rows, cols]]),
                                     (np.concatenate([eye_k, eye_k]), np.concatenate([oP + cols, oB + rows]))),
                                    shape=(k, nv)))
    b_eq.append(np.zeros(k))
    spend = sp.coo_matrix((np.ones(k), (rows, eye_k)), shape=(n, nv))
    paced = np.ones(n, dtype=bool) if pacing is None else pacing < paced_below
    A_ub_parts, b_ub = [], []
    if caps is not None:
        cap = np.asarray(capped, dtype=bool)
        paced = ~cap
        ci = np.flatnonzero(cap)
        if ci.size:
            cb = sp.coo_matrix((-caps[ci], (np.arange(ci.size), oB + ci)), shape=(ci.size, nv))
            A_eq_parts.append(sp.csr_matrix(spend)[ci] + cb)
            b_eq.append(np.zeros(ci.size))
            A_ub_parts.append(sp.csr_matrix(spend)[ci])
            b_ub.append(B[ci])
        ui = np.flatnonzero(~cap & np.isfinite(caps))
        if ui.size:
            A_ub_parts.append(sp.coo_matrix((-caps[ui], (np.arange(ui.size), oB + ui)), shape=(ui.size, nv)))
            b_ub.append(-B[ui])
    A_eq_parts.append(sp.csr_matrix(spend)[np.flatnonzero(paced)])
    b_eq.append(B[paced])
    if pacing is not None and (~paced).any():
        A_ub_parts.append(sp.csr_matrix(spend)[np.flatnonzero(~paced)])
        b_ub.append(B[~paced])
    # off support: beta_i v_ij - P_j <= 0
    orow, ocol = np.nonzero(~support & (V > 0))
    ko = orow.size
    if ko:
        A_ub_parts.append(sp.coo_matrix((np.concatenate([V[orow, ocol], -np.ones(ko)]),
                                         (np.concatenate([np.arange(ko)] * 2), np.concatenate([oB + orow, oP + ocol]))),
                                        shape=(ko, nv)))
        b_ub.append(np.zeros(ko))
    bounds = [(0, None)] * (k + m) + [((0, 1) if pacing is not None and paced[i] else
                                        (1, 1) if pacing is not None else (0, None)) for i in range(n)]
    r = linprog(np.zeros(nv), A_ub=sp.vstack(A_ub_parts).tocsr() if A_ub_parts else None,
                b_ub=np.concatenate(b_ub) if b_ub else None, A_eq=sp.vstack(A_eq_parts).tocsr(),
                b_eq=np.concatenate(b_eq), bounds=bounds, method="highs")
    if r.status != 0:
        return None
    b = np.zeros((n, m))
    b[rows, cols] = np.maximum(r.x[:k], 0.0)
    P = np.maximum(r.x[oP:oP + m], 0.0)
    x = np.where(P[None, :] > 0, b / np.where(P > 0, P, 1.0)[None, :], 0.0)
    return x, P, r.x[oB:]


def forest_support(spending: np.ndarray, threshold: float = 1e-9) -> np.ndarray:
    """The maximum-spending spanning forest of the buyer-good spending graph, as a support mask.

    In a non-degenerate linear Fisher market the equilibrium spending graph is a forest (Orlin 2010;
    Devanur et al. 2008); an approximate solution carries extra tiny edges that make the exact system
    overdetermined. Kruskal on the spending (scipy's minimum spanning tree on ``1 / b_ij``) keeps the
    heaviest acyclic part.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import minimum_spanning_tree

    n, m = spending.shape
    r, c = np.nonzero(spending > threshold * spending.max())
    w = 1.0 / spending[r, c]
    g = coo_matrix((w, (r, n + c)), shape=(n + m, n + m)).tocsr()
    t = minimum_spanning_tree(g).tocoo()
    mask = np.zeros((n, m), dtype=bool)
    a, b = np.minimum(t.row, t.col), np.maximum(t.row, t.col)
    mask[a, b - n] = True
    return mask
