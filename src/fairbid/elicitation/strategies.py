"""Reporting strategies as row-stochastic matrices ``S[s, r] = P(report r | signal s)``."""

from __future__ import annotations

from itertools import permutations, product

import numpy as np

from fairbid.core.errors import FairbidError


def truthful(k: int) -> np.ndarray:
    return np.eye(k)


def permutation(perm: tuple[int, ...]) -> np.ndarray:
    """Report ``perm[s]`` on signal ``s``."""
    k = len(perm)
    s = np.zeros((k, k))
    s[np.arange(k), perm] = 1.0
    return s


def constant(k: int, r: int) -> np.ndarray:
    """Always report ``r`` (uninformative)."""
    s = np.zeros((k, k))
    s[:, r] = 1.0
    return s


def uninformative(dist: np.ndarray) -> np.ndarray:
    """Report a draw from ``dist`` whatever the signal (uninformative, mixed)."""
    d = np.asarray(dist, dtype=float)
    return np.tile(d / d.sum(), (d.size, 1))


def strategy_set(k: int, marginal: np.ndarray | None = None, *, max_permutations: int = 720) -> dict[str, np.ndarray]:
    """Truth-telling, every permutation strategy (``k! <= max_permutations``), every constant report,
    uniform random reports and (if ``marginal`` is given) random reports drawn from the prior marginal."""
    from math import factorial

    if factorial(k) > max_permutations:
        raise FairbidError("--signals", f"k! permutation strategies must be at most {max_permutations}", k)
    out = {"truthful": truthful(k)}
    for perm in permutations(range(k)):
        if perm != tuple(range(k)):
            out["perm:" + "".join(map(str, perm))] = permutation(perm)
    for r in range(k):
        out[f"constant:{r}"] = constant(k, r)
    out["random:uniform"] = uninformative(np.ones(k))
    if marginal is not None:
        out["random:marginal"] = uninformative(marginal)
    return out


def all_deterministic(k: int) -> dict[str, np.ndarray]:
    """All ``k^k`` deterministic strategies (maps signal -> report); mixed ones are their convex hull."""
    if k ** k > 50_000:
        raise FairbidError("--signals", "k^k deterministic strategies must be at most 50000", k)
    return {"map:" + "".join(map(str, f)): permutation(f) for f in product(range(k), repeat=k)}
