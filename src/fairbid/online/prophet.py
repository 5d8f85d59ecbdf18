"""Static pricing for multi-unit prophet inequalities (seed 002, Chawla-Devanur-Lykouris).

k identical units, n independent non-negative values X_1..X_n revealed in a fixed order. A static price
p sells a unit to every X_i >= p while units remain. The abstract's rule picks the p at which

* mu_k(p)    = E[min(k, B(p))] / k  (fraction of the k units expected to sell), and
* delta_k(p) = P(B(p) < k)          (probability that not all units sell out),

are equal, with B(p) = #{i : X_i >= p} (a Poisson-binomial count). For k = 1 this is Samuel-Cahn's
median rule P(max X_i < p) = 1/2.

Why the equalising price is guaranteed ``min(mu, delta)``: revenue p k mu plus buyer surplus at least
delta * sum E[(X_i - p)^+] bounds the policy from below, and k p + sum E[(X_i - p)^+] bounds the prophet
E[sum of the top k] from above. The bound is smallest when B is Poisson (the abstract's worst case), so
:func:`guarantee` solves mu = delta for B ~ Poisson(lambda); :func:`worst_case_search` reproduces it by
searching Binomial(n, q) instances (n -> infinity is the Poisson limit).

Everything here is exact up to quadrature: the prophet value is the integral over x of
E[min(k, N(x))] with N(x) = #{X_i > x} (a layer-cake identity for sums of the top k).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from fairbid.core.errors import FairbidError, check_int

#: Largest n accepted (the Poisson-binomial DP is O(n k) per evaluation).
MAX_N = 100_000
#: Largest list of non-identical distributions (the DP over items runs once per quadrature point).
MAX_DISTINCT = 2_000
#: Largest k accepted.
MAX_K = 1_000


def _dists(values: Any, n: int | None) -> list:
    """Normalise ``values`` (one SPEC / distribution, i.i.d. with ``n``; or a list of them) to a list."""
    from fairbid.auctions import parse_distribution

    if isinstance(values, (list, tuple)):
        if len(values) == 0:
            raise FairbidError("values", "needs at least one distribution", "[]")
        if len(values) > MAX_DISTINCT:  # the DP over non-identical items is O(n k) per quadrature point
            raise FairbidError("values", f"at most {MAX_DISTINCT} non-identical distributions", len(values))
        dists = [parse_distribution(v, what=f"values[{i}]") for i, v in enumerate(values)]
    else:
        if n is None:
            raise FairbidError("n", "is required for i.i.d. values")
        n = check_int("n", n, minimum=1, maximum=MAX_N)
        dists = [parse_distribution(values, what="values")] * n
    for i, d in enumerate(dists):
        if d.lower < 0:
            raise FairbidError(f"values[{i}]", "must be non-negative (support starts below 0)", d.spec)
    return dists


def _tail_counts(probs: np.ndarray, k: int) -> np.ndarray:
    """P(B = j) for j = 0..k-1 of B = sum of independent Bernoulli(probs) (last column: P(B >= k)).

    ``probs`` has shape (n, m): m independent evaluations at once (vectorised over grid points)."""
    probs = np.atleast_2d(probs)
    n, m = probs.shape
    if n > 1 and np.all(probs == probs[:1]):  # i.i.d.: Binomial(n, q), no loop over items
        from scipy import stats

        q = probs[0]
        out = np.empty((k + 1, m))
        out[:k] = stats.binom.pmf(np.arange(k)[:, None], n, q[None, :])
        out[k] = stats.binom.sf(k - 1, n, q)
        return out
    dist = np.zeros((k + 1, m))
    dist[0] = 1.0
    for i in range(n):  # O(n k m) numpy: a DP over items, vectorised over states and grid points
        q = probs[i]
        new = dist * (1.0 - q)
        new[1:] += dist[:-1] * q
        new[k] += dist[k] * q  # the absorbing ">= k" state stays
        dist = new
    return dist


def _expected_min(dist: np.ndarray, k: int) -> np.ndarray:
    return (np.arange(k + 1)[:, None] * dist).sum(axis=0)


def _sf_matrix(dists: list, x: np.ndarray) -> np.ndarray:
    if all(d is dists[0] for d in dists):
        row = np.asarray(dists[0].sf(x), dtype=float)
        return np.broadcast_to(row, (len(dists), row.size))
    return np.vstack([np.asarray(d.sf(x), dtype=float) for d in dists])


def statistics(dists: list, k: int, price: float) -> tuple[float, float]:
    """(mu_k(p), delta_k(p)) for the items ``dists`` at ``price``."""
    dist = _tail_counts(_sf_matrix(dists, np.array([price])), k)
    return float(_expected_min(dist, k)[0] / k), float(1.0 - dist[k, 0])


def static_price(dists: list, k: int) -> float:
    """The price p with mu_k(p) = delta_k(p) (bisection in p on a monotone gap)."""
    from scipy.optimize import brentq

    lo = min(d.lower for d in dists)
    hi = max(d.quantile_upper(1e-15) for d in dists)

    def gap(p: float) -> float:  # decreasing in p: mu falls, delta rises
        mu, delta = statistics(dists, k, p)
        return mu - delta

    if gap(lo) <= 0:  # even the lowest price leaves units unsold with probability >= mu
        return lo
    if gap(hi) >= 0:
        return hi
    return float(brentq(gap, lo, hi, xtol=1e-13, rtol=1e-13, maxiter=500))


def policy_value(dists: list, k: int, price: float) -> float:
    """Exact expected total value sold by the static price in the given arrival order.

    Item i is sold iff X_i >= p and fewer than k of the items before it were >= p, which is independent
    of X_i: value = sum_i P(B_{<i} < k) E[X_i 1{X_i >= p}]."""
    from scipy import integrate

    q = _sf_matrix(dists, np.array([price]))[:, 0]
    gains = []
    cache: dict[int, float] = {}
    for d in (dists[:1] if all(d is dists[0] for d in dists) else dists):  # E[X 1{X >= p}] = p sf(p) + int_p^inf sf(x) dx
        key = id(d)
        if key not in cache:
            hi = d.quantile_upper(1e-15)
            cuts = sorted({price, hi, *[float(d.ppf(q)) for q in (0.5, 0.9, 0.99, 0.999)]})
            cuts = [c for c in cuts if price <= c <= hi]
            tail = sum(integrate.quad(lambda x: float(d.sf(x)), a, b, limit=400, epsabs=1e-13)[0]
                       for a, b in zip(cuts[:-1], cuts[1:]) if b > a)
            if not d.bounded:
                tail += integrate.quad(lambda x: float(d.sf(x)), max(hi, price), np.inf, limit=400)[0]
            cache[key] = price * float(d.sf(price)) + tail
        gains.append(cache[key])
    if all(d is dists[0] for d in dists):  # i.i.d.: P(Binomial(i, q) < k) for i = 0..n-1, vectorised
        from scipy import stats

        return float(gains[0] * stats.binom.cdf(k - 1, np.arange(len(dists)), q[0]).sum())
    avail = np.empty(len(dists))
    dist = np.zeros(k + 1)
    dist[0] = 1.0
    for i, qi in enumerate(q):  # non-identical items: O(n k) DP (n <= MAX_N)
        avail[i] = 1.0 - dist[k]
        new = dist * (1 - qi)
        new[1:] += dist[:-1] * qi
        new[k] += dist[k] * qi
        dist = new
    return float(np.dot(avail, gains))


def prophet_value(dists: list, k: int) -> float:
    """E[sum of the k largest values] = int_0^inf E[min(k, N(x))] dx, N(x) = #{X_i > x}."""
    from scipy import integrate

    upper = max(d.quantile_upper(1e-15) for d in dists)
    bounded = all(d.bounded for d in dists)

    def f(x: float) -> float:
        return float(_expected_min(_tail_counts(_sf_matrix(dists, np.array([x])), k), k)[0])

    # Split at the distributions' quantiles so quad sees the kinks; add the unbounded tail with inf.
    distinct = list({d.spec: d for d in dists}.values())[:50]  # kinks: every law's ends and quantiles
    qs = (0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 1 - 1e-6)
    pts = sorted({0.0, upper, *[float(d.ppf(q)) for d in distinct for q in qs],
                  *[d.upper for d in distinct if d.bounded], *[d.lower for d in distinct]})
    pts = [p for p in pts if 0.0 <= p <= upper]
    total = 0.0
    for a, b in zip(pts[:-1], pts[1:]):
        if b > a:
            total += integrate.quad(f, a, b, limit=400, epsabs=1e-12, epsrel=1e-11)[0]
    if not bounded:
        total += integrate.quad(f, upper, np.inf, limit=400)[0]
    return total


