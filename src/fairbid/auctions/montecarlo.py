"""Monte Carlo of seed 004's mechanisms under equilibrium bids, and a check of the closed forms.

:func:`simulate_auctions` draws i.i.d. values, bids by the symmetric equilibrium
(:func:`~fairbid.auctions.equilibrium.bid_function`), runs the mechanism and aggregates, per value
bin (equal-probability bins of F), the winning rate and the realised payoff x·win − payment, plus the
seller's revenue per auction. Work is split into chunks of auctions, each an
:meth:`Executor.map <fairbid.core.executor.Executor.map>` task with its own child seed, so the numbers
depend only on the seed and the chunk size, never on the backend or the worker count.

:func:`compare_closed_forms` sets the estimates against the closed forms of
:mod:`fairbid.auctions.closed_forms` (bin averages E[p(X) | X in bin], E[π(X) | X in bin] and R).
Intervals are Wilson score intervals for winning rates and normal-approximation intervals for payoffs
and revenue; the ``within_ci`` flags use a Bonferroni-corrected
level so that the family of all rows of one table has the stated coverage. Standard errors treat the
bidder observations in a bin as independent; bidders of the same auction are negatively correlated
(one winner), which makes these errors slightly conservative.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from fairbid.auctions import closed_forms as cf
from fairbid.auctions.distributions import ValueDistribution, parse_distribution
from fairbid.auctions.equilibrium import bid_function
from fairbid.auctions.mechanisms import from_spec
from fairbid.auctions.spec import MechanismSpec
from fairbid.core.errors import FairbidError, check_float, check_int
from fairbid.core.executor import Executor, chunk_sizes, get_executor
from fairbid.core.rng import SeedLike, as_generator

DEFAULT_CHUNK = 1 << 17


@dataclass(frozen=True)
class MonteCarloResult:
    """Aggregated Monte Carlo estimates (see module docstring).

    Attributes
    ----------
    mechanism : MechanismSpec
    dist : str
        Spec string of F.
    n, auctions : int
        Bidders per auction and auctions simulated.
    bin_edges : ndarray, shape (bins + 1,)
        Value bin edges (quantiles of F; the last may be ``inf``).
    count : ndarray
        Bidder observations per bin.
    win_mean, win_se, payoff_mean, payoff_se : ndarray
        Per-bin mean and standard error of the winning indicator and of the realised payoff.
    revenue_mean, revenue_se : float
        Seller revenue per auction.
    """

    mechanism: MechanismSpec
    dist: str
    n: int
    auctions: int
    bin_edges: np.ndarray
    count: np.ndarray
    win_mean: np.ndarray
    win_se: np.ndarray
    payoff_mean: np.ndarray
    payoff_se: np.ndarray
    revenue_mean: float
    revenue_se: float


def _bin_edges(dist: ValueDistribution, bins: int) -> np.ndarray:
    edges = np.asarray(dist.ppf(np.linspace(0.0, 1.0, bins + 1)), dtype=float)
    edges[0], edges[-1] = dist.lower, dist.upper
    return edges


def _chunk(task: tuple, ss: np.random.SeedSequence) -> dict[str, np.ndarray]:
    """One chunk of auctions → sufficient statistics (module-level so the process backend can pickle it)."""
    spec, dist_spec, n, size, edges = task
    dist = parse_distribution(dist_spec)
    rng = as_generator(ss)
    values = dist.sample((size, n), seed=rng)
    bids = np.asarray(bid_function(spec, dist, n, upper=max(dist.quantile_upper(1e-12), values.max()))(values))
    out = from_spec(spec).run(bids, rng)
    win = out.allocation(n)
    payoff = values * win - out.payments(n)
    which = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, edges.size - 2).ravel()
    nb = edges.size - 1
    w, p = win.ravel(), payoff.ravel()
    return {
        "count": np.bincount(which, minlength=nb).astype(float),
        "win": np.bincount(which, weights=w, minlength=nb),
        "pay": np.bincount(which, weights=p, minlength=nb),
        "pay2": np.bincount(which, weights=p * p, minlength=nb),
        "rev": np.array([out.payment.sum(), (out.payment**2).sum()]),
    }


def simulate_auctions(
    mechanism: MechanismSpec,
    dist: "ValueDistribution | str",
    n: int,
    auctions: int = 1_000_000,
    *,
    seed: SeedLike = 0,
    bins: int = 10,
    chunk: int = DEFAULT_CHUNK,
    executor: "Executor | str | None" = None,
) -> MonteCarloResult:
    """Simulate ``auctions`` auctions of ``mechanism`` with N = ``n`` equilibrium bidders.

    Parameters
    ----------
    mechanism : MechanismSpec
        fp, sp, ep, pfp or psp.
    dist : ValueDistribution or spec string
        The value distribution F.
    n : int
        Bidders per auction, N >= 2.
    auctions : int
        Number of auctions.
    seed : seed-like
        Root seed; chunk i uses its i-th child.
    bins : int
        Number of equal-probability value bins.
    chunk : int
        Auctions per task (the split, hence the numbers, depend on it).
    executor : Executor, backend name or None
        Where the chunks run (default serial).

    Returns
    -------
    MonteCarloResult

    Examples
    --------
    >>> res = simulate_auctions(MechanismSpec.sp(0.0), "uniform:0:1", 2, 20000, seed=1, bins=2)
    >>> abs(res.revenue_mean - 1 / 3) < 4 * res.revenue_se   # (N − 1)/(N + 1), Krishna §2.3
    True
    """
    if not isinstance(mechanism, MechanismSpec):
        raise FairbidError("mechanism", "must be a MechanismSpec", mechanism)
    dist = parse_distribution(dist)
    n = check_int("N", n, minimum=2)
    auctions = check_int("auctions", auctions, minimum=1)
    bins = check_int("bins", bins, minimum=1)
    edges = _bin_edges(dist, bins)
    # Pass the distribution itself: a ValueDistribution pickles, and its spec string may not parse
    # (a frozen scipy distribution passed in directly).
    tasks = [(mechanism, dist, n, size, edges) for size in chunk_sizes(auctions, chunk)]
    parts = get_executor(executor).map(_chunk, tasks, seed=seed, progress="Monte Carlo auctions")
    tot = {k: sum(p[k] for p in parts) for k in parts[0]}
    cnt = tot["count"]
    safe = np.maximum(cnt, 1.0)
    win_mean = tot["win"] / safe
    pay_mean = tot["pay"] / safe
    pay_var = np.maximum(tot["pay2"] / safe - pay_mean**2, 0.0)
    denom = np.maximum(cnt - 1.0, 1.0)
    rev_mean = tot["rev"][0] / auctions
    rev_var = max(tot["rev"][1] / auctions - rev_mean**2, 0.0)
    return MonteCarloResult(
        mechanism=mechanism, dist=dist.spec, n=n, auctions=auctions, bin_edges=edges, count=cnt,
        win_mean=win_mean, win_se=np.sqrt(win_mean * (1 - win_mean) / denom),
        payoff_mean=pay_mean, payoff_se=np.sqrt(pay_var / denom),
        revenue_mean=float(rev_mean), revenue_se=float(np.sqrt(rev_var / max(auctions - 1, 1))),
    )


# --------------------------------------------------------------------------------------------
# Closed-form bin averages
# --------------------------------------------------------------------------------------------

_GL_X, _GL_W = np.polynomial.legendre.leggauss(16)


def _panels(a: float, b: float, to_one: bool) -> np.ndarray:
    """Panel edges on [a, b] in quantile space; geometric towards 1 when the value is unbounded there."""
    if not to_one:
        return np.linspace(a, b, 17)
    gap = b - a
    tail = 1.0 - gap * 0.5 ** np.arange(0, 45)
    return np.unique(np.concatenate([np.linspace(a, tail[1], 9), tail[1:]]))


def bin_averages(
    fn, edges: np.ndarray, dist: ValueDistribution, breaks: list[float]
) -> np.ndarray:
    """E[fn(X) | X in bin] for each bin, by Gauss–Legendre in quantile space.

    Sub-intervals are split at ``breaks`` (values where fn jumps, e.g. reserves), so the quadrature
    never straddles a discontinuity.
    """
    qs = np.asarray(dist.cdf(edges), dtype=float)
    qs[0], qs[-1] = 0.0, 1.0
    qbreaks = np.asarray(dist.cdf(np.asarray(breaks, dtype=float)), dtype=float) if breaks else np.array([])
    out = np.empty(edges.size - 1)
    for k in range(edges.size - 1):
        a, b = qs[k], qs[k + 1]
        cuts = np.unique(np.concatenate([[a, b], qbreaks[(qbreaks > a) & (qbreaks < b)]]))
        total = 0.0
        for lo, hi in zip(cuts[:-1], cuts[1:]):
            pe = _panels(lo, hi, hi >= 1.0 and not dist.bounded)
            half = (pe[1:] - pe[:-1]) / 2
            u = ((pe[1:] + pe[:-1]) / 2)[:, None] + half[:, None] * _GL_X
            x = np.asarray(dist.ppf(u), dtype=float)
            total += float(np.sum(half[:, None] * _GL_W * np.asarray(fn(x), dtype=float)))
        out[k] = total / (b - a)
    return out


def wilson_interval(p_hat: np.ndarray, count: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for proportions ``p_hat`` out of ``count`` trials (sound near 0 and 1).

    Examples
    --------
    >>> lo, hi = wilson_interval(np.array([0.0]), np.array([100.0]), 1.96)
    >>> float(lo[0]), round(float(hi[0]), 4)
    (0.0, 0.037)
    """
    n = np.maximum(np.asarray(count, dtype=float), 1.0)
    p = np.asarray(p_hat, dtype=float)
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return np.maximum(centre - half, 0.0), np.minimum(centre + half, 1.0)


