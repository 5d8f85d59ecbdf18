"""What every diffusion mechanism returns: win probabilities, payments, utilities, revenue."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fairbid.diffusion.network import CompiledNetwork, DiffusionNetwork


@dataclass
class Outcome:
    """Result of a mechanism on a network (all buyers listed; invalid buyers get zeros).

    Attributes
    ----------
    mechanism : str
        Mechanism name.
    winner : str or None
        The winner's id for a deterministic outcome; ``None`` for a randomized mechanism's
        expectation (or when nobody wins).
    win_probability, payments, utilities : dict
        Per buyer. Payments are positive when the buyer pays and negative when she is paid.
        Utilities use the buyers' *true* values: ``p_win * value - payment``.
    revenue : float
        Seller revenue (the sum of all payments).
    details : dict
        Extra facts: tree distribution, number of trees, exact or sampled, standard errors.
    """

    mechanism: str
    winner: str | None
    win_probability: dict[str, float]
    payments: dict[str, float]
    utilities: dict[str, float]
    revenue: float
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The CLI's JSON form (contract keys first)."""
        out = {"winner": self.winner, "win_probability": self.win_probability,
               "payments": self.payments, "utilities": self.utilities, "revenue": self.revenue,
               "mechanism": self.mechanism}
        out.update(self.details)
        return out


def outcome_from_arrays(net: DiffusionNetwork, mechanism: str, win: np.ndarray, pay: np.ndarray,
                        *, deterministic: bool, details: dict[str, Any] | None = None) -> Outcome:
    """Turn per-compiled-node arrays (index 0 = seller) into an :class:`Outcome`."""
    cn: CompiledNetwork = net.compiled
    wp = {b: 0.0 for b in net.buyers}
    pp = {b: 0.0 for b in net.buyers}
    for i in range(1, cn.n):
        wp[cn.ids[i]] = float(win[i])
        pp[cn.ids[i]] = float(pay[i]) + 0.0  # +0.0 turns -0.0 into 0.0
    ut = {b: wp[b] * net.values[b] - pp[b] for b in net.buyers}
    winner = None
    if deterministic:
        won = [b for b in net.buyers if wp[b] > 0.5]
        winner = won[0] if won else None
    return Outcome(mechanism, winner, wp, pp, ut, float(sum(pp.values())), dict(details or {}))


def max_outside(order_vals: np.ndarray, tin: np.ndarray, tout: np.ndarray) -> np.ndarray:
    """For subtrees given as Euler ranges ``[tin, tout)``, the max of values outside each range.

    ``order_vals`` are values in Euler (pre-)order. Empty complement gives 0 (a price floor of 0).
    """
    n = order_vals.size
    pre = np.concatenate(([-np.inf], np.maximum.accumulate(order_vals)))
    suf = np.concatenate((np.maximum.accumulate(order_vals[::-1])[::-1], [-np.inf]))
    out = np.maximum(pre[tin], suf[np.minimum(tout, n)])
    return np.where(np.isfinite(out), out, 0.0)