def _poisson_stats(lam: float, k: int) -> tuple[float, float]:
    from scipy import stats

    j = np.arange(k)
    pmf = stats.poisson.pmf(j, lam)
    delta = float(pmf.sum())
    mu = float(((j * pmf).sum() + k * (1.0 - delta)) / k)
    return mu, delta


def guarantee(k: int) -> float:
    """The worst-case ratio min(mu, delta) at the equalising price when B ~ Poisson(lambda).

    Chawla-Devanur-Lykouris report 0.585, 0.630, 0.660, 0.682 for k = 2..5; k = 1 gives 1/2."""
    from scipy.optimize import brentq

    k = check_int("k", k, minimum=1, maximum=MAX_K)
    lam = brentq(lambda t: _poisson_stats(t, k)[0] - _poisson_stats(t, k)[1], 1e-9, 10.0 * k + 10, xtol=1e-14)
    return _poisson_stats(lam, k)[1]


def worst_case_search(k: int, ns: Sequence[int] = (2, 5, 10, 50, 200, 1000, 10000)) -> dict[str, Any]:
    """Search Binomial(n, q) counts B (n i.i.d. items each above p with probability q) for the smallest
    bound min(mu, delta) at the equalising q; the minimum over n approaches the Poisson value from above.

    Returns ``{"n": [...], "bound": [...], "worst": min bound, "poisson": guarantee(k)}``."""
    from scipy import stats
    from scipy.optimize import brentq

    k = check_int("k", k, minimum=1, maximum=MAX_K)
    out_n, out_b = [], []
    for n in ns:
        if n < k:
            continue
        j = np.arange(k)

        def stats_q(q: float) -> tuple[float, float]:
            pmf = stats.binom.pmf(j, n, q)
            delta = float(pmf.sum())
            return float(((j * pmf).sum() + k * (1 - delta)) / k), delta

        if n == k:  # all n items can be sold: mu = delta needs q with 1 - q^k... solved the same way
            pass
        q = brentq(lambda t: stats_q(t)[0] - stats_q(t)[1], 1e-12, 1 - 1e-12, xtol=1e-15)
        out_n.append(int(n))
        out_b.append(stats_q(q)[1])
    return {"n": out_n, "bound": out_b, "worst": float(min(out_b)), "poisson": guarantee(k)}


