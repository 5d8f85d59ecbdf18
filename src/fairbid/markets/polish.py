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
from numba import njit


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
    oP, oB = k, k + m          # offsets of P and beta (b comes first)
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


# ---------------------------------------------------------------- exact finish on a spending forest
# In a linear Fisher market the equilibrium spending graph can be taken to be a forest (a vertex of the
# flow polytope; Orlin 2010, Devanur et al. 2008). Given that forest the equilibrium is pure arithmetic:
# inside a component every price is tied to its neighbour's by p_k / p_j = v_ik / v_ij (buyer i spends on
# both, so both are her maximum bang-per-buck), the component's prices add up to its buyers' budgets
# (every buyer spends everything there and every good is sold there), and the spending on each edge
# follows by peeling leaves. O(n + m), no solver: the caller verifies the result on the full matrix.


@njit(cache=True)
def _find(parent, a):  # pragma: no cover - numba
    while parent[a] != a:
        parent[a] = parent[parent[a]]
        a = parent[a]
    return a


@njit(cache=True)
def _kruskal(n, m, rows, cols, order):  # pragma: no cover - numba
    """Edges of ``order`` (indices) that join different trees, in that order: union-find."""
    parent = np.arange(n + m)
    keep = np.zeros(rows.size, np.bool_)
    for t in range(order.size):
        e = order[t]
        a = _find(parent, rows[e])
        b = _find(parent, n + cols[e])
        if a != b:
            parent[a] = b
            keep[e] = True
    return keep


@njit(cache=True)
def _forest_solve(n, m, rows, cols, vals, B):  # pragma: no cover - numba
    """Prices ``P`` (whole supply), ``beta`` (price per util), edge spending, and ok (a forest covering
    every buyer). Nodes ``0..n-1`` are buyers, ``n..n+m-1`` goods; BFS from a good in each component."""
    N = n + m
    k = rows.size
    start = np.zeros(N + 1, np.int64)
    for e in range(k):
        start[rows[e] + 1] += 1
        start[n + cols[e] + 1] += 1
    for v in range(N):
        start[v + 1] += start[v]
    adj = np.empty(2 * k, np.int64)
    pos = start[:-1].copy()
    for e in range(k):
        a = rows[e]
        b = n + cols[e]
        adj[pos[a]] = e
        pos[a] += 1
        adj[pos[b]] = e
        pos[b] += 1
    logpot = np.zeros(N)
    comp = -np.ones(N, np.int64)
    pedge = -np.ones(N, np.int64)
    order = np.empty(N, np.int64)
    head = 0
    ncomp = 0
    ok = True
    for s0 in range(N):
        s = (s0 + n) % N           # goods first: a component with a good is rooted at one
        if comp[s] >= 0:
            continue
        comp[s] = ncomp
        order[head] = s
        q = head
        head += 1
        while q < head:
            v = order[q]
            q += 1
            for t in range(start[v], start[v + 1]):
                e = adj[t]
                if e == pedge[v]:
                    continue
                w = n + cols[e] if v < n else rows[e]
                if comp[w] >= 0:
                    ok = False     # a cycle: not a forest
                    continue
                comp[w] = ncomp
                pedge[w] = e
                lv = np.log(vals[e])
                # good j -> buyer i: log beta_i = log p_j - log v_ij; buyer i -> good k: log p_k = log beta_i + log v_ik
                logpot[w] = logpot[v] - lv if v >= n else logpot[v] + lv
                order[head] = w
                head += 1
        ncomp += 1
    cmax = np.full(ncomp, -np.inf)
    for v in range(n, N):
        if logpot[v] > cmax[comp[v]]:
            cmax[comp[v]] = logpot[v]
    psum = np.zeros(ncomp)
    bsum = np.zeros(ncomp)
    for v in range(n, N):
        if start[v + 1] > start[v]:
            psum[comp[v]] += np.exp(logpot[v] - cmax[comp[v]])
    for i in range(n):
        bsum[comp[i]] += B[i]
    P = np.zeros(m)
    beta = np.zeros(n)
    for v in range(n, N):
        if start[v + 1] > start[v]:
            c = comp[v]
            P[v - n] = np.exp(logpot[v] - cmax[c]) * bsum[c] / psum[c]
    for i in range(n):
        if start[i + 1] == start[i]:
            ok = False             # a buyer with no edge cannot spend her budget
            continue
        c = comp[i]
        beta[i] = np.exp(logpot[i] - cmax[c]) * bsum[c] / psum[c]
    # Peel leaves (reverse BFS order): a buyer passes to her parent edge her budget minus what her child
    # edges took; a good passes its price minus what its child edges brought.
    acc = np.zeros(N)
    for v in range(n):
        acc[v] = B[v]
    for v in range(n, N):
        acc[v] = P[v - n]
    spend = np.zeros(k)
    for q in range(N - 1, -1, -1):
        v = order[q]
        e = pedge[v]
        if e < 0:
            continue
        f = acc[v]
        spend[e] = f
        w = n + cols[e] if v < n else rows[e]
        acc[w] -= f
    return P, beta, spend, ok


