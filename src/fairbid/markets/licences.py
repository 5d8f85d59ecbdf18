"""Auction or lottery for licences: the efficiency-equality trade-off (seed 000 talks "Auction or Lottery:
Balancing Efficiency and Equality in Vehicle Licenses Allocation" and "Mechanism Design with Efficiency and
Equality Considerations").

Setting (as the talk defines it): ``k`` identical licences, ``n`` unit-demand players with values i.i.d.
from ``F``. The talk's *two-group* framework: a group of licences is sold by a truthful auction and the
rest are allocated by lottery. Its optimal member is the **sequential auction and lottery** ``SAL(k1)``:
a uniform-price auction sells ``k1`` licences to the ``k1`` highest bidders at the ``(k1+1)``-th highest
bid; the other ``k - k1`` go by a uniform lottery among the ``n - k1`` remaining players (who pay the
lottery price ``r``, default 0). It is truthful: bidding above one's value only buys an auction licence
at a price above value; bidding below only trades an auction win for a lottery chance below 1.

Measures (named parameters, documented readings of the talk's "efficiency" and "equality level"):

- ``efficiency``: expected total value of the licence holders, ``E[sum of winners' values]``
  (divided by the pure auction's to give ``efficiency_ratio``).
- ``equality``: the smallest winning probability over all value types, i.e. the chance of the
  lowest-valued player: ``(k - k1) / (n - k1)`` for ``SAL(k1)``; the pure lottery gives every player
  ``k / n``, so ``equality_ratio = equality / (k / n)``.

Connection to fairbid.auctions (seed 004): with ``k = 1``, ``SAL`` is either the pure auction or the pure
lottery, and the randomized mixture "lottery with probability lambda, else auction" is exactly the pSP
mechanism ``pSP(r1=0, r2=0, lambda)`` of :mod:`fairbid.auctions` (Equal-Possible lottery ``EP(0)``).
:func:`mixture_outcome` gives the same two measures for the general ``k`` version of that mixture, and
:func:`simulate_psp_licence` runs fairbid.auctions' own pSP to check the ``k = 1`` numbers; SAL dominates
the mixture at every equality level (tested).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from fairbid.core.errors import FairbidError, check_float, check_int


@dataclass(frozen=True)
class LicenceOutcome:
    """Efficiency and equality of one licence-allocation mechanism."""

    mechanism: str
    efficiency: float
    efficiency_ratio: float
    equality: float
    equality_ratio: float
    revenue: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def expected_top_sum(n: int, k: int, values: Any = "uniform:0:1") -> float:
    """``E[sum of the k highest of n i.i.d. values]``, by quadrature of the quantile function against the
    order-statistic densities (the r-th highest of n is the (n - r + 1)-th lowest:
    ``E = int_0^1 F^{-1}(u) Beta(u; n - r + 1, r) du``)."""
    n = check_int("n", n, 1, 10**6)
    k = check_int("k", k, 0, n)
    return float(sum(_order_stat_mean(n, r, str(values)) for r in range(1, k + 1)))


@lru_cache(maxsize=4096)
def _order_stat_mean(n: int, r: int, values: str) -> float:
    from scipy import integrate, stats

    from fairbid.auctions import parse_distribution

    F = parse_distribution(values, "values")
    a, b = n - r + 1, r
    val, _ = integrate.quad(lambda u: float(F.ppf(u)) * stats.beta.pdf(u, a, b), 0.0, 1.0, limit=200)
    return val


def _check(n: int, k: int) -> tuple[int, int]:
    n = check_int("n", n, 1, 10**6)
    k = check_int("k", k, 1, n)
    return n, k


def sal_outcome(n: int, k: int, k1: int, values: Any = "uniform:0:1", lottery_price: float = 0.0) -> LicenceOutcome:
    """Efficiency and equality of the sequential auction and lottery ``SAL(k1)`` (closed form).

    ``efficiency = E[top k1] + (k - k1) / (n - k1) * (n mu - E[top k1])``: the lottery picks uniformly
    among the ``n - k1`` auction losers, whose values sum to ``n mu - top k1`` in expectation.
    """
    from fairbid.auctions import parse_distribution

    n, k = _check(n, k)
    k1 = check_int("k1", k1, 0, k)
    r = check_float("lottery_price", lottery_price, 0.0)
    mu = parse_distribution(values, "values").mean()
    top1 = expected_top_sum(n, k1, values) if k1 else 0.0
    topk = expected_top_sum(n, k, values)
    if k1 == n:
        eq, lot = 1.0, 0.0
    else:
        eq = (k - k1) / (n - k1) if k1 < k else 0.0
        lot = eq * (n * mu - top1)
    # Revenue: k1 licences at the (k1+1)-th highest value, plus the lottery price.
    nxt = (expected_top_sum(n, k1 + 1, values) - top1) if k1 < n else 0.0
    return LicenceOutcome(f"SAL(k1={k1})", top1 + lot, (top1 + lot) / topk, eq, eq / (k / n),
                          k1 * nxt + (k - k1) * r)


def mixture_outcome(n: int, k: int, lam: float, values: Any = "uniform:0:1") -> LicenceOutcome:
    """Randomize the whole mechanism: lottery for all ``k`` with probability ``lam``, else the auction.

    For ``k = 1`` this is fairbid.auctions' ``pSP(r1=0, r2=0, lam)``.
    """
    from fairbid.auctions import parse_distribution

    n, k = _check(n, k)
    lam = check_float("lam", lam, 0.0, 1.0)
    mu = parse_distribution(values, "values").mean()
    topk = expected_top_sum(n, k, values)
    eff = (1 - lam) * topk + lam * k * mu
    eq = lam * k / n if k < n else 1.0
    nxt = expected_top_sum(n, k + 1, values) - topk if k < n else 0.0
    return LicenceOutcome(f"mixture(lambda={lam:g})", eff, eff / topk, eq, eq / (k / n), (1 - lam) * k * nxt)


def frontier(n: int, k: int, values: Any = "uniform:0:1", points: int = 21) -> dict[str, list[float]]:
    """Efficiency ratio against equality ratio for SAL(k1), k1 = 0..k, and for the mixture on a grid."""
    points = check_int("points", points, 2, 10_000)
    sal = [sal_outcome(n, k, k1, values) for k1 in range(k + 1)]
    mix = [mixture_outcome(n, k, lam, values) for lam in np.linspace(0, 1, points)]
    return {"sal_equality": [o.equality_ratio for o in sal], "sal_efficiency": [o.efficiency_ratio for o in sal],
            "mix_equality": [o.equality_ratio for o in mix], "mix_efficiency": [o.efficiency_ratio for o in mix]}


def simulate_psp_licence(n: int, lam: float, values: Any = "uniform:0:1", samples: int = 200_000,
                         seed: Any = 0) -> dict[str, float]:
    """Monte Carlo of fairbid.auctions' ``pSP(0, 0, lam)`` for one licence: mean winner value (efficiency)
    and the lowest-valued player's winning frequency (equality)."""
    from fairbid.auctions import parse_distribution, psp
    from fairbid.core.rng import as_generator, spawn

    n, _ = _check(n, 1)
    samples = check_int("samples", samples, 1, 10**8)
    if n < 2:
        raise FairbidError("n", "needs at least 2 players", n)
    s_vals, s_mech = spawn(seed, 2)
    v = parse_distribution(values, "values").sample((samples, n), seed=as_generator(s_vals))
    out = psp(0.0, 0.0, lam).run(v, seed=s_mech)
    rows = np.arange(samples)
    sold = out.winner >= 0
    eff = float(np.where(sold, v[rows, np.maximum(out.winner, 0)], 0.0).mean())
    low = v.argmin(axis=1)
    return {"efficiency": eff, "equality": float((out.winner == low).mean())}
