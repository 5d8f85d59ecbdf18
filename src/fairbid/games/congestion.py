"""k-uniform mixed equilibria of network congestion games (seed 000, "Uniform Mixed Equilibria in Network
Congestion Games with Link Failures").

A k-uniform mixed strategy plays exactly ``k`` edge-disjoint source-destination paths, each with
probability ``1/k`` (the abstract's definition: any ``k - 1`` link failures leave the player a path). A
k-uniform mixed equilibrium is a profile from which no player lowers her cost by switching to another
k-uniform strategy. Latencies are affine, ``l_e(x) = a_e x + b_e``, players may be weighted.

READING (open point, stated in the abstract only by the equilibrium definition): a player's cost is the
EXPECTED latency of her mixture with the players' randomisations independent, ``c_i = (1/k) sum_{P in S_i}
sum_{e in P} E[l_e(load_e)]``; link failures motivate the k disjoint paths but do not enter the cost. For
affine latencies and edge-disjoint paths, ``E[load_e | i uses e] = w_i + sum_{j != i} w_j [e in S_j] / k``.
Social cost: ``sum_i w_i c_i``. With ``k = 1`` this is the ordinary (weighted) congestion game.

Equilibria are found by best-response dynamics over the enumerated k-sets of edge-disjoint simple paths
(small networks only) and verified by checking every deviation; the optimum is found by brute force over
all profiles, giving the price of anarchy of the equilibrium found (not the worst one unless
``all_equilibria`` is used).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from fairbid.core.errors import FairbidError, check_array, check_int

__all__ = ["CongestionGame", "uniform_strategies", "best_response_equilibrium", "social_cost",
           "player_costs", "is_equilibrium", "optimum", "all_equilibria", "congestion_game_from_json"]

MAX_STRATEGIES = 5_000
MAX_PROFILES = 2_000_000


@dataclass(frozen=True)
class CongestionGame:
    """Edges ``(u, v)`` with affine latencies ``a x + b``, a source and sink, player weights and ``k``."""

    edges: tuple[tuple[Any, Any], ...]
    a: np.ndarray
    b: np.ndarray
    source: Any
    sink: Any
    weights: np.ndarray
    k: int
    directed: bool = True

    @classmethod
    def make(cls, edges: Any, a: Any, b: Any, source: Any, sink: Any, weights: Any, k: int = 1,
             directed: bool = True) -> CongestionGame:
        edges = tuple(tuple(e) for e in edges)
        if not edges or any(len(e) != 2 for e in edges):
            raise FairbidError("edges", "must be a non-empty list of (u, v) pairs", edges[:3])
        a = check_array("a", a, low=0.0, ndim=1)
        b = check_array("b", b, low=0.0, ndim=1)
        if a.size != len(edges) or b.size != len(edges):
            raise FairbidError("a, b", f"must have one entry per edge ({len(edges)})", (a.size, b.size))
        if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
            raise FairbidError("a, b", "must be finite")
        w = check_array("weights", weights, low=0.0, ndim=1)
        if w.size == 0 or not np.all(np.isfinite(w)) or np.any(w <= 0):
            raise FairbidError("weights", "must be positive finite numbers, one per player", w.tolist()[:5])
        k = check_int("k", k, 1, 64)
        return cls(edges, a, b, source, sink, w, k, directed)


def uniform_strategies(game: CongestionGame) -> np.ndarray:
    """All k-uniform strategies as 0/1 edge-incidence rows (sets of k pairwise edge-disjoint simple paths)."""
    import networkx as nx

    G = nx.MultiDiGraph() if game.directed else nx.MultiGraph()
    for idx, (u, v) in enumerate(game.edges):
        G.add_edge(u, v, key=idx)
    if game.source not in G or game.sink not in G:
        raise FairbidError("source/sink", "must be nodes of the network", (game.source, game.sink))
    paths = []
    for p in nx.all_simple_edge_paths(G, game.source, game.sink):
        row = np.zeros(len(game.edges), dtype=bool)
        row[[e[2] for e in p]] = True
        paths.append(row)
        if len(paths) > 200:
            raise FairbidError("network", "has more than 200 simple paths: too large for enumeration", len(paths))
    strategies = []
    for combo in itertools.combinations(range(len(paths)), game.k):
        rows = np.array([paths[c] for c in combo])
        if rows.sum(axis=0).max() <= 1:  # pairwise edge-disjoint
            strategies.append(rows.any(axis=0))
            if len(strategies) > MAX_STRATEGIES:
                raise FairbidError("network", f"more than {MAX_STRATEGIES} k-uniform strategies", len(strategies))
    if not strategies:
        raise FairbidError("k", "no set of k edge-disjoint paths exists in this network", game.k)
    return np.array(strategies)


def player_costs(game: CongestionGame, use: np.ndarray) -> np.ndarray:
    """Expected cost of every player; ``use[i]`` is player i's 0/1 edge incidence (union of her k paths)."""
    u = use.astype(float)
    w = game.weights
    others = (w[:, None] * u).sum(axis=0)[None, :] - w[:, None] * u  # sum_{j != i} w_j [e in S_j]
    per_edge = game.a[None, :] * (w[:, None] + others / game.k) + game.b[None, :]
    return (u * per_edge).sum(axis=1) / game.k