def compare_closed_forms(
    result: MonteCarloResult, *, level: float = 0.95, ep_payoff: str = "interim"
) -> dict[str, list]:
    """Table of closed form vs Monte Carlo estimate for every bin and the revenue.

    Parameters
    ----------
    result : MonteCarloResult
        From :func:`simulate_auctions`.
    level : float
        Family-wise confidence level; each row uses the Bonferroni level 1 − (1 − level)/rows.
    ep_payoff : {"interim", "seed"}
        Reading of Eq. 9 passed to :func:`~fairbid.auctions.closed_forms.expected_payoff`.

    Returns
    -------
    dict of lists
        Columns ``quantity, bin_lo, bin_hi, closed_form, mc, se, ci_low, ci_high, within_ci``.
    """
    level = check_float("level", level, 0.0, 1.0, low_open=True, high_open=True)
    spec, dist, n = result.mechanism, parse_distribution(result.dist), result.n
    edges = result.bin_edges
    breaks = sorted({r for _, _, r in spec.components() if dist.lower < r < dist.upper})
    win_cf = bin_averages(lambda x: cf.winning_rate(x, spec, dist, n), edges, dist, breaks)
    pay_cf = bin_averages(lambda x: cf.expected_payoff(x, spec, dist, n, ep_payoff=ep_payoff), edges, dist, breaks)
    rev_cf = cf.expected_revenue(spec, dist, n)
    nb = edges.size - 1
    rows = 2 * nb + 1
    z = float(stats.norm.isf((1.0 - level) / (2 * rows)))
    quantity = ["winning_rate"] * nb + ["payoff"] * nb + ["revenue"]
    lo = list(edges[:-1]) * 2 + [np.nan]
    hi = list(edges[1:]) * 2 + [np.nan]
    closed = np.concatenate([win_cf, pay_cf, [rev_cf]])
    mc = np.concatenate([result.win_mean, result.payoff_mean, [result.revenue_mean]])
    se = np.concatenate([result.win_se, result.payoff_se, [result.revenue_se]])
    w_lo, w_hi = wilson_interval(result.win_mean, result.count, z)
    # Few wins in a bin make the sample variance of the payoff useless (0 with no win at all); then
    # bound it with payoff <= x·win <= bin_hi·win, whose variance is at most bin_hi² · P(win).
    wins = result.win_mean * result.count
    floor = np.where(
        (wins < 30) & np.isfinite(edges[1:]), edges[1:] * np.sqrt(w_hi / np.maximum(result.count, 1.0)), 0.0
    )
    pay_se = np.maximum(result.payoff_se, floor)
    ci_low = np.concatenate([w_lo, result.payoff_mean - z * pay_se, [result.revenue_mean - z * result.revenue_se]])
    ci_high = np.concatenate([w_hi, result.payoff_mean + z * pay_se, [result.revenue_mean + z * result.revenue_se]])
    # 1e-9 absorbs quadrature error where an interval is a point (e.g. values below every reserve).
    within = (closed >= ci_low - 1e-9) & (closed <= ci_high + 1e-9)
    return {
        "quantity": quantity, "bin_lo": lo, "bin_hi": hi, "closed_form": closed.tolist(), "mc": mc.tolist(),
        "se": se.tolist(), "ci_low": ci_low.tolist(), "ci_high": ci_high.tolist(),
        "within_ci": within.tolist(),
    }


def validate_closed_forms(
    mechanism: MechanismSpec,
    dist: "ValueDistribution | str",
    n: int,
    auctions: int = 1_000_000,
    *,
    seed: SeedLike = 0,
    bins: int = 10,
    level: float = 0.95,
    chunk: int = DEFAULT_CHUNK,
    executor: "Executor | str | None" = None,
) -> dict[str, list]:
    """:func:`simulate_auctions` then :func:`compare_closed_forms`; adds a ``mechanism`` column.

    Examples
    --------
    >>> t = validate_closed_forms(MechanismSpec.psp(0.3, 0.1, 0.2), "uniform:0:1", 3, 20000, bins=2)
    >>> t["quantity"], all(t["within_ci"])
    (['winning_rate', 'winning_rate', 'payoff', 'payoff', 'revenue'], True)
    """
    res = simulate_auctions(mechanism, dist, n, auctions, seed=seed, bins=bins, chunk=chunk, executor=executor)
    table = compare_closed_forms(res, level=level)
    table["mechanism"] = [str(mechanism)] * len(table["quantity"])
    return table