def spanning_forest(n: int, m: int, rows: np.ndarray, cols: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Mask of a maximum-``weight`` spanning forest of the buyer-good edges ``(rows, cols)`` (Kruskal)."""
    order = np.argsort(-weight, kind="stable")
    return _kruskal(int(n), int(m), np.ascontiguousarray(rows, dtype=np.int64),
                    np.ascontiguousarray(cols, dtype=np.int64), order.astype(np.int64))


def forest_equilibrium(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, B: np.ndarray,
                       m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Exact linear Fisher equilibrium candidate on a spending forest (unit supply).

    Parameters
    ----------
    rows, cols, vals : ndarray
        The forest's edges: buyer, good and value ``v_ij > 0`` (whole supply).
    B : ndarray (n,)
        Budgets.
    m : int
        Number of goods (a good without an edge gets price 0).

    Returns
    -------
    P : ndarray (m,)
        Prices of each good's whole supply: per component, ratios fixed by the edges, sum = budgets.
    beta : ndarray (n,)
        Each buyer's price per unit of utility on her edges (``1 / beta_i`` is her bang-per-buck).
    spend : ndarray (k,)
        Money on each edge; budgets spent and goods sold exactly. A negative entry means the forest is
        not the equilibrium's.
    ok : bool
        False when the edges hold a cycle or leave a buyer without an edge.

    Examples
    --------
    >>> import numpy as np
    >>> P, beta, s, ok = forest_equilibrium(np.array([0, 1, 1]), np.array([0, 0, 1]), np.array([1.0, 1.0, 3.0]),
    ...                                     np.array([1.0, 1.0]), 2)
    >>> [round(float(x), 6) for x in P], [round(float(x), 6) for x in s], ok
    ([0.5, 1.5], [1.0, -0.5, 1.5], True)
    """
    P, beta, spend, ok = _forest_solve(int(B.size), int(m), np.ascontiguousarray(rows, dtype=np.int64),
                                       np.ascontiguousarray(cols, dtype=np.int64),
                                       np.ascontiguousarray(vals, dtype=float), np.ascontiguousarray(B, dtype=float))
    return P, beta, spend, bool(ok)


def lp_polish_edges(n: int, m: int, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, B: np.ndarray,
                    support: np.ndarray, time_limit: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """:func:`lp_polish` for a linear Fisher market given as an edge list (a sparse candidate set).

    ``support`` (bool per edge) may hold cycles (degenerate markets: identical buyers); the MBB
    inequalities are written only for the candidate edges off the support, so the caller must verify the
    answer on the full valuation matrix. Returns ``(spend per edge, P, beta)`` or None when infeasible
    (or when HiGHS hits ``time_limit`` seconds).
    """
    import scipy.sparse as sp
    from scipy.optimize import linprog

    sup = np.flatnonzero(support)
    off = np.flatnonzero(~support)
    k, ko = sup.size, off.size
    r, c = rows[sup], cols[sup]
    oP, oB = k, k + m
    nv = k + m + n
    ek = np.arange(k)
    A_eq = sp.vstack([
        # sold: sum_i b_ij - P_j = 0
        sp.coo_matrix((np.r_[np.ones(k), -np.ones(m)], (np.r_[c, np.arange(m)], np.r_[ek, oP + np.arange(m)])),
                      shape=(m, nv)),
        # budget: sum_j b_ij = B_i
        sp.coo_matrix((np.ones(k), (r, ek)), shape=(n, nv)),
        # on the support: P_j - beta_i v_ij = 0
        sp.coo_matrix((np.r_[np.ones(k), -vals[sup]], (np.r_[ek, ek], np.r_[oP + c, oB + r])), shape=(k, nv)),
    ]).tocsr()
    b_eq = np.r_[np.zeros(m), B, np.zeros(k)]
    A_ub = b_ub = None
    if ko:
        # off the support: beta_i v_ij - P_j <= 0
        eo = np.arange(ko)
        A_ub = sp.coo_matrix((np.r_[vals[off], -np.ones(ko)], (np.r_[eo, eo], np.r_[oB + rows[off], oP + cols[off]])),
                             shape=(ko, nv)).tocsr()
        b_ub = np.zeros(ko)
    res = linprog(np.zeros(nv), A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=(0, None), method="highs",
                  options={} if time_limit is None else {"time_limit": float(time_limit)})
    if res.status != 0:
        return None
    spend = np.zeros(rows.size)
    spend[sup] = np.maximum(res.x[:k], 0.0)
    return spend, np.maximum(res.x[oP:oP + m], 0.0), res.x[oB:]


def transport_polish(n: int, m: int, rows: np.ndarray, cols: np.ndarray, B: np.ndarray,
                     P: np.ndarray, time_limit: float | None = None) -> np.ndarray | None:
    """Spending ``b >= 0`` on the edges ``(rows, cols)`` with row sums ``B`` and column sums ``P`` (HiGHS).

    With exact equilibrium prices known (ties make the spending graph hold cycles, so peeling a forest
    can give negative money while a non-negative split exists), what is left is a transportation
    feasibility problem: every buyer spends her budget, every good collects its price, only on the
    given (maximum bang-per-buck) edges. Returns the spending per edge, or None when infeasible (or
    when HiGHS hits ``time_limit`` seconds).
    """
    import scipy.sparse as sp
    from scipy.optimize import linprog

    k = rows.size
    e = np.arange(k)
    A = sp.vstack([sp.coo_matrix((np.ones(k), (rows, e)), shape=(n, k)),
                   sp.coo_matrix((np.ones(k), (cols, e)), shape=(m, k))]).tocsr()
    # The two sides carry the same total; drop one row so the system is not rank-deficient by design.
    res = linprog(np.zeros(k), A_eq=A[:-1], b_eq=np.r_[B, P][:-1], bounds=(0, None), method="highs",
                  options={} if time_limit is None else {"time_limit": float(time_limit)})
    if res.status != 0:
        return None
    return np.maximum(res.x, 0.0)
