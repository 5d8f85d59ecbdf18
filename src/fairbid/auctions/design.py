"""Algorithms 1 and 2 of seed 004 (§V-A): choose pSP(r1, r2, λ) from a baseline SP(r), F, N and θ.

Algorithm 1 (SME-friendly, with profit loss)::

    r2 ← r;  λ ← Nθ;  r1 ← FindRoot{F(r1)^{N−1} = θ}

Algorithm 2 (semi SME-friendly, without profit loss)::

    r2 ← r;  λ ← Nθ;  r1 ← FindRoot{λ R^0(r2) + (1 − λ) R^II(r1) = R^II(r2)}

Both roots are found with :func:`scipy.optimize.brentq`. Where the seed is silent we chose:

1. *Precondition.* The seed runs the algorithms "if F(r)^{N−1} < θ" (the baseline loses bidders).
   When it fails the baseline already keeps every bidder above r at rate ≥ θ; we then return the
   baseline itself as pSP(r, r, 0) with ``applied=False`` instead of a mechanism with r1 < r2.
2. *θ range.* λ = Nθ must be a probability, so θ ∈ (0, 1/N]; otherwise a FairbidError.
3. *Algorithm 2's root.* R^II is increasing on [0, r̄], so we search r1 ∈ [r2, r̄] where the root is
   unique. (The seed's example r = 0, N = 5, U[0, 1], θ = 0.1% gives r1 = 0.3975, solving
   r^5 − (5/3) r^6 = (2/3)(1/0.995 − 1); the seed's text rounds it to "0.396".) No root there (θ too
   large for F, or r ≥ r̄) raises a FairbidError.
4. *Base.* The seed states both algorithms for SP; ``base="fp"`` gives pFP with identical numbers
   (revenue equivalence, Eq. 15), since only winning rates and revenues enter.
5. *Shares.* "Share of bidders whose winning rate reaches θ" is by value mass, 1 − F(t) with t the
   lowest value with p(t) ≥ θ (so Algorithm 1 at r = 0.1 gives 90% against 82.2% for SP(0.1), the
   seed's "9.5% more advertisers" = 0.9 / 0.822 − 1).
6. *Payoff change above ξ1.* The seed quotes one number ("less than 0.161% payoff loss of large
   enterprises") without saying which. We report the worst relative change over x ∈ [ξ1, upper]
   (``payoff_change_above_xi1_pct``) and the change of the mean payoff of bidders with x ≥ ξ1
   (``payoff_change_above_xi1_mean_pct``), both against SP(r), with the EP payoff reading of
   :mod:`fairbid.auctions.closed_forms` (default ``"interim"``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import optimize

from fairbid.auctions.classification import classify
from fairbid.auctions.closed_forms import (
    _setup,
    expected_payoff,
    expected_revenue,
    optimal_reserve,
    revenue_ap,
    revenue_ep,
    share_above_theta,
    value_at_quantile,
    value_at_winning_rate,
    xi1,
)
from fairbid.auctions.spec import MechanismSpec
from fairbid.core.errors import FairbidError, check_choice, check_float

ALGORITHMS = (1, 2)
CONTRACT_KEYS = (
    "r1", "r2", "lambda", "revenue", "baseline_revenue", "profit_change_pct",
    "share_above_theta", "baseline_share_above_theta",
)


@dataclass(frozen=True)
class DesignResult:
    """A designed probabilistic mechanism and how it compares with the baseline SP(r) (or FP(r)).

    Attributes
    ----------
    algorithm : int
        1 or 2.
    base : str
        ``"sp"`` (the seed) or ``"fp"``.
    r1, r2, lam : float
        The designed pSP/pFP parameters.
    revenue, baseline_revenue : float
        Expected revenue of the design and of the baseline AP(r).
    profit_change_pct : float
        100 (revenue − baseline_revenue) / baseline_revenue.
    share_above_theta, baseline_share_above_theta : float
        Share of bidders (value mass) whose winning rate is at least θ, design and baseline.
    payoff_change_above_xi1_pct : float
        Worst relative change (%) of the expected payoff over values x ≥ ξ1, against the baseline.
    payoff_change_above_xi1_mean_pct : float
        Relative change (%) of the mean expected payoff of bidders with x ≥ ξ1.
    xi1 : float
        ξ1 of Eq. 17.
    classification : str or None
        Lemma 3 class of the design against AP(r2).
    applied : bool
        False when the precondition F(r)^{N−1} < θ failed and the baseline was returned.
    """

    algorithm: int
    base: str
    dist: str
    n: int
    reserve: float
    theta: float
    r1: float
    r2: float
    lam: float
    revenue: float
    baseline_revenue: float
    profit_change_pct: float
    share_above_theta: float
    baseline_share_above_theta: float
    payoff_change_above_xi1_pct: float
    payoff_change_above_xi1_mean_pct: float
    xi1: float
    classification: str | None
    applied: bool

    @property
    def mechanism(self) -> MechanismSpec:
        """The designed mechanism as a :class:`MechanismSpec`."""
        return MechanismSpec("p" + self.base, self.r1, r1=self.r1, r2=self.r2, lam=self.lam)

    @property
    def baseline(self) -> MechanismSpec:
        """The baseline AP(r)."""
        return MechanismSpec(self.base, self.reserve)

    def contract(self) -> dict[str, float]:
        """The CLI contract's keys (``lambda`` for λ)."""
        full = self.to_dict()
        return {k: full[k] for k in CONTRACT_KEYS}

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["lambda"] = out.pop("lam")
        return out


