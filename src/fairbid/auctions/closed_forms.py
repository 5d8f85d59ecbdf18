"""Closed forms of seed 004 (§III–§IV) for any value distribution F and N ≥ 2 bidders.

Notation (seed): G(x) = F(x)^{N−1} is the distribution of the highest of the other N − 1 values and
g = G'. Under the symmetric equilibrium (Eq. 2 for FP, truthful for SP; any bid for EP) and, for the
probabilistic mechanisms, Theorem 1:

- winning rate (Eqs. 4, 6, 13): p^A(x; r) = G(x)·1{x ≥ r}, p^0(x; r) = 1{x ≥ r}/N,
  p^{pA} = λ p^0(x; r2) + (1 − λ) p^A(x; r1);
- expected payoff (Eqs. 9, 14): π^A(x; r) = ∫_r^x G(y) dy for x ≥ r (the seed's
  [ξG(ξ)]_r^x − ∫_r^x y g(y) dy integrated by parts; FP and SP agree by revenue equivalence),
  π^0(x; r) = (x − r)/N (see ``EP_PAYOFF_READINGS``), π^{pA} = λ π^0(x; r2) + (1 − λ) π^A(x; r1);
- expected revenue (Eqs. 10, 15): R^0(r) = r(1 − F(r)),
  R^A(r) = N[r(1 − F(r))G(r) + ∫_r^∞ y(1 − F(y)) g(y) dy], R^{pA} = λ R^0(r2) + (1 − λ) R^A(r1);
- ξ1 (Eq. 17): G(ξ1) = 1/N; ξ2 (Eq. 19): G(ξ2) = λ/N; Myerson's reserve r̄: r̄ − (1 − F(r̄))/f(r̄) = 0.

Open point (EP payoff). Eq. 9 writes π^0(x; r) = (1/N)(1 − F(r))(x − r), but Eqs. 6 and 8 give an
interim winning rate 1/N and payment r/N for a bidder with x ≥ r, i.e. a payoff (x − r)/N; the extra
factor 1 − F(r) is not what a bidder of value x gets (a Monte Carlo of the mechanism confirms
(x − r)/N). Default ``ep_payoff="interim"``; ``"seed"`` reproduces Eq. 9 literally.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import integrate, optimize

from fairbid.auctions.distributions import ValueDistribution, parse_distribution
from fairbid.auctions.spec import MechanismSpec
from fairbid.core.errors import FairbidError, check_choice, check_float, check_int, check_probability

EP_PAYOFF_READINGS = ("interim", "seed")

# Gauss-Legendre nodes for vectorized ∫_r^x G: G = F^{N-1} is smooth wherever F is, and a few
# composite panels keep the error at ~1e-12 for the distributions we test, without per-x quad calls.
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(32)
_GL_PANELS = 4
_BULK_NODES, _BULK_WEIGHTS = np.polynomial.legendre.leggauss(20)
_BULK_PANELS = 48


# -- validation ---------------------------------------------------------------------------------
def check_bidders(n: Any, what: str = "bidders") -> int:
    """Return N as an int ≥ 2, or raise :class:`FairbidError`."""
    return check_int(what, n, minimum=2)


def as_distribution(dist: Any) -> ValueDistribution:
    """:func:`parse_distribution`, memoized for spec strings so the revenue caches below hit."""
    return _parse_cached(dist) if isinstance(dist, str) else parse_distribution(dist)


@lru_cache(maxsize=128)
def _parse_cached(spec: str) -> ValueDistribution:
    return parse_distribution(spec)


def _setup(dist: Any, n: Any) -> tuple[ValueDistribution, int]:
    return as_distribution(dist), check_bidders(n)


def _as_spec(mechanism: Any) -> MechanismSpec:
    if isinstance(mechanism, MechanismSpec):
        return mechanism
    if isinstance(mechanism, str):
        return MechanismSpec.parse(mechanism)
    raise FairbidError("mechanism", "must be a MechanismSpec or a kind name", mechanism)


# -- building blocks ----------------------------------------------------------------------------
def top_other_cdf(x: Any, dist: Any, n: int) -> np.ndarray:
    """G(x) = F(x)^{N−1}, the cdf of the highest of the other N − 1 values."""
    dist, n = _setup(dist, n)
    return np.asarray(dist.cdf(np.asarray(x, dtype=float)), dtype=float) ** (n - 1)


def _integral_of_g_cdf(dist: ValueDistribution, n: int, lo: float, x: np.ndarray) -> np.ndarray:
    """∫_lo^x F(y)^{N−1} dy for each x ≥ lo (0 where x ≤ lo), vectorized Gauss–Legendre."""
    x = np.asarray(x, dtype=float)
    hi = np.maximum(x, lo)
    edges = lo + (hi - lo)[..., None] * np.linspace(0.0, 1.0, _GL_PANELS + 1)
    a, b = edges[..., :-1], edges[..., 1:]
    half = (b - a) / 2.0
    y = (a + b)[..., None] / 2.0 + half[..., None] * _GL_NODES
    vals = np.asarray(dist.cdf(y), dtype=float) ** (n - 1)
    return np.sum(half * np.sum(vals * _GL_WEIGHTS, axis=-1), axis=-1)


def _quad(fn, lo: float, hi: float, dist: ValueDistribution) -> float:
    """∫_lo^hi fn over possibly unbounded [lo, hi], ``fn`` vectorized.

    The bulk, up to F^{-1}(1 − 1e-10) (or ``hi``), is split into ``_BULK_PANELS`` panels of equal
    probability mass and as many of geometrically shrinking survival mass, and integrated by Gauss–Legendre in one vectorized call: scipy's scalar
    cdf/pdf calls inside an adaptive quad cost ~100 µs each and dominated a design. The remaining
    tail of an unbounded F goes to adaptive :func:`scipy.integrate.quad` (tiny, converges at once).
    """
    if hi <= lo:
        return 0.0
    bulk_hi = hi if dist.bounded else max(lo, min(hi, dist.quantile_upper(1e-10)))
    q_lo, q_hi = float(dist.cdf(lo)), float(dist.cdf(bulk_hi))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        # Equal-mass panels, plus panels of geometric survival mass so heavy tails get resolved.
        sf_levels = np.geomspace(max(1.0 - q_lo, 1e-300), max(1.0 - q_hi, 1e-12), _BULK_PANELS + 1)
        qs = np.concatenate([np.linspace(q_lo, q_hi, _BULK_PANELS + 1), 1.0 - sf_levels])
        edges = np.asarray(dist.ppf(np.clip(qs, q_lo, q_hi)), dtype=float)
    edges[0], edges[-1] = lo, bulk_hi
    edges = np.unique(np.clip(np.where(np.isfinite(edges), edges, lo), lo, bulk_hi))
    if len(edges) < 2:
        edges = np.array([lo, bulk_hi])
    # Equal-mass panels can be very wide where f is tiny; split the widest so no panel spans > 1/16.
    edges = np.unique(np.concatenate([edges, np.linspace(lo, bulk_hi, 17)]))
    a, b = edges[:-1], edges[1:]
    half = (b - a) / 2.0
    y = ((a + b) / 2.0)[:, None] + half[:, None] * _BULK_NODES
    total = float(np.sum(half * (np.asarray(fn(y), dtype=float) @ _BULK_WEIGHTS)))
    if bulk_hi < hi:
        tail, _ = integrate.quad(lambda t: float(fn(np.asarray(t))), bulk_hi, hi, limit=200,
                                 epsabs=1e-15, epsrel=1e-10)
        total += tail
    return total


# -- winning rate, payoff ----------------------------------------------------------------------
def winning_rate(x: Any, mechanism: Any, dist: Any, n: int) -> np.ndarray:
    """Equilibrium winning rate p(x) of a bidder with value x (Eqs. 4, 6, 13).

    Parameters
    ----------
    x : array_like
        Values (any shape).
    mechanism : MechanismSpec
        fp, sp, ep, pfp or psp with its reserve(s).
    dist : ValueDistribution or spec string
        F.
    n : int
        Number of bidders, N ≥ 2.

    Returns
    -------
    numpy.ndarray
        p(x), same shape as ``x``.

    Examples
    --------
    >>> float(winning_rate(0.5, MechanismSpec.sp(0.1), "uniform:0:1", 3))
    0.25
    """
    spec, (dist, n) = _as_spec(mechanism), _setup(dist, n)
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    for prob, kind, reserve in spec.components():
        if kind == "ep":
            part = np.where(x >= reserve, 1.0 / n, 0.0)
        else:
            part = np.where(x >= reserve, np.asarray(dist.cdf(x), dtype=float) ** (n - 1), 0.0)
        out = out + prob * part
    return out


def expected_payoff(
    x: Any, mechanism: Any, dist: Any, n: int, *, ep_payoff: str = "interim"
) -> np.ndarray:
    """Equilibrium expected payoff π(x) of a bidder with value x (Eqs. 9, 14).

    ``ep_payoff`` picks the reading of Eq. 9 (module docstring): ``"interim"`` (x − r)/N, or
    ``"seed"`` (1 − F(r))(x − r)/N.

    Examples
    --------
    >>> round(float(expected_payoff(1.0, MechanismSpec.sp(0.0), "uniform:0:1", 2)), 12)  # ∫_0^1 y dy
    0.5
    """
    spec, (dist, n) = _as_spec(mechanism), _setup(dist, n)
    check_choice("ep_payoff", ep_payoff, EP_PAYOFF_READINGS)
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    for prob, kind, reserve in spec.components():
        if kind == "ep":
            scale = 1.0 if ep_payoff == "interim" else float(dist.sf(reserve))
            part = np.where(x >= reserve, scale * (x - reserve) / n, 0.0)
        else:
            part = np.where(x >= reserve, _integral_of_g_cdf(dist, n, reserve, x), 0.0)
        out = out + prob * part
    return out


# -- revenue ------------------------------------------------------------------------------------
def revenue_ep(dist: Any, reserve: float) -> float:
    """R^0(r) = r(1 − F(r)) (Eq. 10)."""
    dist = as_distribution(dist)
    r = check_float("reserve", reserve, 0.0)
    return r * float(dist.sf(r))


def revenue_ap(dist: Any, n: int, reserve: float) -> float:
    """R^A(r) = N[r(1 − F(r))G(r) + ∫_r^∞ y(1 − F(y))g(y) dy], FP and SP alike (Eq. 15 with λ = 0).

    Examples
    --------
    >>> round(revenue_ap("uniform:0:1", 4, 0.0), 10)  # (N−1)/(N+1), Krishna (2010) §2.3
    0.6
    """
    dist, n = _setup(dist, n)
    r = check_float("reserve", reserve, 0.0)
    return _revenue_ap_cached(dist, n, r)


@lru_cache(maxsize=4096)
def _revenue_ap_cached(dist: ValueDistribution, n: int, r: float) -> float:
    lo = max(r, dist.lower)
    if lo >= dist.upper:
        return 0.0

    def integrand(y: np.ndarray) -> np.ndarray:
        # y (1 − F(y)) g(y) with g = (N − 1) F^{N−2} f, the seed's Eq. 15 integrand.
        fy = np.asarray(dist.cdf(y), dtype=float)
        return y * np.asarray(dist.sf(y), dtype=float) * (n - 1) * fy ** (n - 2) * np.asarray(dist.pdf(y))

    head = r * float(dist.sf(r)) * float(dist.cdf(r)) ** (n - 1)
    return n * (head + _quad(integrand, lo, dist.upper, dist))


def expected_revenue(mechanism: Any, dist: Any, n: int) -> float:
    """Expected revenue of the seller under equilibrium bidding (Eqs. 10, 15).

    Examples
    --------
    >>> round(expected_revenue(MechanismSpec.ep(0.5), "uniform:0:1", 5), 12)  # r(1 − F(r))
    0.25
    """
    spec, (dist, n) = _as_spec(mechanism), _setup(dist, n)
    total = 0.0
    for prob, kind, reserve in spec.components():
        total += prob * (revenue_ep(dist, reserve) if kind == "ep" else revenue_ap(dist, n, reserve))
    return total


# -- thresholds ---------------------------------------------------------------------------------
def value_at_quantile(dist: Any, q: float, what: str = "quantile") -> float:
    """The value x with F(x) = q, by brentq on F (ppf only brackets); lower/upper end at q = 0/1."""
    dist = as_distribution(dist)
    q = check_probability(what, q)
    if q <= 0.0:
        return dist.lower
    if q >= 1.0:
        return dist.upper
    with warnings.catch_warnings():
        # ppf only brackets the root; scipy's inverse-beta may warn for extreme q and we refine anyway.
        warnings.simplefilter("ignore", RuntimeWarning)
        guess = float(dist.ppf(q))
    lo, hi = dist.lower, dist.quantile_upper(min(1e-15, (1.0 - q) / 4))
    if np.isfinite(guess):
        span = max(abs(guess), 1.0) * 1e-6
        a, b = max(lo, guess - span), min(hi, guess + span)
        if float(dist.cdf(a)) <= q <= float(dist.cdf(b)):
            lo, hi = a, b
    if float(dist.cdf(lo)) - q >= 0.0:
        return lo
    return float(optimize.brentq(lambda t: float(dist.cdf(t)) - q, lo, hi, xtol=1e-14, rtol=1e-13))


def xi1(dist: Any, n: int) -> float:
    """ξ1 with F(ξ1)^{N−1} = 1/N (Eq. 17): above it, λ lowers the winning rate (Lemma 2).

    Examples
    --------
    >>> round(xi1("uniform:0:1", 5), 4)  # (1/5)^{1/4}, the seed's §IV-C example
    0.6687
    """
    _, n = _setup(dist, n)
    return value_at_quantile(dist, (1.0 / n) ** (1.0 / (n - 1)))


def xi2(dist: Any, n: int, lam: float) -> float:
    """ξ2 with F(ξ2)^{N−1} = λ/N (Eq. 19).

    Examples
    --------
    >>> round(xi2("uniform:0:1", 5, 0.02), 4)  # (0.02/5)^{1/4}, the seed's Figs. 1-3
    0.2515
    """
    _, n = _setup(dist, n)
    lam = check_probability("lambda", lam)
    return value_at_quantile(dist, (lam / n) ** (1.0 / (n - 1)))


def value_at_winning_rate(dist: Any, n: int, theta: float) -> float:
    """The value x with F(x)^{N−1} = θ: the lowest value reaching θ under FP/SP without reserve."""
    _, n = _setup(dist, n)
    theta = check_probability("theta", theta)
    return value_at_quantile(dist, theta ** (1.0 / (n - 1)), "theta")


def optimal_reserve(dist: Any, n: int = 2) -> float:
    """Myerson's optimal reserve r̄: root of r − (1 − F(r))/f(r) = 0 (independent of N).

    We solve r f(r) − (1 − F(r)) = 0 (same roots where f > 0, no division). Every sign change from −
    to + is a local maximum of R^A (dR^A/dr = −N G(r)[r f(r) − (1 − F(r))]); for a regular F there is
    one; otherwise the one with the largest R^A(r) is returned (``n`` only breaks that tie). When
    r f(r) ≥ 1 − F(r) already at the lower end of F, r̄ is that lower end (e.g. U[a, b] with b ≤ 2a).

    Examples
    --------
    >>> round(optimal_reserve("uniform:0:1"), 10)  # Myerson (1981): r̄ = 1/2 for U[0, 1]
    0.5
    """
    dist, n = _setup(dist, n)
    return _optimal_reserve_cached(dist, n)


@lru_cache(maxsize=256)
def _optimal_reserve_cached(dist: ValueDistribution, n: int) -> float:
    def phi(r: float) -> float:
        return r * float(dist.pdf(r)) - float(dist.sf(r))

    qs = np.concatenate([[1e-12, 1e-9, 1e-6, 1e-4], np.linspace(0.001, 0.999, 999), [1 - 1e-4, 1 - 1e-7]])
    grid = np.unique(np.asarray(dist.ppf(qs), dtype=float))
    grid = grid[np.isfinite(grid)]
    vals = grid * np.asarray(dist.pdf(grid), dtype=float) - np.asarray(dist.sf(grid), dtype=float)
    roots = [
        float(optimize.brentq(phi, grid[i], grid[i + 1], xtol=1e-14, rtol=1e-13))
        for i in range(len(grid) - 1)
        if vals[i] < 0.0 <= vals[i + 1]
    ]
    if phi(dist.lower) >= 0.0:
        # Virtual value already non-negative at the bottom (e.g. U[a, b] with b <= 2a): no reserve helps.
        roots.append(dist.lower)
    if not roots:
        raise FairbidError("distribution", "has no optimal reserve (r f(r) = 1 − F(r) has no root)", dist.spec)
    return max(roots, key=lambda r: _revenue_ap_cached(dist, n, r))


def rate_threshold(mechanism: Any, dist: Any, n: int, theta: float, *, rtol: float = 1e-9) -> float:
    """The lowest value whose winning rate reaches θ (p is non-decreasing in x for all five kinds).

    Returns ``dist.upper`` when nobody reaches θ. A winning rate within ``rtol`` of θ counts as reaching
    it: Algorithm 1 sets λ/N = θ, which floating point may miss by one ulp.
    """
    spec, (dist, n) = _as_spec(mechanism), _setup(dist, n)
    target = check_probability("theta", theta) * (1.0 - rtol)
    parts = spec.components()
    cuts = sorted({max(r, dist.lower) for _, _, r in parts} | {dist.lower})
    cuts = [c for c in cuts if c < dist.upper] + [dist.upper]
    for start, stop in zip(cuts[:-1], cuts[1:]):
        # On [start, stop) the same components are active: p = const + weight * G(x).
        active = [(p, kind) for p, kind, r in parts if r <= start]
        const = sum(p for p, kind in active if kind == "ep") / n
        weight = sum(p for p, kind in active if kind != "ep")
        if const >= target:
            return start
        if weight > 0.0 and (target - const) / weight <= 1.0:
            need = (target - const) / weight
            x = max(start, value_at_quantile(dist, need ** (1.0 / (n - 1)), "theta"))
            if x < stop:
                return x
    return dist.upper


def share_above_theta(mechanism: Any, dist: Any, n: int, theta: float) -> float:
    """Share of bidders (by value mass, 1 − F(t)) whose equilibrium winning rate is at least θ."""
    dist = as_distribution(dist)
    t = rate_threshold(mechanism, dist, n, theta)
    return float(dist.sf(t)) if t < dist.upper else 0.0
