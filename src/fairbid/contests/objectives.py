"""Designer objectives of Elkind, Ghosh, Goldberg, *Contest Design with Threshold Objectives* (seed 002).

A player's output ``b`` contributes ``f(b)`` to the designer:

* ``total``: ``f(b) = b`` (the classic total-output objective);
* ``binary``: ``f(b) = 1[b >= threshold]`` (binary threshold);
* ``linear``: ``f(b) = min(max(b, lower), upper) - lower`` (linear threshold: linear between the
  thresholds, constant below ``lower`` and above ``upper``). Open point: the abstract fixes the shape
  only up to an additive constant; the constant below ``lower`` is taken as 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from fairbid.core.errors import FairbidError, check_choice, check_float

OBJECTIVES = ("total", "binary", "linear")


@dataclass(frozen=True)
class Objective:
    """A designer objective ``f``; build with :func:`make_objective`."""

    kind: str
    threshold: float = 0.0
    lower: float = 0.0
    upper: float = float("inf")

    def __call__(self, b: Any) -> Any:
        b = np.asarray(b, dtype=float)
        if self.kind == "total":
            return b
        if self.kind == "binary":
            return (b >= self.threshold).astype(float)
        return np.clip(b, self.lower, self.upper) - self.lower

    def expected(self, sf: Any, atom_top: float | None = None) -> float:
        """``E[f(b)]`` for a bid with survival function ``sf(b) = P(bid > b)`` (continuous above 0).

        Uses ``E f(b) = integral f'(b) P(bid > b) db`` plus the jump of ``binary`` at its threshold.
        ``atom_top`` bounds the support for the integral.
        """
        from scipy.integrate import quad

        top = float("inf") if atom_top is None else atom_top
        if self.kind == "binary":
            return float(sf(self.threshold))
        lo, hi = (0.0, top) if self.kind == "total" else (self.lower, min(self.upper, top))
        if hi <= lo:
            return 0.0
        return float(quad(sf, lo, hi, limit=200, epsabs=1e-12, epsrel=1e-10)[0])

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"objective": self.kind}
        if self.kind == "binary":
            d["threshold"] = self.threshold
        if self.kind == "linear":
            d.update(lower=self.lower, upper=self.upper)
        return d


def make_objective(kind: str = "total", *, threshold: float | None = None, lower: float | None = None,
                   upper: float | None = None) -> Objective:
    """Build and check an :class:`Objective` (``binary`` needs ``threshold > 0``; ``linear`` needs
    ``0 <= lower < upper``, ``upper`` may be ``inf``)."""
    check_choice("--objective", kind, OBJECTIVES)
    # A parameter of another objective is refused, not silently ignored.
    used = {"binary": ("threshold",), "linear": ("lower", "upper"), "total": ()}[kind]
    for name, value in (("threshold", threshold), ("lower", lower), ("upper", upper)):
        if value is not None and name not in used:
            raise FairbidError(f"--{name}", f"is not used by the {kind} objective", value)
    if kind == "binary":
        if threshold is None:
            raise FairbidError("--threshold", "is required for the binary objective")
        tau = check_float("--threshold", threshold, 0.0, low_open=True)
        if not np.isfinite(tau):
            raise FairbidError("--threshold", "must be finite", tau)
        return Objective("binary", threshold=tau)
    if kind == "linear":
        if lower is None or upper is None:
            raise FairbidError("--lower/--upper", "are required for the linear objective")
        lo = check_float("--lower", lower, 0.0)
        if not np.isfinite(lo):
            raise FairbidError("--lower", "must be finite", lo)
        hi = check_float("--upper", upper, 0.0)
        if not hi > lo:
            raise FairbidError("--upper", f"must exceed --lower ({lo})", hi)
        return Objective("linear", lower=lo, upper=hi)
    return Objective("total")