def _check_inputs(dist: Any, n: Any, reserve: Any, theta: Any, base: str):
    dist, n = _setup(dist, n)
    reserve = check_float("reserve", reserve, 0.0)
    theta = check_float("theta", theta, 0.0, 1.0 / n, low_open=True)
    check_choice("base", base, ("sp", "fp"))
    return dist, n, reserve, theta


def _precondition(dist, n: int, reserve: float, theta: float) -> bool:
    return float(dist.cdf(reserve)) ** (n - 1) < theta


def sme_friendly_design(
    dist: Any, n: int, reserve: float, theta: float, *, base: str = "sp", ep_payoff: str = "interim"
) -> DesignResult:
    """Algorithm 1: SME-friendly pSP with (small) profit loss.

    Parameters
    ----------
    dist : ValueDistribution or spec string
        Value distribution F.
    n : int
        Bidders per auction, N ≥ 2.
    reserve : float
        Reserve r of the baseline SP(r) (becomes r2).
    theta : float
        Entrance threshold θ ∈ (0, 1/N].
    base : {"sp", "fp"}
        Classical part (the seed: sp).
    ep_payoff : {"interim", "seed"}
        EP payoff reading for the payoff change (see :mod:`fairbid.auctions.closed_forms`).

    Examples
    --------
    >>> d = sme_friendly_design("uniform:0:1", 5, 0.1, 0.001)  # the seed's §V-A example
    >>> round(d.r1, 4), d.lam, round(d.share_above_theta, 3), round(d.baseline_share_above_theta, 3)
    (0.1778, 0.005, 0.9, 0.822)
    """
    dist, n, reserve, theta = _check_inputs(dist, n, reserve, theta, base)
    if not _precondition(dist, n, reserve, theta):
        return _finish(1, base, dist, n, reserve, theta, reserve, 0.0, False, ep_payoff)
    r1 = value_at_winning_rate(dist, n, theta)
    return _finish(1, base, dist, n, reserve, theta, r1, n * theta, True, ep_payoff)


def profit_neutral_design(
    dist: Any, n: int, reserve: float, theta: float, *, base: str = "sp", ep_payoff: str = "interim"
) -> DesignResult:
    """Algorithm 2: semi SME-friendly pSP with the baseline's expected profit.

    Parameters are those of :func:`sme_friendly_design`.

    Examples
    --------
    >>> d = profit_neutral_design("uniform:0:1", 5, 0.0, 0.001)  # the seed's Fig. 8
    >>> round(d.r1, 4), round(d.profit_change_pct, 9), d.share_above_theta  # seed text: r1 ≈ 0.396
    (0.3975, 0.0, 1.0)
    """
    dist, n, reserve, theta = _check_inputs(dist, n, reserve, theta, base)
    if not _precondition(dist, n, reserve, theta):
        return _finish(2, base, dist, n, reserve, theta, reserve, 0.0, False, ep_payoff)
    lam = n * theta
    r1 = _profit_neutral_r1(dist, n, reserve, lam)
    return _finish(2, base, dist, n, reserve, theta, r1, lam, True, ep_payoff)


def _profit_neutral_r1(dist, n: int, r2: float, lam: float) -> float:
    target = revenue_ap(dist, n, r2)
    fixed = lam * revenue_ep(dist, r2)

    def gap(r1: float) -> float:
        return fixed + (1.0 - lam) * revenue_ap(dist, n, r1) - target

    r_bar = optimal_reserve(dist, n)
    if r2 >= r_bar or gap(r_bar) < 0.0:
        raise FairbidError(
            "theta",
            f"too large for Algorithm 2: no r1 in [r, r̄ = {r_bar:.6g}] keeps the profit of the baseline "
            f"(largest feasible theta: {max_theta_profit_neutral(dist, n, r2):.6g})",
            lam / n,
        )
    return float(optimize.brentq(gap, r2, r_bar, xtol=1e-13, rtol=1e-12))


