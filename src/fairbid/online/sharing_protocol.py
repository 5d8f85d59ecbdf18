"""Network resource sharing (seed 000, talk 12): the bottleneck-decomposition equilibrium and its audit.

Model (Wu, Zhang, "Proportional response dynamics leads to market equilibrium", STOC 2007; truthfulness:
Cheng, Deng, Qi, Yan, "Truthfulness of a proportional sharing mechanism in resource exchange", IJCAI
2016, and the follow-up on edge misreports the talk presents). An undirected graph; node ``v`` owns
``w_v > 0`` units of a divisible resource and splits all of it among its neighbours; its utility is the
total it receives, ``U_v = sum_u x_uv`` (what it keeps has no value to it: parameter ``retained_value``
of the auditor, default 0, as in the papers).

**Bottleneck decomposition (BD).** For a vertex set S, ``Gamma(S)`` is the set of its neighbours and
``alpha(S) = w(Gamma(S)) / w(S)``. B1 is the *maximal* set minimizing alpha (minimizers of the
submodular ``w(Gamma(S)) - alpha* w(S)`` are closed under union, so it is unique), C1 = Gamma(B1);
remove B1 and C1 and repeat on what is left. Then ``alpha_1 < alpha_2 < ... <= 1``; for alpha_i < 1, B_i
is independent and disjoint from C_i; alpha = 1 only for the last pair, with B = C. The equilibrium
(Wu-Zhang's market equilibrium, the fixed point of proportional response) gives ``U_v = alpha_i w_v``
on B_i and ``U_v = w_v / alpha_i`` on C_i (``U_v = w_v`` when alpha = 1). Isolated vertices form a
pair with alpha = 0 and receive nothing.

Computed here three ways:

* ``method="flow"`` (exact): Dinkelbach iteration on the parametric min cut of the bipartite double
  cover (source -> v_L with capacity alpha w_v, v_L -> u_R unbounded for uv in E, u_R -> sink with
  capacity w_u; the cut of S is ``alpha w(V \\ S) + w(Gamma(S))``), with the weights turned into exact
  integers (every float is a dyadic rational) and networkx's max flow on Python integers, so ties
  are decided exactly. The maximal minimizer is read off the maximal min cut (nodes that cannot reach
  the sink in the residual graph). Levels with many nodes start from the support of the
  Charnes-Cooper LP's optimum (HiGHS), usually leaving one confirming max flow per level.
* ``method="enumerate"`` (independent reference, at most ``ENUM_MAX`` nodes): alpha of every subset,
  vectorized in numpy; near-ties within a relative ``1e-12`` count as ties.
* :func:`proportional_response`: the dynamics ``x_vu(t+1) = w_v x_uv(t) / U_v(t)`` from equal split;
  Wu and Zhang prove the utilities converge to the BD ones.

:func:`equilibrium_allocation` turns a decomposition into edge flows ``x_vu`` (a feasibility LP solved
by HiGHS: C_i -> B_i flows ``y`` with row sums ``w_u`` and column sums ``alpha_i w_v``, B_i -> C_i
flows ``y / alpha_i``, symmetric flows inside the alpha = 1 block), which is a fixed point of
proportional response.

**Audit.** :func:`audit_sharing` searches, for every node with the others truthful: reported resource
``w' in (0, w]`` (a grid plus scipy's bounded scalar search), hiding any subset of its incident edges
(all subsets up to ``max_exhaustive`` neighbours, else leave-one-out, hide-all and random subsets),
the two combined on a coarse grid, and optionally Sybil splits (two identities sharing ``w'`` and
partitioning the edges). The truthfulness theorem covers resource and edge misreports; Sybil splits
are outside it and the audit reports what it finds. Non-truthful comparison rules
(:data:`SHARING_RULES`) let the auditor show it can fail.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from fairbid.core.errors import FairbidError, check_choice, check_float, check_int
from fairbid.core.rng import SeedLike, as_generator

#: Largest (remaining) vertex set for ``method="enumerate"`` (2^16 subsets per level).
ENUM_MAX = 16
#: ``method="auto"`` enumerates up to this many nodes (faster than max flow there), else max flow.
AUTO_ENUM = 10
#: Largest network accepted from a file.
MAX_NODES = 100_000
#: Sharing rules the auditor can evaluate. ``bd``: the equilibrium above. ``equal-split``: every node
#: splits equally among its reported neighbours (what v receives does not depend on v's own report, so
#: it is trivially truthful under received-resource utility). ``need-weight``: a node splits in
#: proportion to 1 / (reported resource) of its neighbours (under-reporting pays). ``need-degree``: in
#: proportion to 1 / (reported degree) (hiding edges can pay).
SHARING_RULES = ("bd", "equal-split", "need-weight", "need-degree")
METHODS = ("auto", "flow", "enumerate")
#: networkx max-flow routine for ``method="flow"`` (any that returns the residual network works; this
#: one was the fastest of networkx's five on random sparse graphs of 300 nodes, about 2x preflow-push).
FLOW_FUNC = "shortest_augmenting_path"
#: Levels with at least this many remaining nodes start Dinkelbach from an LP near-minimizer (HiGHS).
LP_WARM_START = 40


# ------------------------------------------------------------------------------------------------
# The network
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SharingNetwork:
    """An undirected graph with a positive resource per node.

    Attributes
    ----------
    nodes : tuple of str
        Node names, index order.
    weights : ndarray of float, shape (n,)
        Resource ``w_v > 0``.
    edges : ndarray of int, shape (m, 2)
        Undirected edges ``(i, j)`` with ``i < j``, no duplicates, no self-loops.
    """

    nodes: tuple[str, ...]
    weights: np.ndarray
    edges: np.ndarray

    @property
    def n(self) -> int:
        return len(self.nodes)

    def index(self, name: str) -> int:
        try:
            return self.nodes.index(name)
        except ValueError:
            raise FairbidError("node", "is not in the network", name) from None

    def neighbours(self, i: int) -> list[int]:
        e = self.edges
        return sorted(e[e[:, 0] == i, 1].tolist() + e[e[:, 1] == i, 0].tolist())

    def degrees(self) -> np.ndarray:
        return np.bincount(self.edges.ravel(), minlength=self.n)

    def with_report(self, i: int, weight: float | None = None, hidden: tuple[int, ...] | list[int] = ()
                    ) -> "SharingNetwork":
        """The network as reported when node ``i`` reports ``weight`` and hides its edges to ``hidden``."""
        w = self.weights
        if weight is not None:
            w = w.copy()
            w[i] = weight
        e = self.edges
        if len(hidden):
            h = np.asarray(list(hidden))
            drop = ((e[:, 0] == i) & np.isin(e[:, 1], h)) | ((e[:, 1] == i) & np.isin(e[:, 0], h))
            e = e[~drop]
        return SharingNetwork(self.nodes, w, e)

    def to_dict(self) -> dict[str, Any]:
        return {"weights": {v: float(x) for v, x in zip(self.nodes, self.weights)},
                "edges": [[self.nodes[a], self.nodes[b]] for a, b in self.edges.tolist()]}


def sharing_network(weights: dict[str, float] | list[float], edges: list[tuple[Any, Any]] | np.ndarray,
                    what: str = "network") -> SharingNetwork:
    """Build and check a :class:`SharingNetwork`.

    Parameters
    ----------
    weights : dict name -> float, or list of float
        Resource per node (> 0, finite). A list names the nodes ``"0", "1", ...``.
    edges : list of pairs
        Undirected edges by name (or by index when ``weights`` is a list).
    what : str
        Name used in error messages.

    Raises
    ------
    FairbidError
        Non-positive or non-finite weights, self-loops, duplicate edges, unknown nodes.
    """
    if isinstance(weights, dict):
        names = [str(k) for k in weights]
        vals = list(weights.values())
    else:
        vals = list(np.asarray(weights, dtype=float).ravel())
        names = [str(i) for i in range(len(vals))]
    if not names:
        raise FairbidError(f"{what}: weights", "must name at least one node", 0)
    if len(names) > MAX_NODES:
        raise FairbidError(f"{what}: weights", f"must have at most {MAX_NODES} nodes", len(names))
    w = np.empty(len(vals))
    for k, (name, x) in enumerate(zip(names, vals)):
        w[k] = check_float(f"{what}: weights[{name!r}]", x, 0.0, low_open=True, finite=True)
    pos = {v: k for k, v in enumerate(names)}
    seen: set[tuple[int, int]] = set()
    rows = []
    for k, e in enumerate(list(edges) if not isinstance(edges, np.ndarray) else edges.tolist()):
        if not isinstance(e, (list, tuple)) or len(e) != 2:
            raise FairbidError(f"{what}: edges[{k}]", "must be a pair of node names", e)
        ab = []
        for x in e:
            key = str(x) if not isinstance(x, (bool,)) else None
            if key not in pos:
                raise FairbidError(f"{what}: edges[{k}]", "names a node without a weight", x)
            ab.append(pos[key])
        a, b = ab
        if a == b:
            raise FairbidError(f"{what}: edges[{k}]", "is a self-loop", e)
        a, b = min(a, b), max(a, b)
        if (a, b) in seen:
            raise FairbidError(f"{what}: edges[{k}]", "is a duplicate edge", e)
        seen.add((a, b))
        rows.append((a, b))
    arr = np.asarray(rows, dtype=np.int64).reshape(-1, 2)
    return SharingNetwork(tuple(names), w, arr)


def load_sharing_instance(path: str | Path, what: str = "--instance") -> SharingNetwork:
    """Read ``{"weights": {name: w, ...}, "edges": [[a, b], ...]}`` from a JSON file."""
    from fairbid.core.validate import load_json_file, require_number, require_type

    data = require_type(what, load_json_file(path, what), dict, "an object")
    for key in data:
        if key not in ("weights", "edges"):
            raise FairbidError(what, "has an unknown field (expected weights, edges)", key)
    weights = require_type(f"{what}: weights", data.get("weights"), dict, "an object {node: resource}")
    ws = {k: require_number(f"{what}: weights[{k!r}]", v, low=0.0) for k, v in weights.items()}
    edges = require_type(f"{what}: edges", data.get("edges", []), list, "a list of [a, b] pairs")
    for k, e in enumerate(edges):
        require_type(f"{what}: edges[{k}]", e, list, "a pair [a, b] of node names")
        if len(e) != 2:
            raise FairbidError(f"{what}: edges[{k}]", "must be a pair [a, b] of node names", e)
        for x in e:
            require_type(f"{what}: edges[{k}]", x, str, "a pair of node names (strings)")
    return sharing_network(ws, edges, what)


# ------------------------------------------------------------------------------------------------
# Bottleneck decomposition
# ------------------------------------------------------------------------------------------------
@dataclass
class Decomposition:
    """A bottleneck decomposition and the equilibrium utilities it implies.

    Attributes
    ----------
    alphas : list of float
        alpha_1 < alpha_2 < ... (alpha of each pair).
    pairs : list of (list of int, list of int)
        (B_i, C_i) as node indices (B = C for alpha = 1).
    utilities : ndarray
        ``U_v`` (alpha w_v on B, w_v / alpha on C).
    exact : list of Fraction or None
        alpha_i as exact fractions of the (dyadic) weights, for ``method="flow"``.
    method : str
    """

    alphas: list[float]
    pairs: list[tuple[list[int], list[int]]]
    utilities: np.ndarray
    exact: list[Fraction] | None = None
    method: str = "flow"

    def to_dict(self, net: SharingNetwork) -> dict[str, Any]:
        nm = net.nodes
        return {"method": self.method,
                "pairs": [{"alpha": a, "B": [nm[i] for i in b], "C": [nm[i] for i in c]}
                          for a, (b, c) in zip(self.alphas, self.pairs)],
                "utilities": {nm[i]: float(u) for i, u in enumerate(self.utilities)}}


def _adjacency_sets(n: int, edges: np.ndarray) -> list[set[int]]:
    adj: list[set[int]] = [set() for _ in range(n)]
    for a, b in edges.tolist():
        adj[a].add(b)
        adj[b].add(a)
    return adj


def _exact_int_weights(w: np.ndarray) -> list[int]:
    """Exact integers proportional to the float weights (every float is a dyadic rational)."""
    fr = [Fraction(float(x)) for x in w]
    den = 1
    for f in fr:
        den = math.lcm(den, f.denominator)
    return [int(f * den) for f in fr]


def _lp_start(rem: list[int], nb: dict[int, set[int]], W: list[int]) -> set[int] | None:
    """A near-minimizer from the Charnes-Cooper LP (HiGHS), to start Dinkelbach close to alpha*.

    min sum_u w_u y_u  s.t.  y_u >= x_v for every edge vu, sum_v w_v x_v = 1, x, y >= 0. Its optimum is
    the minimum ratio and the support of an optimal x is a minimizer (every level set is). Only a start:
    the exact min cut that follows decides, so floating-point error here cannot change the result.
    """
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    k = len(rem)
    pos = {v: j for j, v in enumerate(rem)}
    scale = float(max(W[v] for v in rem))
    wf = np.array([W[v] / scale for v in rem])
    pairs = [(pos[v], pos[u]) for v in rem for u in nb[v]]
    if not pairs:
        return None
    a = np.asarray(pairs)
    r = np.arange(len(pairs))
    # x_v - y_u <= 0 ; variables [x (k), y (k)]
    A = coo_matrix((np.r_[np.ones(len(r)), -np.ones(len(r))], (np.r_[r, r], np.r_[a[:, 0], k + a[:, 1]])),
                   shape=(len(pairs), 2 * k)).tocsr()
    res = linprog(np.r_[np.zeros(k), wf], A_ub=A, b_ub=np.zeros(len(pairs)),
                  A_eq=np.r_[wf, np.zeros(k)][None, :], b_eq=[1.0], bounds=(0, None), method="highs")
    if res.status != 0:
        return None
    x = res.x[:k]
    S = {rem[j] for j in np.flatnonzero(x > 1e-9 * x.max())}
    return S or None


def _max_min_ratio_set_flow(rem: list[int], adj: list[set[int]], W: list[int]) -> tuple[set[int], Fraction]:
    """Maximal S within ``rem`` minimizing w(Gamma(S)) / w(S), exactly (Dinkelbach + min cut)."""
    import networkx as nx
    from networkx.algorithms import flow as nxflow

    rs = set(rem)
    nb = {v: adj[v] & rs for v in rem}
    iso = {v for v in rem if not nb[v]}
    if iso:  # alpha = 0: the isolated vertices (and only they) have Gamma(S) empty
        return iso, Fraction(0)

    def gamma(S):
        return set().union(*(nb[v] for v in S))

    S = set(rem)
    if len(rem) >= LP_WARM_START:
        S = _lp_start(rem, nb, W) or S
    P, Q = sum(W[u] for u in gamma(S)), sum(W[v] for v in S)
    total = sum(W[v] for v in rem)
    while True:
        G = nx.DiGraph()
        for v in rem:
            G.add_edge("s", ("L", v), capacity=P * W[v])
            G.add_edge(("R", v), "t", capacity=Q * W[v])
            for u in nb[v]:
                G.add_edge(("L", v), ("R", u))  # no capacity attribute: unbounded
        R = getattr(nxflow, FLOW_FUNC)(G, "s", "t")  # residual network with exact integer flows
        cut = R.graph["flow_value"]
        # Maximal source side of a min cut: everything that cannot reach t in the residual graph.
        reach = {"t"}
        stack = ["t"]
        while stack:
            x = stack.pop()
            for u in R.pred[x]:
                if u not in reach and R[u][x]["flow"] < R[u][x]["capacity"]:
                    reach.add(u)
                    stack.append(u)
        S_new = {v for v in rem if ("L", v) not in reach}
        if cut >= P * total:  # no set beats P/Q: S_new is the maximal minimizer
            return S_new, Fraction(P, Q)
        # cut < P w(V) means Q w(Gamma(S_new)) < P w(S_new): strictly better ratio; iterate.
        P, Q = sum(W[u] for u in gamma(S_new)), sum(W[v] for v in S_new)


def _max_min_ratio_set_enum(rem: list[int], adj: list[set[int]], w: np.ndarray) -> tuple[set[int], float]:
    """Same by enumerating all subsets of ``rem`` (float, ties within a relative 1e-12)."""
    k = len(rem)
    if k > ENUM_MAX:
        raise FairbidError("method", f"'enumerate' handles at most {ENUM_MAX} nodes per level", k)
    idx = {v: j for j, v in enumerate(rem)}
    A = np.zeros((k, k))
    for v in rem:
        for u in adj[v]:
            if u in idx:
                A[idx[v], idx[u]] = 1.0
    masks = np.arange(1, 2 ** k, dtype=np.int64)
    member = ((masks[:, None] >> np.arange(k)) & 1).astype(float)
    wr = w[rem] / w[rem].max()  # ratios are scale-free; this keeps sums of huge weights finite
    gam = (member @ A) > 0
    ws = member @ wr
    # a set whose weight underflows to 0 after scaling cannot be ranked: left out (then 'flow' is needed)
    ratio = np.divide(gam @ wr, ws, out=np.full(len(ws), np.inf), where=ws > 0)
    amin = ratio.min()
    near = ratio <= amin * (1 + 1e-12)
    sel = member[near].any(axis=0)
    return {rem[j] for j in range(k) if sel[j]}, float(amin)


def bottleneck_decomposition(net: SharingNetwork, method: str = "auto") -> Decomposition:
    """Bottleneck decomposition of ``net`` and the equilibrium utilities.

    Parameters
    ----------
    net : SharingNetwork
    method : {"auto", "flow", "enumerate"}
        ``flow`` is exact (parametric min cut on exact integers); ``enumerate`` checks every subset
        (at most :data:`ENUM_MAX` nodes); ``auto`` enumerates up to :data:`AUTO_ENUM` nodes whose
        weights lie within a factor 1e9 of each other, else flow.

    Returns
    -------
    Decomposition
    """
    check_choice("method", method, METHODS)
    if method == "auto":  # enumeration works in floats: only for small networks with moderate weights
        moderate = bool(net.weights.max() <= 1e9 * net.weights.min())
        method = "enumerate" if net.n <= AUTO_ENUM and moderate else "flow"
    if method == "enumerate" and net.n > ENUM_MAX:
        raise FairbidError("method", f"'enumerate' handles at most {ENUM_MAX} nodes", net.n)
    adj = _adjacency_sets(net.n, net.edges)
    W = _exact_int_weights(net.weights) if method == "flow" else None
    rem = list(range(net.n))
    alphas: list[float] = []
    exact: list[Fraction] = []
    pairs = []
    U = np.zeros(net.n)
    w = net.weights
    while rem:
        if method == "flow":
            B, a = _max_min_ratio_set_flow(rem, adj, W)
            exact.append(a)
            af = float(a)
        else:
            B, af = _max_min_ratio_set_enum(rem, adj, w)
        rs = set(rem)
        C = set().union(*(adj[v] & rs for v in B)) if B else set()
        Bl, Cl = sorted(B), sorted(C)
        if af >= 1 - 1e-12 and method == "enumerate":
            af = 1.0  # alpha never exceeds 1; a float 1 - 1e-16 is the alpha = 1 block
        if not C:  # isolated vertices (alpha = 0 exactly): nothing to receive
            U[Bl] = 0.0
        elif B == C:
            U[Bl] = w[Bl]
        elif method == "flow":  # exact alpha: no underflow when weights are far apart
            a = exact[-1]
            U[Bl] = [float(a * Fraction(float(w[v]))) for v in Bl]
            U[Cl] = [float(Fraction(float(w[u])) / a) for u in Cl]
        else:
            if af == 0:
                raise FairbidError("method", "'enumerate' cannot resolve weights this far apart; use 'flow'",
                                   f"max/min weight {w.max():.3g}/{w.min():.3g}")
            U[Bl] = af * w[Bl]
            U[Cl] = w[Cl] / af
        alphas.append(af)
        pairs.append((Bl, Cl))
        rem = [v for v in rem if v not in B and v not in C]
    return Decomposition(alphas, pairs, U, exact if method == "flow" else None, method)


def _directed(net: SharingNetwork) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Directed edge arrays: edge k (< m) is edges[k] forward, k + m backward; rev[k] is its reverse."""
    m = len(net.edges)
    src = np.concatenate([net.edges[:, 0], net.edges[:, 1]])
    dst = np.concatenate([net.edges[:, 1], net.edges[:, 0]])
    rev = np.concatenate([np.arange(m, 2 * m), np.arange(m)])
    return src, dst, rev