def social_cost(game: CongestionGame, use: np.ndarray) -> float:
    """Weighted sum of the players' expected costs."""
    return float(game.weights @ player_costs(game, use))


def is_equilibrium(game: CongestionGame, profile: Any, strategies: np.ndarray | None = None,
                   tol: float = 1e-9) -> tuple[bool, float]:
    """(is it a k-uniform mixed equilibrium, largest cost reduction any single deviation achieves)."""
    S = uniform_strategies(game) if strategies is None else strategies
    prof = np.asarray(profile, dtype=int)
    base = player_costs(game, S[prof])
    gain = 0.0
    for i in range(prof.size):
        for s in range(len(S)):
            trial = prof.copy()
            trial[i] = s
            gain = max(gain, float(base[i] - player_costs(game, S[trial])[i]))
    return gain <= tol * max(1.0, float(base.max())), gain


def best_response_equilibrium(game: CongestionGame, seed: Any = None, max_rounds: int = 10_000
                              ) -> tuple[np.ndarray, np.ndarray]:
    """Best-response dynamics from a random profile; returns ``(profile, strategies)`` at a k-uniform equilibrium.

    Raises if ``max_rounds`` rounds of improvement do not converge (the abstract proves existence for
    affine latencies; convergence of this dynamics is not claimed for weighted players).
    """
    from fairbid.core.rng import as_generator

    S = uniform_strategies(game)
    rng = as_generator(seed)
    n = game.weights.size
    prof = rng.integers(0, len(S), n)
    for _ in range(max_rounds):
        moved = False
        for i in range(n):
            # Cost of each alternative strategy for player i, others fixed (vectorised over strategies).
            u = S[prof].astype(float)
            others = (game.weights[:, None] * u).sum(axis=0) - game.weights[i] * u[i]
            per_edge = game.a * (game.weights[i] + others / game.k) + game.b
            costs = (S * per_edge).sum(axis=1) / game.k
            best = int(np.argmin(costs))
            if costs[best] < costs[prof[i]] - 1e-12 * max(1.0, abs(costs[prof[i]])):
                prof[i] = best
                moved = True
        if not moved:
            return prof, S
    raise FairbidError("best-response dynamics", "did not converge", max_rounds)


def _profiles(n_players: int, n_strats: int) -> itertools.product:
    if float(n_strats) ** n_players > MAX_PROFILES:
        raise FairbidError("game", f"more than {MAX_PROFILES} profiles for brute force", n_strats**n_players)
    return itertools.product(range(n_strats), repeat=n_players)


def optimum(game: CongestionGame, strategies: np.ndarray | None = None) -> tuple[float, np.ndarray]:
    """Minimum social cost over all k-uniform profiles (brute force)."""
    S = uniform_strategies(game) if strategies is None else strategies
    best, arg = np.inf, None
    for prof in _profiles(game.weights.size, len(S)):
        c = social_cost(game, S[list(prof)])
        if c < best:
            best, arg = c, np.array(prof)
    return float(best), arg


def all_equilibria(game: CongestionGame, strategies: np.ndarray | None = None) -> list[tuple[np.ndarray, float]]:
    """Every pure profile of k-uniform strategies that is an equilibrium, with its social cost (brute force)."""
    S = uniform_strategies(game) if strategies is None else strategies
    out = []
    for prof in _profiles(game.weights.size, len(S)):
        ok, _ = is_equilibrium(game, prof, S)
        if ok:
            p = np.array(prof)
            out.append((p, social_cost(game, S[p])))
    return out


def congestion_game_from_json(data: Any, k: int = 1) -> CongestionGame:
    """``{"edges": [[u, v], ...], "a": [...], "b": [...], "source": s, "sink": t, "weights": [...],
    "directed": true}`` -> :class:`CongestionGame` (checked field by field)."""
    from fairbid.core.validate import require_type, require_vector

    require_type("instance", data, dict, "a JSON object")
    allowed = ("edges", "a", "b", "source", "sink", "weights", "directed")
    for key in data:
        if key not in allowed:
            raise FairbidError("instance", "unknown field", key)
    for key in allowed[:6]:
        if key not in data:
            raise FairbidError(key, "is missing")
    edges = require_type("edges", data["edges"], list, "a list of [u, v] pairs")
    if not edges or len(edges) > 200:
        raise FairbidError("edges", "must list 1 to 200 edges", len(edges))
    for i, e in enumerate(edges):
        require_type(f"edges[{i}]", e, list, "a [u, v] pair")
        if len(e) != 2 or not all(isinstance(x, (str, int)) and not isinstance(x, bool) for x in e):
            raise FairbidError(f"edges[{i}]", "must be a [u, v] pair of node names or integers", e)
    for key in ("source", "sink"):
        if not isinstance(data[key], (str, int)) or isinstance(data[key], bool):
            raise FairbidError(key, "must be a node name or integer", data[key])
    a = require_vector("a", data["a"], len(edges), low=0, high=1e12)
    b = require_vector("b", data["b"], len(edges), low=0, high=1e12)
    w = require_vector("weights", data["weights"], low=0, high=1e12)
    if not w or len(w) > 8:
        raise FairbidError("weights", "one weight per player, 1 to 8 players (brute-force PoA)", len(w))
    directed = require_type("directed", data.get("directed", True), bool, "true or false")
    return CongestionGame.make(edges, a, b, data["source"], data["sink"], w, k=k, directed=directed)
