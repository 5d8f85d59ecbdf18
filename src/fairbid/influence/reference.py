"""Slow, obviously-correct pure-Python references for every model, and exact spreads on tiny graphs.

These exist to check the numba kernels; they are written from the model definitions, not from the
kernels (dictionaries and sets, a whole step at a time), and are only usable on small graphs.

* :func:`simulate_cascade` -- one IC / CIC run: in each step every newly active node tries each
  out-edge once; a node reached by several successful attempts in one step takes the competitor
  of one of them chosen uniformly at random.
* :func:`simulate_threshold` -- one LT / CLT run (seed 001, Definition 6).
* :func:`exact_ic_spread` -- expected IC spread by enumerating all ``2^m`` live-edge worlds.
* :func:`exact_lt_spread` -- expected LT spread by enumerating every choice of at most one live
  in-edge per node (Kempe, Kleinberg, Tardos, KDD 2003, Thm 2.5: LT equals this live-edge model).
* :func:`brute_force_best` -- the best ``k``-set under an exact spread function.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np

from fairbid.core.errors import FairbidError
from fairbid.influence.graph import Graph


def _out_edges(graph: Graph) -> dict[int, list[tuple[int, float]]]:
    src, dst, w = graph.edges()
    out: dict[int, list[tuple[int, float]]] = {u: [] for u in range(graph.n)}
    for u, v, p in zip(src.tolist(), dst.tolist(), w.tolist()):
        out[u].append((v, p))
    return out


def simulate_cascade(
    graph: Graph, seed_sets: Sequence[Sequence[int]], rng: np.random.Generator, max_steps: int | None = None
) -> dict[int, int]:
    """One IC (one set) or CIC run; returns ``{node: competitor}`` for every active node."""
    out = _out_edges(graph)
    owner = {v: c for c, s in enumerate(seed_sets) for v in s}
    frontier = list(owner)
    step = 0
    while frontier and (max_steps is None or step < max_steps):
        step += 1
        successes: dict[int, list[int]] = {}
        for u in frontier:
            for v, p in out[u]:
                if v not in owner and rng.random() < p:
                    successes.setdefault(v, []).append(owner[u])
        for v, comps in successes.items():
            owner[v] = comps[int(rng.integers(len(comps)))]
        frontier = list(successes)
    return owner


def simulate_threshold(
    graph: Graph,
    seed_sets: Sequence[Sequence[int]],
    rng: np.random.Generator,
    thresholds: np.ndarray | None = None,
    max_steps: int | None = None,
) -> dict[int, int]:
    """One LT (one set) or CLT run; returns ``{node: competitor}`` for every active node.

    Thresholds are ``1 - U`` per node unless given. A node activates for the competitor whose
    accumulated weight from its own active in-neighbours reached the threshold, the largest such
    weight winning and exact ties broken uniformly at random.
    """
    out = _out_edges(graph)
    theta = (1.0 - rng.random(graph.n)) if thresholds is None else np.asarray(thresholds)
    owner = {v: c for c, s in enumerate(seed_sets) for v in s}
    acc: dict[int, dict[int, float]] = {}
    frontier = list(owner)
    step = 0
    while frontier and (max_steps is None or step < max_steps):
        step += 1
        for u in frontier:
            for v, w in out[u]:
                if v not in owner:
                    per = acc.setdefault(v, {})
                    per[owner[u]] = per.get(owner[u], 0.0) + w
        new = []
        for v, per in acc.items():
            if v in owner:
                continue
            ok = {c: a for c, a in per.items() if a >= theta[v]}
            if ok:
                top = max(ok.values())
                winners = sorted(c for c, a in ok.items() if a == top)
                new.append((v, winners[int(rng.integers(len(winners)))]))
        for v, c in new:
            owner[v] = c
        frontier = [v for v, _ in new]
    return owner


def counts_per_competitor(owner: dict[int, int], ncomp: int) -> np.ndarray:
    """Active nodes per competitor from a ``{node: competitor}`` map."""
    out = np.zeros(ncomp, dtype=np.int64)
    for c in owner.values():
        out[c] += 1
    return out


def _reach(adj: dict[int, list[int]], seeds: Sequence[int]) -> int:
    seen = set(seeds)
    stack = list(seeds)
    while stack:
        u = stack.pop()
        for v in adj.get(u, ()):
            if v not in seen:
                seen.add(v)
                stack.append(v)
    return len(seen)


def exact_ic_spread(graph: Graph, seeds: Sequence[int], max_edges: int = 20) -> float:
    """Expected IC spread of ``seeds`` by summing over all live-edge worlds (``m <= max_edges``)."""
    src, dst, w = graph.edges()
    if graph.m > max_edges:
        raise FairbidError("graph", f"too many edges for exact enumeration (at most {max_edges})", graph.m)
    total = 0.0
    for live in itertools.product((False, True), repeat=graph.m):
        prob = 1.0
        adj: dict[int, list[int]] = {}
        for i, on in enumerate(live):
            prob *= w[i] if on else 1.0 - w[i]
            if on:
                adj.setdefault(int(src[i]), []).append(int(dst[i]))
        if prob:
            total += prob * _reach(adj, seeds)
    return total


def exact_lt_spread(graph: Graph, seeds: Sequence[int], max_worlds: int = 200_000) -> float:
    """Expected LT spread by enumerating, per node, one live in-edge (prob. ``w``) or none."""
    choices = []
    worlds = 1
    for v in range(graph.n):
        lo, hi = graph.in_indptr[v], graph.in_indptr[v + 1]
        ins = list(zip(graph.in_indices[lo:hi].tolist(), graph.in_weights[lo:hi].tolist()))
        rest = 1.0 - sum(p for _, p in ins)
        if rest < -1e-9:
            raise FairbidError("weights", f"LT needs in-weights summing to at most 1 (node {v})", 1.0 - rest)
        choices.append([(None, max(rest, 0.0))] + ins)
        worlds *= len(choices[-1])
    if worlds > max_worlds:
        raise FairbidError("graph", f"too many live-edge worlds for exact enumeration (at most {max_worlds})", worlds)
    total = 0.0
    for pick in itertools.product(*choices):
        prob = 1.0
        adj: dict[int, list[int]] = {}
        for v, (u, p) in enumerate(pick):
            prob *= p
            if u is not None:
                adj.setdefault(u, []).append(v)
        if prob:
            total += prob * _reach(adj, seeds)
    return total


def brute_force_best(n: int, k: int, value: Callable[[Sequence[int]], float]) -> tuple[tuple[int, ...], float]:
    """The ``k``-subset of ``range(n)`` maximising ``value`` (first in lexicographic order on ties)."""
    best, best_val = (), -np.inf
    for subset in itertools.combinations(range(n), k):
        val = value(subset)
        if val > best_val + 1e-12:
            best, best_val = subset, val
    return best, float(best_val)
