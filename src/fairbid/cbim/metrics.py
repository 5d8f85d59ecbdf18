"""Summary metrics of a run (the seed's Tables III-VIII columns), from per-round records.

SR (success ratio) is the share of fair rounds (GE <= threshold), as in Tables VI-VIII; the share of
rounds in which every seed sold (Table III's "successful episodes") is reported as ``all_sold_ratio``.
Max and mean platform revenue are taken over the fair rounds (None when there is none).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def per_competitor(table: dict[str, list], prefix: str) -> np.ndarray:
    """Matrix (rounds, K) of the columns ``<prefix>_0 .. <prefix>_{K-1}`` of a round table."""
    k = 0
    while f"{prefix}_{k}" in table:
        k += 1
    return np.array([table[f"{prefix}_{i}"] for i in range(k)], dtype=float).T.reshape(-1, k)


def summarize(table: dict[str, list]) -> dict[str, Any]:
    """SR, max/mean revenue over fair rounds, mean reward and spend ratio per competitor.

    Parameters
    ----------
    table : dict of column lists
        Round table with ``fair``, ``all_sold``, ``revenue``, ``reward_i``, ``spend_ratio_i`` columns.

    Examples
    --------
    >>> t = {"fair": [True, False, True], "all_sold": [True, True, False], "revenue": [5.0, 9.0, 3.0],
    ...      "reward_0": [1.0, 2.0, 3.0], "reward_1": [4.0, 7.0, 0.0],
    ...      "spend_ratio_0": [0.5, 0.5, 1.0], "spend_ratio_1": [1.0, 0.0, 0.5]}
    >>> s = summarize(t)
    >>> round(s["success_ratio"], 4), s["max_revenue"], s["mean_revenue"], s["mean_rewards"]
    (0.6667, 5.0, 4.0, [2.0, 3.6666666666666665])
    """
    fair = np.asarray(table["fair"], dtype=bool)
    revenue = np.asarray(table["revenue"], dtype=float)
    n = fair.size
    fair_rev = revenue[fair]
    return {
        "success_ratio": float(fair.mean()) if n else 0.0,
        "max_revenue": float(fair_rev.max()) if fair_rev.size else None,
        "mean_revenue": float(fair_rev.mean()) if fair_rev.size else None,
        "mean_rewards": per_competitor(table, "reward").mean(axis=0).tolist() if n else [],
        "spend_ratios": per_competitor(table, "spend_ratio").mean(axis=0).tolist() if n else [],
        "all_sold_ratio": float(np.mean(table["all_sold"])) if n else 0.0,
        "rounds": int(n),
    }


def running_success(table: dict[str, list], window: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Learning curves: moving share of fair rounds and moving mean revenue over ``window`` rounds."""
    fair = np.asarray(table["fair"], dtype=float)
    revenue = np.asarray(table["revenue"], dtype=float)
    w = max(1, min(window, fair.size))
    kernel = np.ones(w) / w
    return np.convolve(fair, kernel, mode="valid"), np.convolve(revenue, kernel, mode="valid")