def equilibrium_allocation(net: SharingNetwork, dec: Decomposition | None = None) -> dict[str, Any]:
    """Edge flows of the BD equilibrium (feasibility LP, HiGHS).

    Returns
    -------
    dict
        ``src``, ``dst`` (int arrays, directed edges: k and k + m are the two directions of edge k),
        ``x`` (amount sent along each directed edge), ``utilities`` (received totals),
        ``residual`` (largest violation of "v sends w_v, receives U_v" over non-isolated nodes).
    """
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    dec = dec or bottleneck_decomposition(net)
    m = len(net.edges)
    src, dst, rev = _directed(net)
    w = net.weights
    level = np.full(net.n, -1)
    side = np.zeros(net.n, dtype=int)  # 0: B, 1: C (alpha < 1); 2: alpha = 1 block
    for i, (a, (B, C)) in enumerate(zip(dec.alphas, dec.pairs)):
        level[B] = i
        level[C] = i
        if B == C:
            side[B] = 2
        else:
            side[C] = 1
    # Variables: one per undirected edge that the equilibrium uses. For a (B, C) pair the variable is
    # the C -> B amount y (B -> C carries y / alpha); in the alpha = 1 block it is the symmetric amount.
    used, rows, cols, vals, rhs = [], [], [], [], []
    alpha_of = np.asarray(dec.alphas)
    for k, (a, b) in enumerate(net.edges.tolist()):
        if level[a] != level[b] or dec.alphas[level[a]] == 0:
            continue
        if side[a] == 2 or side[a] != side[b]:
            used.append(k)
    used = np.asarray(used, dtype=np.int64)
    for j, k in enumerate(used.tolist()):
        a, b = net.edges[k]
        rows += [a, b]
        cols += [j, j]
        vals += [1.0, 1.0]
    # Row v: the y-sum at v. C node: sends y, so sum = w_u. B node: receives y, sum = alpha w_v.
    # alpha = 1 block: sum = w_v.
    for v in range(net.n):
        if level[v] < 0 or dec.alphas[level[v]] == 0:
            rhs.append(0.0)
        elif side[v] == 0:
            rhs.append(alpha_of[level[v]] * w[v])
        else:
            rhs.append(w[v])
    x = np.zeros(2 * m)
    if len(used):
        A = coo_matrix((vals, (rows, cols)), shape=(net.n, len(used))).tocsr()
        res = linprog(np.zeros(len(used)), A_eq=A, b_eq=np.asarray(rhs), bounds=(0, None), method="highs")
        if res.status != 0:
            raise RuntimeError(f"equilibrium flow LP failed: {res.message}")
        y = np.maximum(res.x, 0.0)
        for j, k in enumerate(used.tolist()):
            a, b = net.edges[k]
            if side[a] == 2:
                x[k] = x[k + m] = y[j]
            elif side[a] == 1:  # a in C sends y to b in B; b sends y / alpha back
                x[k], x[k + m] = y[j], y[j] / alpha_of[level[a]]
            else:
                x[k + m], x[k] = y[j], y[j] / alpha_of[level[a]]
    got = np.bincount(dst, x, minlength=net.n)
    sent = np.bincount(src, x, minlength=net.n)
    deg = net.degrees()
    live = deg > 0
    resid = float(max(np.max(np.abs(got - dec.utilities)[live], initial=0.0),
                      np.max(np.abs(sent - w)[live], initial=0.0)))
    return {"src": src, "dst": dst, "x": x, "utilities": got, "residual": resid}


