"""Lemma 3 classification, contour-profit lines (Eq. 25, Lemma 5) and the Theorem 5 region (seed 004).

Against the baseline AP(r2) with the same reserve, a probabilistic mechanism pAP(r1, r2, λ) with
r2 ≤ r1 ≤ min{r̄, ξ1} is

- ``"sme-friendly"`` when λ ≥ N F(r1)^{N−1} (Eq. 24; Lemma 3 cases 1 and 2, r1 ≤ ξ2): every bidder
  with r2 < x < ξ1 (except x = r1 in case 2) wins more often;
- ``"semi-sme-friendly"`` when N F(r2)^{N−1} < λ < N F(r1)^{N−1} (Eqs. 22–23, case 3): bidders with
  r2 < x < ξ2 win more often, those with ξ2 < x < r1 less often;
- ``"neither"`` when λ ≤ N F(r2)^{N−1}: no bidder above r2 gains (w(x) ≤ 0 on [r2, r1)).

Where the Lemma does not apply the classification is ``None``: simple mechanisms (fp, sp, ep), λ
outside (0, 1) (Defs. 4–5 take λ ∈ (0, 1)), or r1 > min{r̄, ξ1}.

Open point (boundary). The equality λ = N F(r1)^{N−1} (case 2) is what Algorithm 1 produces by root
finding, so the comparison uses a relative tolerance ``rtol`` (default 1e-9) in favour of case 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize

from fairbid.auctions.closed_forms import (
    _as_spec,
    _setup,
    optimal_reserve,
    revenue_ap,
    revenue_ep,
    winning_rate,
    xi1,
)
from fairbid.auctions.spec import MechanismSpec
from fairbid.core.errors import FairbidError, check_float

CLASSES = ("sme-friendly", "semi-sme-friendly", "neither")


def lemma3_applies(mechanism: Any, dist: Any, n: int, *, rtol: float = 1e-9) -> bool:
    """True when Lemma 3's hypotheses hold: pfp/psp, 0 < λ < 1 and r2 ≤ r1 ≤ min{r̄, ξ1}."""
    spec, (dist, n) = _as_spec(mechanism), _setup(dist, n)
    if not spec.is_probabilistic or not 0.0 < spec.lam < 1.0:
        return False
    bound = min(optimal_reserve(dist, n), xi1(dist, n))
    return spec.r1 <= bound * (1.0 + rtol)


def classify(mechanism: Any, dist: Any, n: int, *, rtol: float = 1e-9) -> str | None:
    """Lemma 3 class of a pFP/pSP mechanism against AP(r2), or None where the Lemma does not apply.

    Examples
    --------
    >>> from fairbid.auctions.spec import MechanismSpec as M
    >>> [classify(M.psp(r1, 0.1, 0.02), "uniform:0:1", 5) for r1 in (0.2, 0.28)]  # seed Figs. 1, 3
    ['sme-friendly', 'semi-sme-friendly']
    >>> classify(M.psp(0.2, 0.2, 0.001), "uniform:0:1", 5), classify(M.sp(0.2), "uniform:0:1", 5)
    ('neither', None)
    """
    spec, (dist, n) = _as_spec(mechanism), _setup(dist, n)
    if not lemma3_applies(spec, dist, n, rtol=rtol):
        return None
    upper_bound = n * float(dist.cdf(spec.r1)) ** (n - 1)
    lower_bound = n * float(dist.cdf(spec.r2)) ** (n - 1)
    if spec.lam >= upper_bound * (1.0 - rtol):
        return "sme-friendly"
    if spec.lam > lower_bound:
        return "semi-sme-friendly"
    return "neither"


def winning_rate_gain(x: Any, mechanism: Any, dist: Any, n: int) -> np.ndarray:
    """w(x) = p^{pA}(x; r1, r2, λ) − p^A(x; r2) (Eq. 18), the gain against the same-reserve baseline."""
    spec = _as_spec(mechanism)
    if not spec.is_probabilistic:
        raise FairbidError("mechanism", "w(x) compares pfp/psp with its baseline", spec.kind)
    base = MechanismSpec(spec.classical, spec.r2)
    return winning_rate(x, spec, dist, n) - winning_rate(x, base, dist, n)


