"""Symmetric equilibrium bids of seed 004 and a numerical equilibrium check.

* First price with reserve r (Eq. 2, Krishna, *Auction Theory*, 2nd ed., §2.5):
  β(x) = x − ∫_r^x F(t)^{N−1} dt / F(x)^{N−1} for x >= r. A bidder with x < r does not take part; we
  return her value, a bid below the reserve that never wins (and that is an equilibrium bid for the
  Equal-Possible part of pFP, where any bid in [r2, r1) is optimal, §IV-B).
* Second price and Equal-Possible: truthful bidding.
* pFP / pSP (Eqs. 11–12, Theorem 1): the classical part's equilibrium with reserve r1.

:func:`deviation_gain` checks a candidate symmetric strategy against any mixture of FP / SP / EP
parts: for sample values it computes the exact expected utility of every bid on a grid against N − 1
opponents who play the strategy (integrating over the distribution of the highest opponent value)
and reports the best gain over the candidate's own bid.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import integrate

from fairbid.auctions.distributions import ValueDistribution, parse_distribution
from fairbid.auctions.mechanisms import flat_components
from fairbid.auctions.spec import MechanismSpec
from fairbid.core.errors import FairbidError, check_array, check_float, check_int

GRID_SIZE = 8193


def _grid(dist: ValueDistribution, lo: float, hi: float, size: int) -> np.ndarray:
    """Union of an evenly spaced grid and a quantile grid on [lo, hi] (accurate where F moves fast)."""
    even = np.linspace(lo, hi, size)
    qlo, qhi = float(dist.cdf(lo)), float(dist.cdf(hi))
    quant = np.asarray(dist.ppf(np.linspace(qlo, qhi, size)), dtype=float)
    quant = np.clip(quant[np.isfinite(quant)], lo, hi)
    return np.unique(np.concatenate([even, quant, [lo, hi]]))


@dataclass(frozen=True)
class BidTable:
    """A bid function tabulated on a value grid, evaluated by linear interpolation.

    Values below ``xs[0]`` bid their value (they are below the reserve). Above ``xs[-1]`` the last bid
    is kept: past the table's end F ≈ 1, and then β(x) = x − ∫ F^{N−1} / F(x)^{N−1} is constant.
    """

    xs: np.ndarray
    bids: np.ndarray

    def __call__(self, x: Any) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        out = np.interp(x, self.xs, self.bids)
        return np.where(x < self.xs[0], x, out)


def first_price_table(
    dist: "ValueDistribution | str", n: int, reserve: float = 0.0, upper: float | None = None,
    grid_size: int = GRID_SIZE,
) -> BidTable:
    """Tabulate the FP equilibrium bid (Eq. 2 with reserve) on [max(r, lower), upper].

    The integral ∫_r^x F(t)^{N−1} dt is a cumulative Simpson rule on a grid that is the union of an
    evenly spaced and a quantile-spaced grid, so it is accurate for any F.
    """
    dist = parse_distribution(dist)
    n = check_int("N", n, minimum=1)
    reserve = check_float("reserve", reserve, 0.0)
    lo = max(reserve, dist.lower)
    hi = max(dist.quantile_upper(1e-12) if upper is None else float(upper), lo)
    if hi <= lo:
        return BidTable(np.array([lo, lo + 1.0]), np.array([lo, lo + 1.0]))
    xs = _grid(dist, lo, hi, grid_size)
    g = np.asarray(dist.cdf(xs), dtype=float) ** (n - 1)
    # Simpson, not trapezoid: near x = r the ratio ∫G / G(x) is a difference of tiny numbers and
    # trapezoid's O(h) relative error there shows up as ~1e-5 in the bid for N = 10.
    cum = integrate.cumulative_simpson(g, x=xs, initial=0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        shade = np.where(g > 0, cum / np.where(g > 0, g, 1.0), 0.0)
    # Where F(x)^{N-1} underflows the shading tends to 0 (β(x) → x as x → max(r, lower)).
    bids = np.where(g > 1e-300, xs - shade, xs)
    # β is increasing (Krishna §2.3); clear Simpson's last-digit wiggles so the table is too.
    return BidTable(xs, np.maximum.accumulate(np.maximum(bids, lo)))


def _first_price_bid_quad(x: float, dist: ValueDistribution, n: int, reserve: float) -> float:
    lo = max(reserve, dist.lower)
    if x < reserve:
        return x
    gx = float(dist.cdf(x)) ** (n - 1)
    if gx <= 1e-300 or x <= lo:
        return x
    val, _ = integrate.quad(lambda t: float(dist.cdf(t)) ** (n - 1), lo, x, limit=200, epsabs=1e-13, epsrel=1e-11)
    return x - val / gx


def first_price_bid(
    x: Any, dist: "ValueDistribution | str", n: int, reserve: float = 0.0, *, method: str = "auto",
    grid_size: int = GRID_SIZE,
) -> Any:
    """Symmetric first-price equilibrium bid with reserve (Eq. 2).

    Parameters
    ----------
    x : float or array-like
        Values (non-negative).
    dist : ValueDistribution or spec string
        The value distribution F.
    n : int
        Number of bidders N >= 1.
    reserve : float
        Reserve price r >= 0. Bidders with x < r bid x (below the reserve: they never win).
    method : {"auto", "quad", "grid"}
        ``"quad"``: scipy.integrate.quad per value (exact path, for scalars); ``"grid"``: one cumulative
        integral on a fine grid plus interpolation (vectorized); ``"auto"``: quad for a scalar, grid
        otherwise.

    Returns
    -------
    float or ndarray
        β(x), same shape as ``x``.

    Examples
    --------
    Textbook value for U[0, 1] without reserve, β(x) = (N − 1) / N · x (Krishna, Auction Theory, §2.3):

    >>> round(first_price_bid(0.5, "uniform:0:1", 5), 12)
    0.4
    """
    dist = parse_distribution(dist)
    n = check_int("N", n, minimum=1)
    reserve = check_float("reserve", reserve, 0.0)
    xa = check_array("values", x, low=0.0)
    if method not in ("auto", "quad", "grid"):
        raise FairbidError("method", "must be auto, quad or grid", method)
    if method == "quad" or (method == "auto" and xa.ndim == 0):
        out = np.array([_first_price_bid_quad(float(v), dist, n, reserve) for v in xa.ravel()]).reshape(xa.shape)
        return float(out) if xa.ndim == 0 else out
    hi = max(dist.quantile_upper(1e-12), float(xa.max(initial=0.0)))
    out = first_price_table(dist, n, reserve, upper=hi, grid_size=grid_size)(xa)
    return float(out) if xa.ndim == 0 else out


def bid_function(
    mechanism: "MechanismSpec | Any", dist: "ValueDistribution | str", n: int, *, upper: float | None = None,
) -> Callable[[Any], np.ndarray]:
    """The symmetric equilibrium strategy for ``mechanism`` as a vectorized callable values → bids.

    FP(r) and pFP(r1, ·, ·) (Eq. 11, Theorem 1): the FP bid with reserve r (r1), values below it bid
    their value. SP, EP, pSP (Eq. 12): truthful. Other mixtures: the strategy of the first-price
    part if there is exactly one (with its reserve), else truthful — which is an equilibrium only
    when every other part is simple (Theorem 1); :func:`deviation_gain` tells.

    Examples
    --------
    >>> beta = bid_function(MechanismSpec.pfp(0.2, 0.1, 0.05), "uniform:0:1", 2)
    >>> [round(float(b), 6) for b in beta([0.15, 0.5])]   # x below r1 bids x; x >= r1: (x² + r1²)/(2x)
    [0.15, 0.29]
    """
    dist = parse_distribution(dist)
    n = check_int("N", n, minimum=1)
    fps = [r for _, kind, r, _ in flat_components(mechanism) if kind == "fp"]
    if len(set(fps)) > 1:
        raise FairbidError("mechanism", "has first-price parts with different reserves", sorted(set(fps)))
    if not fps:
        return lambda x: np.asarray(x, dtype=float)
    return first_price_table(dist, n, fps[0], upper=upper)


def equilibrium_bids(values: Any, mechanism: "MechanismSpec | Any", dist: "ValueDistribution | str", n: int) -> np.ndarray:
    """Bids of all bidders under the symmetric equilibrium of ``mechanism`` (see :func:`bid_function`).

    ``values`` may have any shape (e.g. ``(batch, N)``); the result has the same shape.
    """
    v = check_array("values", values, low=0.0)
    upper = max(parse_distribution(dist).quantile_upper(1e-12), float(v.max(initial=0.0)))
    return np.asarray(bid_function(mechanism, dist, n, upper=upper)(v), dtype=float)


# --------------------------------------------------------------------------------------------
# Numerical equilibrium check
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeviationReport:
    """Outcome of :func:`deviation_gain`.

    Attributes
    ----------
    values : ndarray
        The bidder values checked.
    candidate_bids, best_bids : ndarray
        The strategy's bid and the best bid on the grid, per value.
    candidate_utility, best_utility : ndarray
        Expected utilities of those bids against N − 1 opponents playing the strategy.
    gain : ndarray
        best_utility − candidate_utility (>= 0 up to quadrature error).
    max_gain : float
        The largest gain; ≈ 0 when the strategy is an equilibrium.
    """

    values: np.ndarray
    candidate_bids: np.ndarray
    best_bids: np.ndarray
    candidate_utility: np.ndarray
    best_utility: np.ndarray
    gain: np.ndarray
    max_gain: float

    def is_equilibrium(self, tol: float = 1e-5) -> bool:
        """True when no sampled value gains more than ``tol`` by deviating."""
        return bool(self.max_gain <= tol)


class _Opponents:
    """Distribution of the highest of N − 1 opponent values and the bids they make.

    With a non-decreasing strategy β, the highest opponent bid is β(Y), Y the highest opponent value,
    G(y) = F(y)^{N−1}. A bid b beats all opponents iff Y < t*(b) := sup{t : β(t) < b}.
    """

    def __init__(self, strategy: Callable[[Any], Any], dist: ValueDistribution, n: int, hi: float, size: int):
        self.ts = _grid(dist, dist.lower, hi, size)
        self.bids = np.asarray(strategy(self.ts), dtype=float)
        if np.any(np.diff(self.bids) < -1e-9):
            raise FairbidError("strategy", "must be non-decreasing in the value", "a decreasing bid function")
        self.G = np.asarray(dist.cdf(self.ts), dtype=float) ** (n - 1)
        self.n = n
        # P(one opponent bids >= r) for the 'eligible' Equal-Possible pool.
        self._dist = dist

    def threshold(self, b: np.ndarray) -> np.ndarray:
        """t*(b): the value below which an opponent's bid is below b."""
        # Strictly increasing copy of the bid grid so that interpolation inverts it.
        bids = np.maximum.accumulate(self.bids + 1e-15 * np.arange(self.bids.size))
        t = np.interp(b, bids, self.ts)
        return np.where(b > bids[-1], self.ts[-1], np.where(b <= bids[0], self.ts[0], t))

    def win_prob(self, b: np.ndarray) -> np.ndarray:
        return np.interp(self.threshold(b), self.ts, self.G)

    def expected_price(self, b: np.ndarray, reserve: float) -> np.ndarray:
        """E[max(r, β(Y)) · 1{β(Y) < b}] (the second-price payment when bidding b)."""
        price = np.maximum(reserve, self.bids)
        cum = integrate.cumulative_trapezoid(price, self.G, initial=0.0)
        return np.interp(self.threshold(b), self.ts, cum)

    def ep_win_prob(self, reserve: float, pool: str) -> float:
        if pool == "all":
            return 1.0 / self.n
        # Opponents bidding >= r: each with probability q; the draw is uniform over 1 + K eligible.
        t = float(self.threshold(np.array([reserve]))[0])
        q = float(self._dist.sf(t))
        m = self.n - 1
        if q <= 0:
            return 1.0
        return float((1.0 - (1.0 - q) ** (m + 1)) / ((m + 1) * q))