def proportional_response(net: SharingNetwork, *, iterations: int = 100_000, tol: float = 1e-10,
                          x0: np.ndarray | None = None) -> dict[str, Any]:
    """Proportional response dynamics ``x_vu(t+1) = w_v x_uv(t) / U_v(t)`` (Wu-Zhang 2007).

    Parameters
    ----------
    net : SharingNetwork
    iterations : int
        At most this many rounds.
    tol : float
        Stop when no utility moves by more than ``tol * max(w)`` in a round.
    x0 : ndarray, optional
        Positive start on the directed edges (default: equal split).

    Returns
    -------
    dict
        ``utilities``, ``x`` (directed edges as in :func:`equilibrium_allocation`), ``iterations``,
        ``converged``.
    """
    iterations = check_int("iterations", iterations, minimum=1, maximum=10**8)
    tol = check_float("tol", tol, 0.0, finite=True)
    src, dst, rev = _directed(net)
    w = net.weights
    deg = net.degrees()
    x = w[src] / deg[src] if x0 is None else np.asarray(x0, dtype=float).copy()
    U = np.bincount(dst, x, minlength=net.n).astype(float)
    scale = tol * float(w.max())
    t = 0
    converged = len(src) == 0
    while t < iterations and not converged:
        # vectorized over all directed edges: what u gave v last round, scaled to v's budget
        x = w[src] * x[rev] / U[src]
        Un = np.bincount(dst, x, minlength=net.n)
        t += 1
        converged = bool(np.max(np.abs(Un - U)) <= scale)
        U = Un
    return {"utilities": U, "x": x, "src": src, "dst": dst, "iterations": t, "converged": converged}