# -- contour-profit lines -----------------------------------------------------------------------
def contour_profit_line(r2: Any, r1: float, dist: Any, n: int) -> np.ndarray:
    """λ on the contour-profit line of r1 (Eq. 25): λ = (R^A(r1) − R^A(r2)) / (R^A(r1) − R^0(r2)).

    Along it pAP(r1, r2, λ) earns exactly R^A(r2). Vectorized over ``r2`` (each 0 ≤ r2 ≤ r1).
    """
    dist, n = _setup(dist, n)
    r1 = check_float("r1", r1, 0.0)
    r2 = np.asarray(r2, dtype=float)
    if (r2 < 0).any() or (r2 > r1).any():
        raise FairbidError("r2", f"must lie in [0, r1 = {r1:g}]", r2.tolist() if r2.size < 6 else "array")
    top = revenue_ap(dist, n, r1)
    flat = r2.ravel()
    lam = [(top - revenue_ap(dist, n, r)) / (top - revenue_ep(dist, r)) if top > revenue_ep(dist, r) else 0.0
           for r in flat]
    return np.asarray(lam, dtype=float).reshape(r2.shape)


def sme_line(r2: Any, dist: Any, n: int) -> np.ndarray:
    """h2(r2) = N F(r2)^{N−1} (Eq. 26): left of / above it, pAP beats AP(r2) for low values."""
    dist, n = _setup(dist, n)
    return n * np.asarray(dist.cdf(np.asarray(r2, dtype=float)), dtype=float) ** (n - 1)


@dataclass(frozen=True)
class ContourPeak:
    """Top of a contour-profit line (Lemma 5): r* maximizes Eq. 25 over r2 and λ* = N F(r*)^{N−1}."""

    r1: float
    r_star: float
    lam_star: float


def contour_profit_peak(r1: float, dist: Any, n: int) -> ContourPeak:
    """(r*, λ*) of Lemma 5: the r2 where the contour-profit line of r1 meets h2(r2) = N F(r2)^{N−1}.

    Solved by brentq on h1(r1, r2) − h2(r2) over [lower, r1], where the difference goes from ≥ 0 to
    −h2(r1) < 0. Requires r1 ≤ r̄ (Lemma 5).
    """
    dist, n = _setup(dist, n)
    r1 = check_float("r1", r1, 0.0)
    if r1 > optimal_reserve(dist, n) or r1 <= dist.lower:
        raise FairbidError("r1", f"must lie in (lower end of F, r̄ = {optimal_reserve(dist, n):.6g}]", r1)

    def diff(r: float) -> float:
        return float(contour_profit_line(r, r1, dist, n)) - float(sme_line(r, dist, n))

    lo = dist.lower
    if diff(lo) <= 0.0:
        return ContourPeak(r1, lo, float(sme_line(lo, dist, n)))
    r_star = float(optimize.brentq(diff, lo, r1, xtol=1e-13, rtol=1e-12))
    return ContourPeak(r1, r_star, float(sme_line(r_star, dist, n)))


# -- Theorem 5 ----------------------------------------------------------------------------------
def theorem5_interval(r1: float, r2: float, dist: Any, n: int) -> tuple[float, float]:
    """The λ interval (N F(r2)^{N−1}, h1(r1, r2)] of Eq. 27 (empty when low ≥ high)."""
    r1 = check_float("r1", r1, 0.0)
    r2 = check_float("r2", r2, 0.0)
    if r2 > r1:
        raise FairbidError("r2", f"must not exceed r1 = {r1:g}", r2)
    return float(sme_line(r2, dist, n)), float(contour_profit_line(r2, r1, dist, n))


def in_theorem5_region(mechanism: Any, dist: Any, n: int) -> bool:
    """True when pAP(r1, r2, λ) satisfies Theorem 5: r2 ≤ r1 ≤ min{r̄, ξ1} and Eq. 27 holds.

    Inside the region the mechanism is semi SME-friendly and earns at least R^A(r2).
    """
    spec, (dist, n) = _as_spec(mechanism), _setup(dist, n)
    if not spec.is_probabilistic or spec.r1 > min(optimal_reserve(dist, n), xi1(dist, n)):
        return False
    low, high = theorem5_interval(spec.r1, spec.r2, dist, n)
    return low < spec.lam <= high