def max_theta_profit_neutral(dist: Any, n: int, reserve: float) -> float:
    """Largest θ for which Algorithm 2 has a root r1 ≤ r̄: h1(r̄, r)/N, the contour line (Eq. 25) at r1 = r̄.

    Examples
    --------
    >>> round(max_theta_profit_neutral("uniform:0:1", 5, 0.0), 6)  # (R(1/2) − R(0)) / R(1/2) / 5
    0.00155
    """
    from fairbid.auctions.classification import contour_profit_line

    dist, n = _setup(dist, n)
    reserve = check_float("reserve", reserve, 0.0)
    r_bar = optimal_reserve(dist, n)
    if reserve >= r_bar:
        return 0.0
    return float(contour_profit_line(reserve, r_bar, dist, n)) / n


def design(
    algorithm: int, dist: Any, n: int, reserve: float, theta: float, *, base: str = "sp",
    ep_payoff: str = "interim",
) -> DesignResult:
    """Run Algorithm 1 or 2 (see :func:`sme_friendly_design`, :func:`profit_neutral_design`)."""
    if algorithm not in ALGORITHMS:
        raise FairbidError("algorithm", "must be 1 or 2", algorithm)
    reserve = check_float("reserve", reserve, 0.0, finite=True)  # an infinite reserve sells nothing
    run = sme_friendly_design if algorithm == 1 else profit_neutral_design
    return run(dist, n, reserve, theta, base=base, ep_payoff=ep_payoff)


def _finish(algorithm, base, dist, n, reserve, theta, r1, lam, applied, ep_payoff) -> DesignResult:
    mech = MechanismSpec("p" + base, r1, r1=r1, r2=reserve, lam=lam)
    baseline = MechanismSpec(base, reserve)
    revenue = expected_revenue(mech, dist, n)
    base_rev = expected_revenue(baseline, dist, n)
    worst, mean = payoff_change_above(mech, baseline, dist, n, xi1(dist, n), ep_payoff=ep_payoff)
    return DesignResult(
        algorithm=algorithm, base=base, dist=dist.spec, n=n, reserve=reserve, theta=theta,
        r1=float(r1), r2=float(reserve), lam=float(lam), revenue=revenue, baseline_revenue=base_rev,
        profit_change_pct=100.0 * (revenue - base_rev) / base_rev if base_rev > 0 else 0.0,
        share_above_theta=share_above_theta(mech, dist, n, theta),
        baseline_share_above_theta=share_above_theta(baseline, dist, n, theta),
        payoff_change_above_xi1_pct=worst, payoff_change_above_xi1_mean_pct=mean,
        xi1=xi1(dist, n), classification=classify(mech, dist, n) if applied else None, applied=applied,
    )


def payoff_change_above(
    mechanism: MechanismSpec, baseline: MechanismSpec, dist: Any, n: int, cutoff: float, *,
    ep_payoff: str = "interim", points: int = 64,
) -> tuple[float, float]:
    """(worst relative change %, change of the mean %) of the expected payoff of bidders with x ≥ cutoff.

    The mean is E[π(X) | X ≥ cutoff], by Gauss–Legendre in quantile space (so unbounded F is fine);
    the worst case is over the same nodes plus both ends.
    """
    dist, n = _setup(dist, n)
    q0 = float(dist.cdf(cutoff))
    nodes, weights = np.polynomial.legendre.leggauss(points)
    q = q0 + (1.0 - q0) * (nodes + 1.0) / 2.0
    xs = np.asarray(dist.ppf(q), dtype=float)
    bad = ~np.isfinite(xs)
    if bad.any():  # scipy's ppf gave up (extreme q): fall back to brentq on F for those nodes
        xs[bad] = [value_at_quantile(dist, float(qi)) for qi in q[bad]]
    new = expected_payoff(xs, mechanism, dist, n, ep_payoff=ep_payoff)
    old = expected_payoff(xs, baseline, dist, n, ep_payoff=ep_payoff)
    mean_change = 100.0 * (np.dot(weights, new) - np.dot(weights, old)) / np.dot(weights, old)
    ends = np.array([cutoff, dist.quantile_upper(1e-9)])
    new_e = expected_payoff(ends, mechanism, dist, n, ep_payoff=ep_payoff)
    old_e = expected_payoff(ends, baseline, dist, n, ep_payoff=ep_payoff)
    rel = np.concatenate([(new - old) / old, (new_e - old_e) / old_e])
    return float(100.0 * rel.min()), float(mean_change)