# ------------------------------------------------------------------------------------------------
# Sharing rules and the audit
# ------------------------------------------------------------------------------------------------
def sharing_utilities(net: SharingNetwork, rule: str = "bd", method: str = "auto") -> np.ndarray:
    """Received resource per node under ``rule`` (one of :data:`SHARING_RULES`)."""
    check_choice("rule", rule, SHARING_RULES)
    if rule == "bd":
        return bottleneck_decomposition(net, method).utilities
    src, dst, _ = _directed(net)
    w = net.weights
    deg = net.degrees().astype(float)
    if len(src) == 0:
        return np.zeros(net.n)
    if rule == "equal-split":
        share = np.ones(len(src))
    elif rule == "need-weight":
        share = 1.0 / w[dst]
    else:
        share = 1.0 / deg[dst]
    norm = np.bincount(src, share, minlength=net.n)
    return np.bincount(dst, w[src] * share / norm[src], minlength=net.n)


@dataclass
class SharingAudit:
    """Result of :func:`audit_sharing`."""

    rule: str
    max_gain: float
    node: str | None
    deviation: dict[str, Any] | None
    profitable: bool
    tolerance: float
    evaluations: int
    sybil: bool
    retained_value: float
    per_node: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


#: Fractions of the true resource tried as reports (plus a bounded scalar search).
WEIGHT_GRID = (1e-6, 1e-3, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999)
#: Coarse fractions combined with every edge subset tried, and used by Sybil splits.
JOINT_GRID = (0.1, 0.5, 0.9, 1.0)