@dataclass(frozen=True)
class ProphetResult:
    """What :func:`prophet` returns (``as_dict`` is the CLI's JSON)."""

    k: int
    n: int
    price: float
    mu: float
    delta: float
    policy_value: float
    prophet_value: float
    guarantee: float
    method: str

    @property
    def ratio(self) -> float:
        return self.policy_value / self.prophet_value if self.prophet_value > 0 else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {"k": self.k, "n": self.n, "price": self.price, "mu": self.mu, "delta": self.delta,
                "policy_value": self.policy_value, "prophet_value": self.prophet_value, "ratio": self.ratio,
                "guarantee": self.guarantee, "method": self.method}


def prophet(values: Any, k: int, n: int | None = None) -> ProphetResult:
    """Static price, policy value, prophet value, their ratio and the guaranteed ratio.

    Parameters
    ----------
    values : str, ValueDistribution or list of them
        One SPEC (i.i.d., needs ``n``) or one distribution per item in arrival order.
    k : int
        Units (>= 1).
    n : int, optional
        Number of i.i.d. items when ``values`` is a single distribution.

    Examples
    --------
    >>> r = prophet("uniform:0:1", k=1, n=1)
    >>> round(r.price, 6), round(r.ratio, 6)   # median rule: p = 1/2, value 3/8 of prophet 1/2
    (0.5, 0.75)
    """
    k = check_int("k", k, minimum=1, maximum=MAX_K)
    dists = _dists(values, n)
    p = static_price(dists, k)
    mu, delta = statistics(dists, k, p)
    return ProphetResult(k=k, n=len(dists), price=p, mu=mu, delta=delta, policy_value=policy_value(dists, k, p),
                         prophet_value=prophet_value(dists, k), guarantee=guarantee(k), method="exact-quadrature")


def simulate_prophet(values: Any, k: int, price: float, n: int | None = None, samples: int = 100_000,
                     seed: Any = None) -> dict[str, float]:
    """Monte Carlo check: mean policy value, mean prophet value and their standard errors."""
    from fairbid.core.rng import as_generator, spawn

    k = check_int("k", k, minimum=1, maximum=MAX_K)
    samples = check_int("samples", samples, minimum=1, maximum=10**8)
    dists = _dists(values, n)
    if samples * len(dists) > 5 * 10**7:  # one float per (sample, item) is held in memory
        raise FairbidError("samples", "samples * n must be at most 5e7", samples * len(dists))
    gens = [as_generator(s) for s in spawn(seed, len(dists))]
    x = np.column_stack([d.sample(samples, g) for d, g in zip(dists, gens)])  # (samples, n)
    above = x >= price
    sold_before = np.cumsum(above, axis=1) - above
    pol = (x * (above & (sold_before < k))).sum(axis=1)
    top = -np.sort(-x, axis=1)[:, :k].sum(axis=1)
    return {"policy_value": float(pol.mean()), "policy_stderr": float(pol.std(ddof=1) / np.sqrt(samples)),
            "prophet_value": float(top.mean()), "prophet_stderr": float(top.std(ddof=1) / np.sqrt(samples))}
