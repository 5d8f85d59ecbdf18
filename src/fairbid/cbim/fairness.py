"""Fairness index of a bidding round: generalized entropy GE(alpha) (seed 001, Eq. 1).

Two readings of the per-competitor quantity the index is taken over (an open point of the seed):

``"cost-effectiveness"`` (default, the authors' code)
    x_i = sigma_i / c_i, influence gained per unit of money; x_i = 0 when nothing was spent.
``"unit-cost"`` (the seed's text)
    x_i = c_i / sigma_i, money per activated user; x_i = 0 when nothing was spent or nothing spread.
"""

from __future__ import annotations

import numpy as np

from fairbid.core.errors import FairbidError, check_choice, check_float

READINGS = ("cost-effectiveness", "unit-cost")


def fairness_values(spreads: np.ndarray, costs: np.ndarray, reading: str = "cost-effectiveness") -> np.ndarray:
    """Per-competitor quantity the fairness index is computed over.

    Parameters
    ----------
    spreads : ndarray, shape (K,)
        Influence spread of each competitor this round.
    costs : ndarray, shape (K,)
        Money each competitor paid this round.
    reading : {"cost-effectiveness", "unit-cost"}
        See the module docstring.

    Returns
    -------
    ndarray, shape (K,)

    Examples
    --------
    >>> fairness_values(np.array([10.0, 4.0]), np.array([2.0, 0.0])).tolist()
    [5.0, 0.0]
    """
    check_choice("fairness reading", reading, READINGS)
    spreads = np.asarray(spreads, dtype=float)
    costs = np.asarray(costs, dtype=float)
    if spreads.shape != costs.shape:
        raise FairbidError("spreads/costs", "must have the same shape", f"{spreads.shape} vs {costs.shape}")
    num, den = (spreads, costs) if reading == "cost-effectiveness" else (costs, spreads)
    ok = (costs > 0) & (den > 0)
    out = np.zeros_like(spreads)
    np.divide(num, den, out=out, where=ok)
    return out


def generalized_entropy(x: np.ndarray, alpha: float = 2.0) -> float:
    """Generalized entropy index GE(alpha) of non-negative values ``x``.

    GE(alpha) = 1 / (n alpha (alpha - 1)) * sum_i [(x_i / mean x)^alpha - 1]; its limits are the Theil
    index at alpha = 1 (mean of r ln r, r = x / mean x, with 0 ln 0 = 0) and the mean log deviation at
    alpha = 0 (mean of -ln r; infinite when some x_i = 0). All-zero ``x`` is perfectly equal: 0.

    Parameters
    ----------
    x : array_like, shape (n,)
        Non-negative values.
    alpha : float
        Sensitivity parameter (2 in the seed's experiments: GE(2) = CV^2 / 2, CV with the population std).

    Returns
    -------
    float

    Examples
    --------
    >>> round(generalized_entropy([1.0, 3.0]), 6)   # CV = 0.5, CV^2/2 = 0.125
    0.125
    """
    alpha = check_float("alpha", alpha)
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size == 0:
        raise FairbidError("fairness values", "must be a non-empty 1-d array", f"shape {x.shape}")
    if (x < 0).any() or not np.isfinite(x).all():
        raise FairbidError("fairness values", "must be finite and non-negative", x.tolist())
    mu = x.mean()
    if mu == 0.0:
        return 0.0
    r = x / mu
    if alpha == 1.0:
        pos = r > 0
        return float(np.sum(r[pos] * np.log(r[pos])) / r.size)
    if alpha == 0.0:
        if (r == 0).any():
            return float("inf")
        return float(-np.mean(np.log(r)))
    return float(np.sum(r**alpha - 1.0) / (r.size * alpha * (alpha - 1.0)))


def fairness_index(
    spreads: np.ndarray, costs: np.ndarray, *, alpha: float = 2.0, reading: str = "cost-effectiveness"
) -> float:
    """GE(alpha) over the competitors' :func:`fairness_values` (Eq. 1 of the seed)."""
    return generalized_entropy(fairness_values(spreads, costs, reading), alpha)