def _subsets(nbrs: list[int], max_exhaustive: int, samples: int, rng) -> list[tuple[int, ...]]:
    """Non-empty subsets of ``nbrs`` to hide (all when few, else leave-one-out, all and samples)."""
    k = len(nbrs)
    if k <= max_exhaustive:
        return [c for r in range(1, k + 1) for c in itertools.combinations(nbrs, r)]
    subs = {(x,) for x in nbrs} | {tuple(x for x in nbrs if x != d) for d in nbrs} | {tuple(nbrs)}
    for _ in range(samples):
        mask = rng.random(k) < 0.5
        if mask.any():
            subs.add(tuple(x for x, mm in zip(nbrs, mask) if mm))
    return sorted(subs)


def _sybil_net(net: SharingNetwork, i: int, group: tuple[int, ...], w1: float, w2: float) -> SharingNetwork:
    """Node i replaced by two identities: i keeps edges outside ``group`` and w1, a new node gets ``group``, w2."""
    n = net.n
    e = net.edges
    g = np.asarray(group)
    move = ((e[:, 0] == i) & np.isin(e[:, 1], g)) | ((e[:, 1] == i) & np.isin(e[:, 0], g))
    moved = e[move]
    other = np.where(moved[:, 0] == i, moved[:, 1], moved[:, 0])
    new_edges = np.concatenate([e[~move], np.column_stack([np.minimum(other, n), np.maximum(other, n)])])
    w = np.append(net.weights.copy(), w2)
    w[i] = w1
    return SharingNetwork(net.nodes + (net.nodes[i] + "#sybil",), w, new_edges)


