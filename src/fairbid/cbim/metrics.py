"""Summary metrics of a run (the seed's Tables III-VIII columns), from per-round records.

Named as seed 001 names them:

``success_ratio`` (the paper's SR)
    Share of *successful* rounds, i.e. rounds in which every seed was sold (Table III: "the ratio of
    successful episodes to the total episodes", a successful episode being one where "all seeds have been
    bid successfully").
``fair_ratio``
    Share of fair rounds, GE <= threshold (Tables VI-VIII describe their first index as "the ratio of the
    episodes satisfying the fairness constraint to total episodes"; the symbol was lost in extraction, so
    both shares are reported under their own names).
``max_revenue``, ``mean_revenue``
    Maximum and mean platform revenue (total spread) over the successful rounds (Table III); ``None``
    when there is none. ``max_fair_revenue``/``mean_fair_revenue``: the same over fair rounds (Table VI).
``mean_rewards``, ``spend_ratios``
    Mean reward and mean cost / budget per competitor.
``saturated_share``
    Share of the policies' action coordinates beyond 0.99 of their range (a saturated actor cannot
    learn: its gradient through the squashing function vanishes).
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


def _over(revenue: np.ndarray, mask: np.ndarray) -> tuple[float | None, float | None]:
    sel = revenue[mask]
    return (float(sel.max()), float(sel.mean())) if sel.size else (None, None)


def summarize(table: dict[str, list]) -> dict[str, Any]:
    """SR (all seeds sold), fair ratio, revenues, mean rewards, spend ratios and saturation of a run.

    Parameters
    ----------
    table : dict of column lists
        Round table with ``fair``, ``all_sold``, ``revenue``, ``reward_i``, ``spend_ratio_i`` columns and
        optionally ``saturated``.

    Examples
    --------
    >>> t = {"fair": [True, False, True], "all_sold": [True, True, False], "revenue": [5.0, 9.0, 3.0],
    ...      "reward_0": [1.0, 2.0, 3.0], "reward_1": [4.0, 7.0, 0.0],
    ...      "spend_ratio_0": [0.5, 0.5, 1.0], "spend_ratio_1": [1.0, 0.0, 0.5]}
    >>> s = summarize(t)
    >>> round(s["success_ratio"], 4), round(s["fair_ratio"], 4), s["max_revenue"], s["mean_revenue"]
    (0.6667, 0.6667, 9.0, 7.0)
    >>> s["max_fair_revenue"], s["mean_fair_revenue"], s["mean_rewards"]
    (5.0, 4.0, [2.0, 3.6666666666666665])
    """
    fair = np.asarray(table["fair"], dtype=bool)
    sold = np.asarray(table["all_sold"], dtype=bool)
    revenue = np.asarray(table["revenue"], dtype=float)
    n = fair.size
    max_rev, mean_rev = _over(revenue, sold)
    max_fair, mean_fair = _over(revenue, fair)
    sat = table.get("saturated")
    return {
        "success_ratio": float(sold.mean()) if n else 0.0,
        "fair_ratio": float(fair.mean()) if n else 0.0,
        "max_revenue": max_rev,
        "mean_revenue": mean_rev,
        "max_fair_revenue": max_fair,
        "mean_fair_revenue": mean_fair,
        "mean_rewards": per_competitor(table, "reward").mean(axis=0).tolist() if n else [],
        "spend_ratios": per_competitor(table, "spend_ratio").mean(axis=0).tolist() if n else [],
        "saturated_share": float(np.mean(sat)) if sat is not None and n else 0.0,
        "rounds": int(n),
    }


def moving_mean(x: Any, window: int) -> np.ndarray:
    """Moving mean over ``window`` values ("valid" part: len(x) - window + 1 values)."""
    x = np.asarray(x, dtype=float)
    w = max(1, min(window, x.size))
    return np.convolve(x, np.ones(w) / w, mode="valid")


def running_success(table: dict[str, list], window: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Learning curves: moving SR (share of rounds with every seed sold) and moving mean revenue."""
    return moving_mean(table["all_sold"], window), moving_mean(table["revenue"], window)


def rounds_to_leave(curve: Any, start_window: int = 20, tolerance: float = 0.1,
                    threshold: float | None = None) -> int | None:
    """First round after which a learning curve has left its initial level for good.

    The initial level is the mean of the first ``start_window`` values; the curve (a per-round series, e.g.
    total reward) has *left* it at the first round r from which the moving mean over ``start_window`` rounds
    stays more than ``tolerance`` * |initial level| (the curve's range if that is 0) away from it (or more than the
    absolute ``threshold``, when given) until the end;
    the round returned is the last round of the first such window (0-based). None when it never leaves.

    Examples
    --------
    >>> rounds_to_leave([0.0] * 30 + [5.0] * 70, start_window=10)   # trailing mean of rounds 22..31 is 1.0
    31
    >>> rounds_to_leave([1.0] * 100, start_window=10) is None
    True
    """
    x = np.asarray(curve, dtype=float)
    w = max(1, min(start_window, x.size // 4 or 1))
    if x.size < 2 * w:
        return None
    init = x[:w].mean()
    scale = abs(init) if init != 0 else max(float(np.ptp(x)), 1e-12)
    mm = moving_mean(x, w)  # mm[t] = mean of x[t : t + w]
    away = np.abs(mm - init) > (tolerance * scale if threshold is None else threshold)
    if not away[-1]:
        return None
    bad = np.flatnonzero(~away)
    first = 0 if bad.size == 0 else int(bad[-1]) + 1
    return first + w - 1
