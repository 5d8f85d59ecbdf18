"""Value distributions: any continuous :mod:`scipy.stats` distribution, parsed from a spec string.

Spec strings (``name:arg:arg...``) as on the CLI:

========================  ==================================================================
``uniform:a:b``           U[a, b] (note: *bounds*, not scipy's ``loc, scale``)
``beta:a:b[:loc:scale]``  Beta(a, b) on [loc, loc + scale] (default [0, 1])
``lognormal:mu:sigma``    log X ~ N(mu, sigma²)
``truncnorm:mu:sd:lo:hi`` normal(mu, sd²) truncated to [lo, hi] (*bounds*, not scipy's z-scores)
``expon:scale[:loc]``     exponential with mean ``scale`` shifted by ``loc``
``<scipy name>:p1:p2...`` any other continuous scipy.stats distribution, positional shape
                          parameters then ``loc`` and ``scale`` as scipy orders them
========================  ==================================================================

Values must be non-negative (the seed's B = (0, +inf)); a distribution whose support reaches below 0
is rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from fairbid.core.errors import FairbidError
from fairbid.core.rng import SeedLike, as_generator


@dataclass(frozen=True)
class ValueDistribution:
    """A bidder value distribution F on [lower, upper] (``upper`` may be ``inf``).

    Parameters
    ----------
    frozen : scipy.stats frozen continuous distribution
        The underlying distribution.
    spec : str
        The spec string it was built from (for configs and reports).

    Examples
    --------
    >>> F = parse_distribution("uniform:0:1")
    >>> float(F.cdf(0.25)), F.lower, F.upper
    (0.25, 0.0, 1.0)
    """

    frozen: Any = field(repr=False)
    spec: str

    @property
    def lower(self) -> float:
        return float(self.frozen.support()[0])

    @property
    def upper(self) -> float:
        return float(self.frozen.support()[1])

    @property
    def bounded(self) -> bool:
        return bool(np.isfinite(self.upper))

    def cdf(self, x: Any) -> Any:
        """F(x)."""
        return self.frozen.cdf(x)

    def pdf(self, x: Any) -> Any:
        """f(x)."""
        return self.frozen.pdf(x)

    def ppf(self, q: Any) -> Any:
        """F^{-1}(q)."""
        return self.frozen.ppf(q)

    def sf(self, x: Any) -> Any:
        """1 − F(x), accurate in the upper tail."""
        return self.frozen.sf(x)

    def mean(self) -> float:
        return float(self.frozen.mean())

    def sample(self, size: Any, seed: SeedLike = None) -> np.ndarray:
        """Draw values with shape ``size`` from ``seed`` (inverse-cdf sampling through scipy)."""
        return np.asarray(self.frozen.rvs(size=size, random_state=as_generator(seed)), dtype=float)

    def quantile_upper(self, eps: float = 1e-12) -> float:
        """A finite upper end for integration grids: ``upper`` if bounded, else F^{-1}(1 − eps)."""
        return self.upper if self.bounded else float(self.frozen.isf(eps))

    def __str__(self) -> str:
        return self.spec


def _num(spec: str, text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise FairbidError("distribution", f"parameter {text!r} is not a number", spec) from None
    if not np.isfinite(x):
        raise FairbidError("distribution", "parameters must be finite numbers", spec)
    return x


def _build(name: str, args: list[float], spec: str):
    if name == "uniform":
        if len(args) != 2 or not args[0] < args[1]:
            raise FairbidError("distribution", "uniform needs uniform:a:b with a < b", spec)
        return stats.uniform(loc=args[0], scale=args[1] - args[0])
    if name == "beta":
        if len(args) not in (2, 4) or min(args[:2]) <= 0 or (len(args) == 4 and args[3] <= 0):
            raise FairbidError("distribution", "beta needs beta:a:b[:loc:scale] with a, b, scale > 0", spec)
        loc, scale = (args[2], args[3]) if len(args) == 4 else (0.0, 1.0)
        return stats.beta(args[0], args[1], loc=loc, scale=scale)
    if name in ("lognormal", "lognorm"):
        if len(args) != 2 or args[1] <= 0:
            raise FairbidError("distribution", "lognormal needs lognormal:mu:sigma with sigma > 0", spec)
        return stats.lognorm(s=args[1], scale=float(np.exp(args[0])))
    if name == "truncnorm":
        if len(args) != 4 or args[1] <= 0 or not args[2] < args[3]:
            raise FairbidError("distribution", "truncnorm needs truncnorm:mu:sd:lo:hi with sd > 0, lo < hi", spec)
        mu, sd, lo, hi = args
        return stats.truncnorm((lo - mu) / sd, (hi - mu) / sd, loc=mu, scale=sd)
    if name in ("expon", "exponential"):
        if len(args) not in (1, 2) or args[0] <= 0:
            raise FairbidError("distribution", "expon needs expon:scale[:loc] with scale > 0", spec)
        return stats.expon(loc=args[1] if len(args) == 2 else 0.0, scale=args[0])
    gen = getattr(stats, name, None)
    if not isinstance(gen, stats.rv_continuous):
        raise FairbidError("distribution", "unknown distribution name", spec)
    try:
        frozen = gen(*args)
        frozen.cdf(frozen.median())
    except Exception as exc:
        raise FairbidError("distribution", f"bad parameters for {name} ({exc})", spec) from None
    return frozen


def parse_distribution(spec: "str | ValueDistribution | Any", what: str = "distribution") -> ValueDistribution:
    """Return the :class:`ValueDistribution` for a spec string, a ValueDistribution or a frozen scipy dist.

    ``what`` names the field in error messages (the CLI passes ``--values``).

    Raises
    ------
    FairbidError
        Unknown name, bad parameters, or support reaching below 0.

    Examples
    --------
    >>> round(float(parse_distribution("beta:2:5").mean()), 4)
    0.2857
    >>> parse_distribution("nosuch:1")
    Traceback (most recent call last):
    ...
    fairbid.core.errors.FairbidError: distribution: unknown distribution name (got 'nosuch:1')
    """
    try:
        return _parse(spec)
    except FairbidError as exc:
        if what == exc.what:
            raise
        raise FairbidError(what, exc.problem, exc.got) from None


def _parse(spec: Any) -> ValueDistribution:
    if isinstance(spec, ValueDistribution):
        return spec
    if not isinstance(spec, str):
        if hasattr(spec, "cdf") and hasattr(spec, "support"):
            dist = ValueDistribution(spec, f"scipy:{getattr(spec.dist, 'name', 'custom')}")
            _check_support(dist)
            return dist
        raise FairbidError("distribution", "must be a spec string like uniform:0:1", spec)
    parts = [p.strip() for p in spec.strip().split(":")]
    name = parts[0].lower()
    if not name:
        raise FairbidError("distribution", "must be a spec string like uniform:0:1", spec)
    args = [_num(spec, p) for p in parts[1:]]
    with np.errstate(over="ignore"):  # exp(1e5) -> inf is refused by _check_scale, not warned about
        dist = ValueDistribution(_build(name, args, spec), spec)
    _check_support(dist)
    _check_scale(dist)
    return dist


#: Values (money) fairbid's quadrature handles: the bulk of F must lie in [0, MAX_VALUE] and not be
#: narrower than MIN_SPREAD relative to its location (a point mass has no density to integrate).
MAX_VALUE = 1e12
MIN_SPREAD = 1e-9


def _check_scale(dist: ValueDistribution) -> None:
    """Refuse parameters whose values overflow or collapse (e.g. lognormal:1e5:1e3, beta:1e308:1e308).

    Finite parameters can still give infinite quantiles or a spike narrower than double precision
    resolves; the closed forms would then fail deep inside a solver instead of here.
    """
    import warnings

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        lo, hi = (float(q) for q in dist.ppf(np.array([1e-9, 1 - 1e-9])))
    if not (np.isfinite(lo) and np.isfinite(hi)) or hi > MAX_VALUE:
        raise FairbidError("distribution", f"parameters put values beyond {MAX_VALUE:g} (or overflow); "
                           "rescale the values", dist.spec)
    if hi - lo <= MIN_SPREAD * max(1.0, abs(hi)):
        raise FairbidError("distribution", "parameters make the values a near point mass", dist.spec)


def _check_support(dist: ValueDistribution) -> None:
    if dist.lower < 0:
        raise FairbidError("distribution", "values must be non-negative (support starts below 0)", dist.spec)
