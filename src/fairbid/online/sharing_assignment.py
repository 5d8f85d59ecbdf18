"""Assignment problems in the sharing economy (seed 000, talk 11: roommates and ridesharing).

The abstract names the two problems and says approximation algorithms exist; it gives no model or
algorithm, so the definitions below are our reading (documented, with the choices as parameters).

**Roommates.** 2n people, n rooms of two. Person i values room r at ``v[i, r] >= 0`` and roommate j at
``w[i, j] >= 0`` (directed; the diagonal is ignored). Welfare of an assignment = sum over people of
their room value plus their value for their roommate. (This is the model of the roommate market of
Chan, Huang, Liu, Zhang and Zhang, AAAI 2016, as far as we know the talk's source; their algorithms
are not in the abstract and are not reproduced.)

* :func:`roommates_exact`: a MIP over (pair, room) binaries solved by HiGHS (``scipy.optimize.milp``),
  or ``method="brute"``: every perfect pairing times every room permutation (n <= 6).
* :func:`roommates_approx`: best of two polynomial candidates, a **1/2-approximation** for nonnegative
  values. *pairing-first*: a maximum-weight perfect pairing on ``w[i, j] + w[j, i]`` (networkx
  ``max_weight_matching``), then the optimal pair-to-room assignment (``linear_sum_assignment``).
  *rooms-first*: the optimal assignment of people to the 2n room slots ignoring roommates
  (``linear_sum_assignment``), whoever shares a room are roommates.
  *Proof.* Write OPT = R* + M*, its room part and its roommate part. The pairing-first welfare is at
  least its pairing's roommate value (room values are >= 0), which is at least M* (OPT's pairing is a
  candidate pairing). The rooms-first welfare is at least its slot value (roommate values are >= 0),
  which is at least R* (OPT's room assignment is a slot assignment). So max >= max(R*, M*) >= OPT / 2.
  The same argument shows ``R_max + M_max`` (each part maximized alone) is an upper bound on OPT;
  it is reported as ``upper_bound`` so the ratio is certified on instances too large to solve.

**Ridesharing** (Bei, Zhang, "Algorithms for trip-vehicle assignment in ride-sharing", AAAI 2018):
n cars at points ``c_k``, 2n requests (pick-up ``s_i``, drop-off ``t_i``) in a metric space (Euclidean
here: parameter ``metric``); each car serves exactly two requests; ``cost(k, {i, j})`` = distance
driven by car k from its position to serve both, the best of the six stop orders in which each
pick-up precedes its drop-off (``orders="all"``; ``"shared"`` keeps the four with both passengers on
board together). The objective is the total distance. :func:`rideshare_match_assign` is Bei-Zhang's
algorithm: pair the requests by a minimum-cost perfect matching on ``u(i, j)`` = the shortest route
serving both (starting at either pick-up, no car), then assign pairs to cars by a minimum-cost
bipartite matching on ``cost(k, pair)``; Bei and Zhang prove a ratio of at most 2.5 in any metric.
Which stop orders their cost admits is not in the abstract: the default admits all six
precedence-feasible orders (our reading); with either setting the 2.5 bound is checked against brute
force on random Euclidean instances (tests), not re-proved here.
:func:`rideshare_exact`: brute force (every pairing, the optimal car assignment by enumeration of
permutations, n <= 5) or a MIP over (car, pair) binaries (HiGHS).
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from fairbid.core.errors import FairbidError, check_choice, check_int

#: Largest instance accepted (rooms / cars); the MIP has C(2n, 2) * n binaries.
MAX_UNITS = 60
#: Brute force limits (rooms / cars).
BRUTE_MAX_ROOMS = 6
BRUTE_MAX_CARS = 5
ROOMMATE_CANDIDATES = ("pairing-first", "rooms-first")
RIDE_ORDERS = ("all", "shared")


def perfect_pairings(items: list[int]) -> Iterator[list[tuple[int, int]]]:
    """Every perfect pairing of ``items`` (an even list): (2k - 1)!! of them."""
    if not items:
        yield []
        return
    a = items[0]
    for k in range(1, len(items)):
        rest = items[1:k] + items[k + 1:]
        for p in perfect_pairings(rest):
            yield [(a, items[k])] + p


# ------------------------------------------------------------------------------------------------
# Roommates
# ------------------------------------------------------------------------------------------------
def _check_roommates(v: Any, w: Any, allow_negative: bool = False, what: str = "") -> tuple[np.ndarray, np.ndarray]:
    pre = f"{what}: " if what else ""
    v = np.asarray(v, dtype=float)
    w = np.asarray(w, dtype=float)
    if v.ndim != 2 or v.shape[0] == 0:
        raise FairbidError(pre + "room_values", "must be a matrix people x rooms", v.shape)
    p, r = v.shape
    if p % 2:
        raise FairbidError(pre + "room_values", "needs an even number of people (rows), two per room", p)
    if p != 2 * r:
        raise FairbidError(pre + "room_values", f"needs 2 people per room: {p} people for {r} rooms", v.shape)
    if r > MAX_UNITS:
        raise FairbidError(pre + "room_values", f"at most {MAX_UNITS} rooms", r)
    if w.shape != (p, p):
        raise FairbidError(pre + "roommate_values", f"must be a {p} x {p} matrix (person x person)", w.shape)
    for name, m in (("room_values", v), ("roommate_values", w)):
        if not np.all(np.isfinite(m)):
            raise FairbidError(pre + name, "must be finite", "nan/inf")
        if not allow_negative and np.any(m < 0):
            raise FairbidError(pre + name, "must be >= 0 (the 1/2 guarantee needs nonnegative values)", float(m.min()))
    w = w.copy()
    np.fill_diagonal(w, 0.0)  # nobody is their own roommate; the diagonal carries no meaning
    return v, w


def roommate_welfare(v: np.ndarray, w: np.ndarray, pairs: list[tuple[int, int]], rooms: list[int]) -> float:
    """Welfare of putting pair ``pairs[k]`` into room ``rooms[k]``."""
    return float(sum(v[i, r] + v[j, r] + w[i, j] + w[j, i] for (i, j), r in zip(pairs, rooms)))


def _assign_pairs_to_rooms(v: np.ndarray, pairs: list[tuple[int, int]]) -> list[int]:
    from scipy.optimize import linear_sum_assignment

    M = np.array([v[i] + v[j] for i, j in pairs])
    rows, cols = linear_sum_assignment(M, maximize=True)
    rooms = [0] * len(pairs)
    for a, b in zip(rows, cols):
        rooms[a] = int(b)
    return rooms


def roommates_approx(v: Any, w: Any, candidates: tuple[str, ...] = ROOMMATE_CANDIDATES) -> dict[str, Any]:
    """Best of pairing-first and rooms-first: welfare >= OPT / 2 for nonnegative values.

    Parameters
    ----------
    v : array (2n, n)
        Room values ``v[i, r] >= 0``.
    w : array (2n, 2n)
        Roommate values ``w[i, j] >= 0`` (diagonal ignored).
    candidates : tuple of str
        Which candidates to compute (both by default; the guarantee needs both).

    Returns
    -------
    dict
        ``welfare``, ``pairs``, ``rooms``, ``chosen``, ``candidates`` (welfare of each),
        ``upper_bound`` (max room part + max roommate part >= OPT), ``certified_ratio`` (welfare /
        upper_bound, a lower bound on welfare / OPT).
    """
    import networkx as nx
    from scipy.optimize import linear_sum_assignment

    v, w = _check_roommates(v, w)
    for c in candidates:
        check_choice("candidates", c, ROOMMATE_CANDIDATES)
    if not candidates:
        raise FairbidError("candidates", "must name at least one candidate", candidates)
    p, r = v.shape
    sym = w + w.T
    # max-weight perfect pairing: complete graph, maxcardinality forces a perfect matching
    G = nx.Graph()
    G.add_nodes_from(range(p))
    G.add_weighted_edges_from((i, j, float(sym[i, j])) for i in range(p) for j in range(i + 1, p))
    pm = sorted(tuple(sorted(e)) for e in nx.max_weight_matching(G, maxcardinality=True))
    pair_value = float(sum(sym[i, j] for i, j in pm))
    slots = np.repeat(v, 2, axis=1)  # column 2r and 2r+1 are the two beds of room r
    rows, cols = linear_sum_assignment(slots, maximize=True)
    room_value = float(slots[rows, cols].sum())
    out: dict[str, Any] = {"candidates": {}}
    best = None
    if "pairing-first" in candidates:
        rooms = _assign_pairs_to_rooms(v, pm)
        val = roommate_welfare(v, w, pm, rooms)
        out["candidates"]["pairing-first"] = val
        best = (val, "pairing-first", pm, rooms)
    if "rooms-first" in candidates:
        occ: dict[int, list[int]] = {}
        for person, col in zip(rows, cols):
            occ.setdefault(int(col) // 2, []).append(int(person))
        pairs = [tuple(sorted(occ[k])) for k in sorted(occ)]
        rooms = sorted(occ)
        val = roommate_welfare(v, w, pairs, rooms)
        out["candidates"]["rooms-first"] = val
        if best is None or val > best[0]:
            best = (val, "rooms-first", pairs, rooms)
    ub = pair_value + room_value
    out.update(welfare=best[0], chosen=best[1], pairs=[list(map(int, x)) for x in best[2]],
               rooms=[int(x) for x in best[3]], upper_bound=ub,
               certified_ratio=best[0] / ub if ub > 0 else 1.0)
    return out


def roommates_exact(v: Any, w: Any, method: str = "mip") -> dict[str, Any]:
    """Maximum-welfare roommate assignment.

    Parameters
    ----------
    v, w : arrays
        As in :func:`roommates_approx`.
    method : {"mip", "brute"}
        ``mip``: binaries y[pair, room], each person in one (pair, room), each room one pair
        (HiGHS via ``scipy.optimize.milp``). ``brute``: all pairings x all room permutations
        (at most :data:`BRUTE_MAX_ROOMS` rooms).
    """
    check_choice("method", method, ("mip", "brute"))
    v, w = _check_roommates(v, w, allow_negative=True)
    p, r = v.shape
    if method == "brute":
        if r > BRUTE_MAX_ROOMS:
            raise FairbidError("method", f"'brute' handles at most {BRUTE_MAX_ROOMS} rooms", r)
        perms = np.array(list(itertools.permutations(range(r))))
        best = (-np.inf, None, None)
        for pm in perfect_pairings(list(range(p))):
            M = np.array([v[i] + v[j] + w[i, j] + w[j, i] for i, j in pm])  # pair x room
            vals = M[np.arange(r), perms].sum(axis=1)
            k = int(np.argmax(vals))
            if vals[k] > best[0]:
                best = (float(vals[k]), pm, perms[k].tolist())
        return {"welfare": best[0], "pairs": [list(x) for x in best[1]], "rooms": best[2], "method": "brute"}
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    pl = list(itertools.combinations(range(p), 2))
    nvar = len(pl) * r
    c = np.empty(nvar)
    rows, cols = [], []
    for k, (i, j) in enumerate(pl):
        for room in range(r):
            idx = k * r + room
            c[idx] = v[i, room] + v[j, room] + w[i, j] + w[j, i]
            rows += [i, j, p + room]
            cols += [idx, idx, idx]
    A = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(p + r, nvar)).tocsr()
    res = milp(-c, constraints=LinearConstraint(A, 1, 1), integrality=np.ones(nvar), bounds=Bounds(0, 1))
    if res.status != 0:
        raise RuntimeError(f"roommate MIP failed: {res.message}")
    sel = np.flatnonzero(res.x > 0.5)
    pairs = [list(pl[s // r]) for s in sel]
    rooms = [int(s % r) for s in sel]
    return {"welfare": float(c[sel].sum()), "pairs": pairs, "rooms": rooms, "method": "mip"}


def random_roommates(rooms: int, seed: Any = 0, kind: str = "uniform") -> tuple[np.ndarray, np.ndarray]:
    """A random instance: values U[0, 1] (``kind="uniform"``) or room-heavy/roommate-heavy mixtures."""
    from fairbid.core.rng import as_generator

    rooms = check_int("rooms", rooms, minimum=1, maximum=MAX_UNITS)
    check_choice("kind", kind, ("uniform", "rooms", "mates", "sparse"))
    g = as_generator(seed)
    p = 2 * rooms
    v, w = g.random((p, rooms)), g.random((p, p))
    if kind == "rooms":
        w *= 0.1
    elif kind == "mates":
        v *= 0.1
    elif kind == "sparse":
        v *= g.random((p, rooms)) < 0.2
        w *= g.random((p, p)) < 0.2
    np.fill_diagonal(w, 0.0)
    return v, w


# ------------------------------------------------------------------------------------------------
# Ridesharing
# ------------------------------------------------------------------------------------------------
def _check_rides(cars: Any, sources: Any, dests: Any, what: str = "") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    pre = f"{what}: " if what else ""
    cars = np.asarray(cars, dtype=float)
    sources = np.asarray(sources, dtype=float)
    dests = np.asarray(dests, dtype=float)
    if cars.ndim != 2 or cars.shape[0] == 0:
        raise FairbidError(pre + "cars", "must be a non-empty list of points", cars.shape)
    n, d = cars.shape
    if n > MAX_UNITS:
        raise FairbidError(pre + "cars", f"at most {MAX_UNITS} cars", n)
    if sources.shape != (2 * n, d):
        raise FairbidError(pre + "sources", f"needs exactly 2 requests per car: {2 * n} points of dimension {d}",
                           sources.shape)
    if dests.shape != sources.shape:
        raise FairbidError(pre + "destinations", f"must match sources: {2 * n} points of dimension {d}", dests.shape)
    for name, m in (("cars", cars), ("sources", sources), ("destinations", dests)):
        if not np.all(np.isfinite(m)):
            raise FairbidError(pre + name, "must be finite", "nan/inf")
    return cars, sources, dests


def _orders(orders: str) -> list[tuple[int, int, int, int]]:
    """Stop sequences over (s_a, s_b, t_a, t_b) = (0, 1, 2, 3), starting with s_a (a is whoever is first)."""
    check_choice("orders", orders, RIDE_ORDERS)
    seqs = [(0, 1, 2, 3), (0, 1, 3, 2)]  # both on board together
    if orders == "all":
        seqs.append((0, 2, 1, 3))  # serve a, then b
    return seqs


def pair_costs(cars: Any, sources: Any, dests: Any, orders: str = "all") -> tuple[np.ndarray, np.ndarray]:
    """``u[i, j]`` (best route serving i and j, from a pick-up) and ``cost[k, i, j]`` (car k serves both).

    Vectorized over all car/request/request triples (n cars: 4 n^3 route evaluations).
    """
    cars, s, t = _check_rides(cars, sources, dests)
    D = lambda a, b: np.linalg.norm(a[:, None, :] - b[None, :, :], axis=-1)  # noqa: E731
    ss, st, ts, tt = D(s, s), D(s, t), D(t, s), D(t, t)
    cs = D(cars, s)
    seqs = _orders(orders)
    m = len(s)
    # leg lengths for "a first": route a->b orders, as m x m matrices indexed [a, b]
    routes = []
    for seq in seqs:
        if seq == (0, 1, 2, 3):
            leg = ss + st.T + tt  # s_a -> s_b, s_b -> t_a (st[b, a] = st.T[a, b]), t_a -> t_b
        elif seq == (0, 1, 3, 2):
            leg = ss + np.diagonal(st)[None, :] + tt.T  # s_a -> s_b -> t_b -> t_a
        else:
            leg = np.diagonal(st)[:, None] + ts + np.diagonal(st)[None, :]  # s_a -> t_a -> s_b -> t_b
        routes.append(leg)
    first = np.min(routes, axis=0)  # [a, b]: best route that starts at s_a
    u = np.minimum(first, first.T)
    # car k: drive to s_a then best route from s_a, or to s_b then from s_b
    cost = np.minimum(cs[:, :, None] + first[None, :, :], cs[:, None, :] + first.T[None, :, :])
    idx = np.arange(m)
    u[idx, idx] = np.inf
    cost[:, idx, idx] = np.inf
    return u, cost


def rideshare_match_assign(cars: Any, sources: Any, dests: Any, orders: str = "all") -> dict[str, Any]:
    """Bei-Zhang match-and-assign: min-cost pairing on u, then min-cost car assignment (ratio <= 2.5)."""
    import networkx as nx
    from scipy.optimize import linear_sum_assignment

    u, cost = pair_costs(cars, sources, dests, orders)
    m = u.shape[0]
    G = nx.Graph()
    G.add_nodes_from(range(m))
    big = float(np.max(u[np.isfinite(u)], initial=0.0)) * 2 + 1.0
    # min-cost perfect matching = max-weight max-cardinality matching on (big - u)
    G.add_weighted_edges_from((i, j, big - float(u[i, j])) for i in range(m) for j in range(i + 1, m))
    pairs = sorted(tuple(sorted(e)) for e in nx.max_weight_matching(G, maxcardinality=True))
    M = np.array([[cost[k, i, j] for (i, j) in pairs] for k in range(cost.shape[0])])  # car x pair
    rows, cols = linear_sum_assignment(M)
    assign = [[int(k), list(map(int, pairs[c]))] for k, c in zip(rows, cols)]
    return {"cost": float(M[rows, cols].sum()), "assignment": assign,
            "pairing_cost": float(sum(u[i, j] for i, j in pairs)), "guarantee": 2.5}


def rideshare_exact(cars: Any, sources: Any, dests: Any, orders: str = "all", method: str = "brute"
                    ) -> dict[str, Any]:
    """Minimum total distance: ``brute`` (every pairing x every car permutation, n <= 5) or ``mip`` (HiGHS)."""
    check_choice("method", method, ("brute", "mip"))
    u, cost = pair_costs(cars, sources, dests, orders)
    n, m = cost.shape[0], cost.shape[1]
    if method == "brute":
        if n > BRUTE_MAX_CARS:
            raise FairbidError("method", f"'brute' handles at most {BRUTE_MAX_CARS} cars", n)
        perms = np.array(list(itertools.permutations(range(n))))
        best = (np.inf, None, None)
        for pm in perfect_pairings(list(range(m))):
            M = np.array([[cost[k, i, j] for (i, j) in pm] for k in range(n)])
            vals = M[np.arange(n), perms].sum(axis=1)  # perms[q][k]: pair given to car k
            q = int(np.argmin(vals))
            if vals[q] < best[0]:
                best = (float(vals[q]), pm, perms[q])
        assign = [[k, list(best[1][best[2][k]])] for k in range(n)]
        return {"cost": best[0], "assignment": assign, "method": "brute"}
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    pl = list(itertools.combinations(range(m), 2))
    nvar = n * len(pl)
    c = np.empty(nvar)
    rows, cols = [], []
    for k in range(n):
        for q, (i, j) in enumerate(pl):
            idx = k * len(pl) + q
            c[idx] = cost[k, i, j]
            rows += [k, n + i, n + j]
            cols += [idx, idx, idx]
    A = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n + m, nvar)).tocsr()
    res = milp(c, constraints=LinearConstraint(A, 1, 1), integrality=np.ones(nvar), bounds=Bounds(0, 1))
    if res.status != 0:
        raise RuntimeError(f"ridesharing MIP failed: {res.message}")
    sel = np.flatnonzero(res.x > 0.5)
    assign = [[int(s // len(pl)), list(pl[s % len(pl)])] for s in sel]
    return {"cost": float(c[sel].sum()), "assignment": assign, "method": "mip"}


def random_rides(cars: int, seed: Any = 0, dim: int = 2, kind: str = "uniform"
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Random Euclidean instance in the unit square (``uniform``) or with requests in clusters."""
    from fairbid.core.rng import as_generator

    cars = check_int("cars", cars, minimum=1, maximum=MAX_UNITS)
    check_choice("kind", kind, ("uniform", "clustered"))
    g = as_generator(seed)
    c = g.random((cars, dim))
    if kind == "uniform":
        return c, g.random((2 * cars, dim)), g.random((2 * cars, dim))
    centres = g.random((3, dim))
    s = centres[g.integers(0, 3, 2 * cars)] + 0.05 * g.standard_normal((2 * cars, dim))
    t = centres[g.integers(0, 3, 2 * cars)] + 0.05 * g.standard_normal((2 * cars, dim))
    return c, s, t