def _utility(parts, opp: _Opponents, x: float, b: np.ndarray) -> np.ndarray:
    u = np.zeros_like(b)
    for p, kind, r, pool in parts:
        ok = b >= r
        if kind == "fp":
            u += p * np.where(ok, opp.win_prob(b) * (x - b), 0.0)
        elif kind == "sp":
            u += p * np.where(ok, x * opp.win_prob(b) - opp.expected_price(b, r), 0.0)
        else:
            u += p * np.where(ok, opp.ep_win_prob(r, pool) * (x - r), 0.0)
    return u


def deviation_gain(
    mechanism: "MechanismSpec | Any",
    strategy: Callable[[Any], Any] | None,
    dist: "ValueDistribution | str",
    n: int,
    *,
    values: Any = None,
    bid_grid: int = 801,
    grid_size: int = 20001,
) -> DeviationReport:
    """Best gain from deviating from a symmetric strategy, for sample values (numerical check).

    Parameters
    ----------
    mechanism : MechanismSpec or mechanism object
        Any mixture of FP / SP / (unweighted) EP parts, e.g. ``Mixture([(0.5, FirstPrice()),
        (0.5, SecondPrice())])``.
    strategy : callable or None
        The candidate symmetric strategy values → bids (non-decreasing); ``None`` means the
        equilibrium of :func:`bid_function`.
    dist, n : value distribution and number of bidders.
    values : array-like, optional
        Values to check; default the 2 %, 4 %, ..., 98 % quantiles of F.
    bid_grid : int
        Number of bids tried per value, evenly spaced on [0, x] (overbidding never pays in these
        mechanisms), plus the candidate bid and every reserve.
    grid_size : int
        Size of the integration grid over the highest opponent value.

    Returns
    -------
    DeviationReport

    Examples
    --------
    >>> from fairbid.auctions.mechanisms import FirstPrice, Mixture, SecondPrice
    >>> rep = deviation_gain(MechanismSpec.fp(0.0), None, "uniform:0:1", 3)
    >>> rep.max_gain < 1e-6
    True
    >>> fp_sp = Mixture(((0.5, FirstPrice()), (0.5, SecondPrice())))
    >>> deviation_gain(fp_sp, bid_function(MechanismSpec.fp(0.0), "uniform:0:1", 3), "uniform:0:1", 3).max_gain > 1e-3
    True
    """
    dist = parse_distribution(dist)
    n = check_int("N", n, minimum=2)
    parts = flat_components(mechanism)
    if values is None:
        values = dist.ppf(np.linspace(0.02, 0.98, 49))
    xs = np.atleast_1d(check_array("values", values, low=0.0))
    hi = max(dist.quantile_upper(1e-12), float(xs.max()))
    strat = strategy if strategy is not None else bid_function(mechanism, dist, n, upper=hi)
    opp = _Opponents(strat, dist, n, hi, grid_size)
    cand = np.asarray(strat(xs), dtype=float)
    reserves = np.array(sorted({r for _, _, r, _ in parts}))
    cu, bu, bb = np.empty_like(xs), np.empty_like(xs), np.empty_like(xs)
    for i, x in enumerate(xs):  # one value at a time; the bid grid is vectorized
        grid = np.concatenate([np.linspace(0.0, x, bid_grid), reserves[reserves <= x], [cand[i]]])
        u = _utility(parts, opp, float(x), grid)
        j = int(np.argmax(u))
        cu[i], bu[i], bb[i] = u[-1], u[j], grid[j]
    gain = np.maximum(bu - cu, 0.0)
    return DeviationReport(xs, cand, bb, cu, bu, gain, float(gain.max()))
