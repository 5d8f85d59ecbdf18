"""Stackelberg security games (seed 000, "Computational Game Theory for Security").

Two solvers of the strong Stackelberg equilibrium (SSE: the leader commits to a mixed strategy, the
follower best-responds and breaks ties in the leader's favour):

* :func:`sse_multiple_lps` - Conitzer & Sandholm (EC 2006) "multiple LPs" on a general bimatrix game: one
  LP per follower pure strategy j (maximise the leader's payoff subject to j being a best response); the
  best of the feasible LPs is the SSE. Also :func:`security_sse_lps`, the same method on the compact
  security-game form (one LP per target, variables = coverage probabilities).
* :func:`origami` - Kiekintveld et al. (AAMAS 2009) ORIGAMI for the compact form without scheduling
  constraints: it lowers the attacker's best utility as far as ``m`` resources allow (the minimal attack
  set), then the attacker picks, within the attack set, the target best for the defender. Here the level
  is found in closed form after one sort (O(n log n), vectorised) instead of ORIGAMI's target-by-target
  loop; the result is the same coverage.

A compact game has targets ``t`` with utilities ``def_covered >= def_uncovered`` (defender) and
``att_covered <= att_uncovered`` (attacker); a coverage vector ``c`` with ``0 <= c_t <= 1``,
``sum c <= m`` gives ``U_d(t) = c_t Ud^c + (1 - c_t) Ud^u`` and likewise for the attacker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from fairbid.core.errors import FairbidError, check_array, check_float

__all__ = ["SecurityGame", "SSEResult", "origami", "security_sse_lps", "sse_multiple_lps",
           "security_game_from_json", "security_as_bimatrix"]

#: Tolerance (in attacker utility) for counting a target in the attack set.
ATTACK_SET_TOL = 1e-9


@dataclass(frozen=True)
class SecurityGame:
    """A compact security game: ``resources`` and four utility arrays of length ``n`` targets."""

    resources: float
    def_covered: np.ndarray
    def_uncovered: np.ndarray
    att_covered: np.ndarray
    att_uncovered: np.ndarray

    @classmethod
    def make(cls, resources: float, def_covered: Any, def_uncovered: Any, att_covered: Any,
             att_uncovered: Any) -> SecurityGame:
        """Validated constructor (finite numbers; covering helps the defender and hurts the attacker)."""
        m = check_float("resources", resources, 0.0, finite=True)
        arrs = [check_array(name, a, ndim=1) for name, a in (
            ("def_covered", def_covered), ("def_uncovered", def_uncovered),
            ("att_covered", att_covered), ("att_uncovered", att_uncovered))]
        n = arrs[0].size
        if n == 0:
            raise FairbidError("targets", "must not be empty", 0)
        for name, a in zip(("def_uncovered", "att_covered", "att_uncovered"), arrs[1:]):
            if a.size != n:
                raise FairbidError(name, f"must have {n} entries like def_covered", a.size)
        for a in arrs:
            if not np.all(np.isfinite(a)):
                raise FairbidError("target utilities", "must be finite", a[~np.isfinite(a)][0])
        bad = np.flatnonzero(arrs[0] < arrs[1])
        if bad.size:
            raise FairbidError(f"targets[{bad[0]}]", "def_covered must be >= def_uncovered",
                               (arrs[0][bad[0]], arrs[1][bad[0]]))
        bad = np.flatnonzero(arrs[2] > arrs[3])
        if bad.size:
            raise FairbidError(f"targets[{bad[0]}]", "att_covered must be <= att_uncovered",
                               (arrs[2][bad[0]], arrs[3][bad[0]]))
        return cls(m, *arrs)

    @property
    def n(self) -> int:
        return int(self.def_covered.size)

    def defender_utility(self, coverage: np.ndarray) -> np.ndarray:
        return coverage * self.def_covered + (1 - coverage) * self.def_uncovered

    def attacker_utility(self, coverage: np.ndarray) -> np.ndarray:
        return coverage * self.att_covered + (1 - coverage) * self.att_uncovered


@dataclass(frozen=True)
class SSEResult:
    """Coverage (or leader mixed strategy), the attacked target (follower response) and both utilities."""

    coverage: np.ndarray
    attacked: int
    defender_utility: float
    attacker_utility: float
    attack_set: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"coverage": self.coverage.tolist(), "attacked": self.attacked,
                "defender_utility": self.defender_utility, "attacker_utility": self.attacker_utility,
                "attack_set": list(self.attack_set)}


def security_game_from_json(data: Any) -> SecurityGame:
    """Build a :class:`SecurityGame` from ``{"resources": m, "targets": [{...}, ...]}`` (checked field by field)."""
    from fairbid.core.validate import require_number, require_type

    require_type("instance", data, dict, "a JSON object")
    for key in data:
        if key not in ("resources", "targets"):
            raise FairbidError("instance", "unknown field", key)
    if "resources" not in data:
        raise FairbidError("resources", "is missing")
    if "targets" not in data:
        raise FairbidError("targets", "is missing")
    m = require_number("resources", data["resources"], low=0, high=1e9)
    targets = require_type("targets", data["targets"], list, "a list of objects")
    if not targets:
        raise FairbidError("targets", "must not be empty", [])
    if len(targets) > 10**7:
        raise FairbidError("targets", "at most 10^7 targets", len(targets))
    fields = ("def_covered", "def_uncovered", "att_covered", "att_uncovered")
    cols: dict[str, list[float]] = {f: [] for f in fields}
    for i, t in enumerate(targets):
        require_type(f"targets[{i}]", t, dict, "an object")
        for key in t:
            if key not in fields:
                raise FairbidError(f"targets[{i}]", "unknown field", key)
        for f in fields:
            if f not in t:
                raise FairbidError(f"targets[{i}].{f}", "is missing")
            cols[f].append(require_number(f"targets[{i}].{f}", t[f], low=-1e12, high=1e12))
    return SecurityGame.make(m, *(cols[f] for f in fields))


def origami(game: SecurityGame) -> SSEResult:
    """SSE of a compact security game by ORIGAMI (minimal attack set), vectorised.

    The attacker's best utility ``x`` is pushed down until the coverage needed,
    ``R(x) = sum_t max(0, (Ua^u_t - x) / (Ua^u_t - Ua^c_t))``, uses all ``m`` resources, but never below
    ``max_t Ua^c_t`` (no target can be covered more than fully). ``R`` is piecewise linear and decreasing
    with breakpoints at the sorted ``Ua^u``, so ``x`` comes from one sort and a cumulative sum.
    """
    g = game
    delta = g.att_uncovered - g.att_covered
    # A target with delta == 0 cannot be made less attractive: it only bounds the level from below.
    floor = float(np.max(np.where(delta > 0, g.att_covered, g.att_uncovered)))
    order = np.argsort(-g.att_uncovered, kind="stable")
    u = g.att_uncovered[order]
    d = delta[order]
    pos = d > 0
    inv = np.where(pos, 1.0 / np.where(pos, d, 1.0), 0.0)
    # With the k highest targets in the set, R(x) = A_k - x B_k, A_k = sum u/d, B_k = sum 1/d.
    A = np.cumsum(u * inv)
    B = np.cumsum(inv)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_k = np.where(B > 0, (A - g.resources) / B, np.inf)
    # Level k is valid when x_k lies in [u_{k+1}, u_k] (the set is exactly the top k at that level).
    nxt = np.append(u[1:], -np.inf)
    valid = (x_k <= u + 1e-12) & (x_k >= nxt - 1e-12)
    level = float(x_k[np.argmax(valid)]) if valid.any() else float(u[-1])
    if not valid.any() or not np.isfinite(level):
        level = float(u[-1])
    level = max(level, floor)
    cov = np.clip(np.where(delta > 0, (g.att_uncovered - level) / np.where(delta > 0, delta, 1.0), 0.0), 0.0, 1.0)
    att = g.attacker_utility(cov)
    best = float(att.max())
    attack_set = np.flatnonzero(att >= best - ATTACK_SET_TOL * max(1.0, abs(best)))
    dutil = g.defender_utility(cov)
    t = int(attack_set[np.argmax(dutil[attack_set])])
    return SSEResult(cov, t, float(dutil[t]), float(att[t]), tuple(int(i) for i in attack_set))


def security_sse_lps(game: SecurityGame) -> SSEResult:
    """SSE of a compact security game by one LP per target (multiple LPs on the coverage form; HiGHS).

    For target ``t``: maximise ``Ud(t)`` over coverage ``c`` with ``Ua(t) >= Ua(t')`` for every ``t'``,
    ``sum c <= m``, ``0 <= c <= 1``. The best feasible LP is the SSE.
    """
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix, vstack

    g = game
    n = g.n
    da = g.att_covered - g.att_uncovered  # Ua(t) = Ua^u_t + c_t da_t
    best: SSEResult | None = None
    budget = coo_matrix(np.ones((1, n)))
    for t in range(n):
        # Ua(t') - Ua(t) <= 0  <=>  c_t' da_t' - c_t da_t <= Ua^u_t - Ua^u_t'
        others = np.array([i for i in range(n) if i != t], dtype=int)
        k = others.size
        rows = np.concatenate([np.arange(k), np.arange(k)])
        cols = np.concatenate([others, np.full(k, t)])
        vals = np.concatenate([da[others], np.full(k, -da[t])])
        A = vstack([coo_matrix((vals, (rows, cols)), shape=(k, n)), budget]).tocsr()
        b = np.append(g.att_uncovered[t] - g.att_uncovered[others], g.resources)
        c = np.zeros(n)
        c[t] = -(g.def_covered[t] - g.def_uncovered[t])
        res = linprog(c, A_ub=A, b_ub=b, bounds=(0, 1), method="highs")
        if res.status != 0:
            continue
        cov = np.clip(res.x, 0, 1)
        du = float(g.defender_utility(cov)[t])
        if best is None or du > best.defender_utility + 1e-12:
            best = SSEResult(cov, t, du, float(g.attacker_utility(cov)[t]))
    assert best is not None  # the LP of a target with the highest Ua^u is always feasible (c = 0)
    return best


def sse_multiple_lps(leader: Any, follower: Any) -> SSEResult:
    """SSE of a bimatrix game by Conitzer-Sandholm multiple LPs (HiGHS).

    Parameters
    ----------
    leader, follower : array_like, shape (rows, cols)
        Payoffs; the leader picks a row distribution ``x``, the follower a column.

    Returns
    -------
    SSEResult
        ``coverage`` holds the leader's mixed strategy, ``attacked`` the follower's column.
    """
    from scipy.optimize import linprog

    A = check_array("leader payoffs", leader, ndim=2)
    B = check_array("follower payoffs", follower, ndim=2)
    if A.shape != B.shape:
        raise FairbidError("follower payoffs", f"must have the leader's shape {A.shape}", B.shape)
    if A.size > 10**6:
        raise FairbidError("payoff matrix", "at most 10^6 entries", A.size)
    r, k = A.shape
    best: SSEResult | None = None
    for j in range(k):
        # x . B[:, j'] - x . B[:, j] <= 0 for all j' ; sum x = 1
        Aub = (B - B[:, [j]]).T
        res = linprog(-A[:, j], A_ub=Aub, b_ub=np.zeros(k), A_eq=np.ones((1, r)), b_eq=[1.0],
                      bounds=(0, 1), method="highs")
        if res.status != 0:
            continue
        x = np.clip(res.x, 0, 1)
        x /= x.sum()
        val = float(x @ A[:, j])
        if best is None or val > best.defender_utility + 1e-12:
            best = SSEResult(x, j, val, float(x @ B[:, j]))
    assert best is not None
    return best


def security_as_bimatrix(game: SecurityGame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The compact game as a bimatrix game over pure schedules (``m`` integer resources on distinct targets).

    Returns ``(leader, follower, schedules)``; ``schedules[s]`` is the 0/1 coverage of pure strategy ``s``.
    Exponential in ``n``: for checks on small games only.
    """
    from itertools import combinations

    m = int(round(game.resources))
    if abs(m - game.resources) > 1e-12:
        raise FairbidError("resources", "must be an integer for the pure-schedule form", game.resources)
    n = game.n
    if n > 16:
        raise FairbidError("targets", "at most 16 for the pure-schedule form", n)
    m = min(m, n)
    rows = [np.isin(np.arange(n), s).astype(float) for s in combinations(range(n), m)]
    sched = np.array(rows) if rows else np.zeros((1, n))
    leader = game.def_uncovered + sched * (game.def_covered - game.def_uncovered)
    follower = game.att_uncovered + sched * (game.att_covered - game.att_uncovered)
    return leader, follower, sched