# ------------------------------------------------------------------------------------------------
# JSON instances (CLI)
# ------------------------------------------------------------------------------------------------
def load_roommates(path: str | Path, what: str = "--instance") -> tuple[np.ndarray, np.ndarray]:
    """``{"room_values": [[...] x rooms] x 2n, "roommate_values": 2n x 2n}`` from a JSON file."""
    from fairbid.core.validate import load_json_file, require_matrix, require_type

    data = require_type(what, load_json_file(path, what), dict, "an object")
    for key in data:
        if key not in ("room_values", "roommate_values"):
            raise FairbidError(what, "has an unknown field (expected room_values, roommate_values)", key)
    v = require_matrix(f"{what}: room_values", data.get("room_values"), low=0.0)
    w = require_matrix(f"{what}: roommate_values", data.get("roommate_values"), low=0.0)
    return _check_roommates(v, w, what=what)


def load_rides(path: str | Path, what: str = "--instance") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``{"cars": [[x, y], ...], "sources": [...], "destinations": [...]}`` (Euclidean points)."""
    from fairbid.core.validate import load_json_file, require_matrix, require_type

    data = require_type(what, load_json_file(path, what), dict, "an object")
    for key in data:
        if key not in ("cars", "sources", "destinations"):
            raise FairbidError(what, "has an unknown field (expected cars, sources, destinations)", key)
    c = require_matrix(f"{what}: cars", data.get("cars"))
    s = require_matrix(f"{what}: sources", data.get("sources"))
    t = require_matrix(f"{what}: destinations", data.get("destinations"))
    return _check_rides(c, s, t, what)


def worst_ratio_search(problem: str, units: int = 2, steps: int = 300, seed: Any = 0) -> dict[str, Any]:
    """Hill-climb for a bad instance: the lowest approx/OPT (roommates) or highest (rideshare) found.

    Random multiplicative perturbations of one random instance, kept when they worsen the ratio; the
    optimum is brute force (so ``units`` <= 4). An empirical probe of how close the proven bounds
    (1/2, 2.5) are, never a proof of tightness.

    Returns
    -------
    dict
        ``ratio`` (worst found), ``trace`` (ratio after each step), ``instance`` (as lists).
    """
    from fairbid.core.rng import as_generator

    check_choice("problem", problem, ("roommates", "rideshare"))
    units = check_int("units", units, minimum=1, maximum=4)
    steps = check_int("steps", steps, minimum=0, maximum=100_000)
    g = as_generator(seed)
    if problem == "roommates":
        inst = list(random_roommates(units, g, "sparse"))

        def ratio(x):
            opt = roommates_exact(x[0], x[1], "brute")["welfare"]
            return roommates_approx(x[0], x[1])["welfare"] / opt if opt > 0 else 1.0
        sign = 1.0  # minimize
    else:
        inst = list(random_rides(units, g))

        def ratio(x):
            return rideshare_match_assign(*x)["cost"] / rideshare_exact(*x)["cost"]
        sign = -1.0  # maximize
    cur = ratio(inst)
    trace = [cur]
    for _ in range(steps):
        k = int(g.integers(len(inst)))
        cand = [a.copy() for a in inst]
        if problem == "roommates":
            cand[k] = np.maximum(cand[k] * np.exp(0.5 * g.standard_normal(cand[k].shape))
                                 + (g.random(cand[k].shape) < 0.05) * g.random(cand[k].shape), 0.0)
            np.fill_diagonal(cand[1], 0.0)
        else:
            cand[k] = cand[k] + 0.2 * g.standard_normal(cand[k].shape)
        r = ratio(cand)
        if sign * r < sign * cur:
            inst, cur = cand, r
        trace.append(cur)
    return {"ratio": float(cur), "trace": trace, "instance": [a.tolist() for a in inst]}
