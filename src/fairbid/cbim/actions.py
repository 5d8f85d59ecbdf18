"""Mappings from an agent's action in Box(0, 1)^M to its bids (an open point of seed 001).

``"gaussian"`` (default of the environment; the seed's §IV-B: "we map the probabilities calculated by the
network over a probability distribution as actions ... human bidding behavior satisfies normal distribution")
    a_j is read as a quantile of N(mu_i, sigma_i^2), mu_i = B_i / M (the fair share per seed) and
    sigma_i = ``gaussian_scale`` * mu_i: bid_j = clip(mu_i + sigma_i * Phi^-1(a_j), 0, B_i); a_j = 0.5 bids mu_i.
``"budget"``
    bid_j = a_j * B_i: each coordinate is a share of the competitor's round budget (a maximal bid on the
    first seed spends the whole budget on it).
``"share"``
    bid_j = B_i * a_j / sum_l a_l: the action is an allocation of the whole budget (all zero: no bids).
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from fairbid.core.errors import check_choice, check_float

MAPPINGS = ("gaussian", "budget", "share")


def map_actions(
    actions: np.ndarray, budgets: np.ndarray, mapping: str = "budget", *, gaussian_scale: float = 1.0
) -> np.ndarray:
    """Turn actions (K, M) in [0, 1] into bids (K, M) >= 0 (values outside [0, 1] are clipped first).

    Examples
    --------
    >>> map_actions(np.array([[0.5, 0.25]]), np.array([8.0])).tolist()
    [[4.0, 2.0]]
    >>> map_actions(np.array([[0.5, 0.5]]), np.array([8.0]), "gaussian").tolist()
    [[4.0, 4.0]]
    """
    check_choice("action mapping", mapping, MAPPINGS)
    a = np.clip(np.nan_to_num(np.asarray(actions, dtype=float), nan=0.0), 0.0, 1.0)
    b = np.asarray(budgets, dtype=float)[:, None]
    if mapping == "budget":
        return a * b
    if mapping == "share":
        total = a.sum(axis=1, keepdims=True)
        out = np.zeros_like(a)
        np.divide(a * b, total, out=out, where=total > 0)
        return out
    scale = check_float("gaussian_scale", gaussian_scale, 0.0, low_open=True)
    mu = b / a.shape[1]
    z = ndtri(np.clip(a, 1e-6, 1 - 1e-6))
    return np.clip(mu + scale * mu * z, 0.0, b)
