"""The result every market solver returns (and what ``fairbid markets solve --json`` prints)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Model names accepted by :func:`fairbid.markets.solve` and ``fairbid markets solve --model``.
MODELS = ("fisher-linear", "fisher-satiation", "arrow-debreu-linear", "pacing-fp", "pacing-sp",
          "throttling-fp", "throttling-sp")


@dataclass
class MarketResult:
    """Prices, allocation and spend of one solve.

    Parameters
    ----------
    model : str
        One of :data:`MODELS`.
    prices : ndarray (m,)
        Price of one unit of each good (throttling: expected payment per auction of that good).
    allocation : ndarray (n, m)
        Share of each good's supply each buyer gets (throttling: expected share).
    spend : ndarray (n,)
        Money each buyer spends (expected, for throttling).
    pacing, throttling : ndarray (n,) or None
        Pacing multipliers ``alpha_i`` / participation probabilities ``theta_i`` of those models.
    solver : str
        What computed it (e.g. ``"cvxpy:CLARABEL"``, ``"proportional-response"``).
    status : str
        ``"ok"``, or ``"failed: <why>"`` when an iterative method did not reach its tolerance (the
        result is then the best point found, and ``violation`` says how far off it is).
    iterations : int
        Iterations of an iterative method (0 for a convex program).
    seconds : float
        Wall time of the solve.
    violation : float
        Largest equilibrium-condition violation reported by :func:`fairbid.markets.check_equilibrium`.
    """

    model: str
    prices: np.ndarray
    allocation: np.ndarray
    spend: np.ndarray
    pacing: np.ndarray | None = None
    throttling: np.ndarray | None = None
    solver: str = ""
    status: str = "ok"
    iterations: int = 0
    seconds: float = 0.0
    violation: float = float("nan")
    details: dict[str, float] = field(default_factory=dict)

    def to_dict(self, allocation: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {"model": self.model, "prices": self.prices.tolist()}
        if allocation:
            d["allocation"] = self.allocation.tolist()
        d["spend"] = self.spend.tolist()
        if self.pacing is not None:
            d["pacing"] = self.pacing.tolist()
        if self.throttling is not None:
            d["throttling"] = self.throttling.tolist()
        d.update({"violation": float(self.violation), "violations": dict(self.details), "status": self.status,
                  "solver": self.solver, "iterations": int(self.iterations), "seconds": float(self.seconds)})
        return d