def _restrict(net: SharingNetwork, keep: list[int]) -> tuple[SharingNetwork, list[int]]:
    """The sub-network of the connected components containing ``keep`` (and their new indices)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = net.n
    e = net.edges
    A = coo_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n))
    _, lab = connected_components(A, directed=False)
    mask = np.isin(lab, lab[keep])
    if mask.all():
        return net, list(keep)
    idx = np.flatnonzero(mask)
    new = np.full(n, -1, dtype=np.int64)
    new[idx] = np.arange(len(idx))
    sub = SharingNetwork(tuple(net.nodes[k] for k in idx), net.weights[idx], new[e[mask[e[:, 0]]]].reshape(-1, 2))
    return sub, [int(new[k]) for k in keep]


def audit_sharing(net: SharingNetwork, rule: str = "bd", *, nodes: list[str] | None = None,
                  method: str = "auto", max_exhaustive: int = 8, subset_samples: int = 32,
                  edges: bool = True, optimise: bool = True, joint: bool = True, sybil: bool = False, retained_value: float = 0.0,
                  tol: float = 1e-9, seed: SeedLike = 0) -> SharingAudit:
    """Search every node's misreports of resource and edges (others truthful); report the best gain.

    Parameters
    ----------
    net : SharingNetwork
        The true network.
    rule : str
        Sharing rule (:data:`SHARING_RULES`); ``bd`` is the protocol of the talk.
    nodes : list of str, optional
        Audit only these nodes (default: all).
    method : {"auto", "flow", "enumerate"}
        How ``bd`` is computed (see :func:`bottleneck_decomposition`).
    max_exhaustive, subset_samples : int
        Edge subsets: all when the degree is at most ``max_exhaustive``, else leave-one-out, single
        edges, all edges and ``subset_samples`` random subsets.
    edges : bool
        Try hiding edges (default); False audits resource reports (and Sybil splits) only.
    optimise : bool
        Add scipy's bounded scalar search over ``w' in (0, w]`` to the grid :data:`WEIGHT_GRID`.
    joint : bool
        Also try every edge subset together with the reports :data:`JOINT_GRID` times ``w``.
    sybil : bool
        Also try splitting into two identities (resource ``f w'`` and ``(1 - f) w'``, ``w'`` from
        :data:`JOINT_GRID`, f in 0.1..0.9, each neighbour attached to exactly one identity; all
        partitions up to ``max_exhaustive`` neighbours, else sampled). Utility = both identities' sum.
    retained_value : float
        Value to the node of each unit it withholds (``w - w'``). The model counts only what is
        received (default 0); 1 values withheld resource like received resource.
    tol : float
        A gain counts as profitable above ``tol * max(1, U_v)``.
    seed : seed-like
        For sampled edge subsets.

    Returns
    -------
    SharingAudit
    """
    check_choice("rule", rule, SHARING_RULES)
    check_choice("method", method, METHODS)
    max_exhaustive = check_int("max_exhaustive", max_exhaustive, minimum=0, maximum=16)
    subset_samples = check_int("subset_samples", subset_samples, minimum=0, maximum=10_000)
    retained_value = check_float("retained_value", retained_value, 0.0, finite=True)
    tol = check_float("tol", tol, 0.0, finite=True)
    rng = as_generator(seed)
    targets = list(range(net.n)) if nodes is None else [net.index(v) for v in nodes]
    count = 0

    def utility(rep: SharingNetwork, i: int, reported_w: float, extra: int | None = None) -> float:
        nonlocal count
        count += 1
        # Every rule is computed per connected component (BD of a disjoint union is the union of the
        # BDs), so only the deviator's component(s) are solved.
        keep = [i] if extra is None else [i, extra]
        sub, pos = _restrict(rep, keep) if rep.n > AUTO_ENUM else (rep, keep)  # small: not worth it
        U = sharing_utilities(sub, rule, method)
        got = U[pos[0]] + (U[pos[1]] if extra is not None else 0.0)
        return float(got + retained_value * (net.weights[i] - reported_w))

    base = sharing_utilities(net, rule, method)
    rep = SharingAudit(rule, 0.0, None, None, False, tol, 0, sybil, retained_value)
    for i in targets:
        wi = float(net.weights[i])
        u0 = float(base[i])
        row: dict[str, Any] = {"node": net.nodes[i], "truthful_utility": u0, "max_gain": 0.0, "deviation": None}

        def consider(u: float, dev: dict[str, Any]) -> None:
            g = u - u0
            if g > row["max_gain"]:
                row["max_gain"], row["deviation"] = g, dev

        for f in WEIGHT_GRID:
            consider(utility(net.with_report(i, weight=f * wi), i, f * wi), {"weight": f * wi, "hidden": []})
        if optimise:
            from scipy.optimize import minimize_scalar

            r = minimize_scalar(lambda x: -utility(net.with_report(i, weight=x), i, x), bounds=(wi * 1e-9, wi),
                                method="bounded", options={"xatol": wi * 1e-7, "maxiter": 60})
            consider(-float(r.fun), {"weight": float(r.x), "hidden": []})
        nbrs = net.neighbours(i)
        subsets = _subsets(nbrs, max_exhaustive, subset_samples, rng) if edges else []
        for s in subsets:
            names = [net.nodes[j] for j in s]
            for f in (JOINT_GRID if joint else (1.0,)):
                consider(utility(net.with_report(i, weight=f * wi, hidden=s), i, f * wi),
                         {"weight": f * wi, "hidden": names})
        if sybil and len(nbrs) >= 2:
            # partitions of the neighbours into two non-empty groups; the first neighbour stays with i
            if len(nbrs) - 1 <= max_exhaustive:
                groups = [c for r_ in range(1, len(nbrs)) for c in itertools.combinations(nbrs[1:], r_)]
            else:
                groups = sorted({tuple(x for x, mm in zip(nbrs[1:], rng.random(len(nbrs) - 1) < 0.5) if mm)
                                 for _ in range(subset_samples)} - {()})
            for g in groups:
                for f in JOINT_GRID:
                    for split in (0.1, 0.25, 0.5, 0.75, 0.9):
                        w1, w2 = split * f * wi, (1 - split) * f * wi
                        u = utility(_sybil_net(net, i, g, w1, w2), i, f * wi, extra=net.n)
                        consider(u, {"sybil": True, "weights": [w1, w2],
                                     "second_identity_edges": [net.nodes[j] for j in g]})
        # incentive ratio: best utility found over truthful utility (inf when truthful play gets nothing)
        row["ratio"] = (u0 + row["max_gain"]) / u0 if u0 > 0 else (1.0 if row["max_gain"] <= 0 else None)
        rep.per_node.append(row)
        if row["max_gain"] > rep.max_gain:
            rep.max_gain, rep.node, rep.deviation = float(row["max_gain"]), net.nodes[i], row["deviation"]
        if row["max_gain"] > tol * max(1.0, abs(u0)):
            rep.profitable = True
    rep.evaluations = count
    return rep
