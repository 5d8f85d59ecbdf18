"""Rank-order all-pay contests under complete information.

* One prize, any values: Baye, Kovenock, de Vries (1996), *The all-pay auction with complete
  information*. With prize values ``V1 >= V2 >= V3 >= ...`` (``V_i = v_i * P``), player 1 bids
  ``U[0, V2]``, player 2 bids 0 with probability ``1 - V2/V1`` and otherwise ``U[0, V2]``, the others
  bid 0. Expected efforts ``V2/2`` and ``V2^2/(2 V1)``. When ``V2 = V3`` there is a continuum of
  equilibria; ``ties="top-two"`` (the only choice so far) takes the one where the first two players in
  input order among the tied are active.
* Several prizes, equal values: Barut and Kovenock (1998), *The symmetric multiple prize all-pay
  auction with complete information*: the symmetric equilibrium in which every player mixes with a CDF
  ``G`` solving ``v * sum_j w_j pi_j(G(b)) - b = v * w_n`` (``pi_j(q)`` the chance of rank ``j`` when
  each other player bids below ``b`` with probability ``q``); full rent dissipation, each player's
  expected effort ``v (sum_j w_j - n w_n) / n``.

Several prizes with unequal values are not covered here (the equilibrium set is far richer, see
Siegel 2009); the functions raise a clear error rather than guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from fairbid.core.errors import FairbidError, check_array
from fairbid.contests.objectives import Objective, make_objective

MAX_PLAYERS = 10_000
#: Quantile grid for designer objectives of Barut-Kovenock strategies (Simpson's rule).
QUANTILE_GRID = 20_001


@dataclass(frozen=True)
class MixedBid:
    """A player's equilibrium bid distribution: an atom at 0 and a continuous CDF on ``(0, top]``."""

    cdf: Callable[[float], float]
    top: float
    atom: float
    mean: float
    ppf: Callable[[Any], Any] | None = None  # quantile function, when cheaper than inverting the CDF
    players: int = 2  # contest size (sets the cost of one ppf evaluation)

    def sf(self, b: float) -> float:
        return 1.0 - self.cdf(b)

    def expected(self, obj: Objective) -> float:
        """``E[f(bid)]`` for the designer objective ``f``."""
        if self.top <= 0:
            return float(obj(0.0))
        if obj.kind == "total":
            return float(self.mean)
        if self.ppf is not None and obj.kind != "binary":
            from scipy.integrate import simpson

            # E f(b) = integral_0^1 f(b(u)) du in quantile space (f continuous here), one vectorised
            # evaluation of the quantile function on a fixed grid.
            # grid x players kept below ~2e7 entries (memory), odd for Simpson's rule.
            size = int(min(QUANTILE_GRID, max(2001, 20_000_000 // max(1, self.players)))) | 1
            u = np.linspace(0.0, 1.0, size)
            return float(simpson(obj(self.ppf(u)), x=u))
        return obj.expected(self.sf, self.top)


def rank_probabilities(q: Any, n: int) -> np.ndarray:
    """``pi_j(q) = C(n-1, j-1) q^(n-j) (1-q)^(j-1)``, ``j = 1..n``: rank ``j`` among ``n`` when each of the
    other ``n - 1`` independently bids below you with probability ``q``. Shape ``q.shape + (n,)``."""
    q = np.asarray(q, dtype=float)[..., None]
    # The number of others bidding above is Binomial(n - 1, 1 - q).
    return binom_pmf(np.arange(n), n - 1, 1 - q)


def binom_pmf(m: Any, big_n: int, p: Any) -> np.ndarray:
    """Binomial pmf ``P(K = m)``, ``K ~ Bin(big_n, p)``, in log space (no overflowing ``C(N, m)``; a
    vectorised numpy expression, much faster than ``scipy.stats.binom.pmf`` on large grids). 0 outside
    ``0 <= m <= big_n``."""
    from scipy.special import gammaln, xlog1py, xlogy

    m = np.asarray(m, dtype=float)
    p = np.asarray(p, dtype=float)
    ok = (m >= 0) & (m <= big_n)
    mm = np.where(ok, m, 0.0)
    logc = gammaln(big_n + 1.0) - gammaln(mm + 1.0) - gammaln(big_n - mm + 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.exp(logc + xlogy(mm, p) + xlog1py(big_n - mm, -p))
    return np.where(ok, out, 0.0)


def _check(values: Any, prizes: Any) -> tuple[np.ndarray, np.ndarray]:
    v = check_array("--values", values, low=0.0, ndim=1)
    if not 2 <= v.size <= MAX_PLAYERS:
        raise FairbidError("--values", f"need between 2 and {MAX_PLAYERS} players", v.size)
    if not np.isfinite(v).all():
        raise FairbidError("--values", "must be finite", "inf")
    w = check_array("--prizes", prizes, low=0.0, ndim=1)
    if w.size == 0 or w.size > v.size or not np.isfinite(w).all():
        raise FairbidError("--prizes", f"need 1 to {v.size} finite prizes (one per rank)", w.size)
    if (np.diff(w) > 0).any():
        raise FairbidError("--prizes", "must be non-increasing (first prize first)", [float(x) for x in w])
    if w[0] <= 0:
        raise FairbidError("--prizes", "the first prize must be positive", w[0])
    return v, np.concatenate([w, np.zeros(v.size - w.size)])


def complete_info_equilibrium(values: Any, prizes: Any, *, ties: str = "top-two") -> list[MixedBid]:
    """Each player's equilibrium bid distribution in the complete-information all-pay contest.

    Parameters
    ----------
    values : array_like
        Player ``i`` values prize ``P`` at ``v_i * P`` (non-negative, at least two players).
    prizes : array_like
        Non-increasing prize vector (first prize first); shorter vectors are padded with zeros.
    ties : str
        Equilibrium selection when the second and third highest values tie (see module docstring).

    Examples
    --------
    BKV 1996 with values 1 and 0.5: efforts 0.25 and 0.125.

    >>> [round(s.mean, 6) for s in complete_info_equilibrium([1.0, 0.5], [1.0])]
    [0.25, 0.125]
    """
    from fairbid.core.errors import check_choice

    check_choice("ties", ties, ("top-two",))
    v, w = _check(values, prizes)
    n = v.size
    positive = int((w > 0).sum())
    if positive == 1:
        return _bkv(v * w[0])
    if np.ptp(v) == 0:
        return _barut_kovenock(float(v[0]), w)
    raise FairbidError("--prizes", "several prizes need equal --values under complete information "
                       "(Barut-Kovenock); use the i.i.d. ability model for unequal players", [float(x) for x in w[:positive]])


def _bkv(V: np.ndarray) -> list[MixedBid]:
    order = np.argsort(-V, kind="stable")
    v1, v2 = float(V[order[0]]), float(V[order[1]])
    zero = MixedBid(lambda b: 1.0, 0.0, 1.0, 0.0)
    out = [zero] * V.size
    if v2 <= 0:  # nobody can contest the strongest player: she wins at (almost) zero effort
        out[order[0]] = zero
        return out
    out[order[0]] = MixedBid(lambda b, c=v2: float(np.clip(b / c, 0.0, 1.0)), v2, 0.0, v2 / 2)
    atom = 1.0 - v2 / v1
    out[order[1]] = MixedBid(lambda b, c=v2, a=atom: float(np.clip(a + (1 - a) * b / c, 0.0, 1.0)) if b >= 0 else 0.0,
                             v2, atom, v2 * v2 / (2 * v1))
    return out


def _barut_kovenock(v: float, w: np.ndarray) -> list[MixedBid]:
    from scipy.optimize import brentq

    n = w.size
    top = v * (w[0] - w[-1])

    def payoff_at(q: float) -> float:  # v * sum_j w_j pi_j(q): increasing from v w_n to v w_1
        return float(v * rank_probabilities(q, n) @ w)

    def cdf(b: float) -> float:
        if b <= 0:
            return 0.0
        if b >= top:
            return 1.0
        return brentq(lambda q: payoff_at(q) - v * w[-1] - b, 0.0, 1.0, xtol=1e-14)

    def ppf(u: Any) -> Any:  # the bid at CDF level u: b(u) = v sum_j w_j pi_j(u) - v w_n
        return v * rank_probabilities(u, n) @ w - v * w[-1]

    mean = float(v * (w.sum() - n * w[-1]) / n)
    bid = MixedBid(cdf, top, 0.0, mean, ppf, n)
    return [bid] * n


def bid_payoff(i: int, b: float, values: Any, prizes: Any, strategies: list[MixedBid]) -> float:
    """Expected payoff of player ``i`` bidding ``b > 0`` against the others' mixed strategies.

    Player ``i`` gets rank ``j`` when exactly ``j - 1`` others bid more; the rank distribution is computed
    by a Poisson-binomial recursion over the others' ``P(bid < b)`` (ties have probability 0 for ``b > 0``).
    """
    v, w = _check(values, prizes)
    dist = np.zeros(v.size)
    dist[0] = 1.0  # number of others bidding above b
    for k, s in enumerate(strategies):
        if k == i:
            continue
        above = s.sf(b)
        dist[1:] = dist[1:] * (1 - above) + dist[:-1] * above
        dist[0] *= 1 - above
    return float(v[i] * dist @ w - b)


def equilibrium_gap(values: Any, prizes: Any, strategies: list[MixedBid], grid: int = 400) -> float:
    """Largest gain of a pure deviation over a player's expected equilibrium payoff (0 in equilibrium).

    The expected payoff of each player's own mixed strategy is integrated numerically against her CDF
    (atom at 0 plus the continuous part), independently of the closed forms; deviations are tried on a
    grid of ``grid`` bids over ``(0, max support]`` plus a bid just above the largest support.
    """
    from scipy.integrate import quad

    v, _ = _check(values, prizes)
    top = max(s.top for s in strategies)
    bids = np.linspace(top / grid, top * 1.001, grid) if top > 0 else np.array([1e-9])
    gap = 0.0
    for i, s in enumerate(strategies):
        pay = lambda b: bid_payoff(i, b, values, prizes, strategies)  # noqa: E731
        if s.top > 0:
            # E[payoff] = atom * payoff(0+) + integral payoff(b) dG(b), with dG by finite differences.
            h = s.top * 1e-6
            dens = lambda b: (s.cdf(min(b + h, s.top)) - s.cdf(max(b - h, 0.0))) / (min(b + h, s.top) - max(b - h, 0.0))  # noqa: E731
            own = s.atom * pay(1e-12) + quad(lambda b: pay(b) * dens(b), 0.0, s.top, limit=200)[0]
        else:
            own = pay(1e-12)
        best = max(pay(float(b)) for b in bids)
        gap = max(gap, best - own)
    return gap


def allpay(values: Any, prizes: Any, objective: Objective | None = None) -> dict[str, Any]:
    """Complete-information contest summary: expected effort per player, total, designer objective.

    Returns ``{"expected_effort": [...], "total_effort", "designer_objective", "objective": ...}``.
    """
    obj = objective or make_objective("total")
    strategies = complete_info_equilibrium(values, prizes)
    efforts = [float(s.mean) for s in strategies]
    cache: dict[int, float] = {}  # Barut-Kovenock players share one strategy object: integrate once
    for s in strategies:
        if id(s) not in cache:
            cache[id(s)] = s.expected(obj)
    designer = sum(cache[id(s)] for s in strategies)
    return {"model": "complete", "expected_effort": efforts, "total_effort": float(sum(efforts)),
            "designer_objective": float(designer), **obj.to_dict()}
