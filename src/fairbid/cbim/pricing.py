"""Starting prices: the initial price (Eq. 3) and the between-rounds adjustment (Eq. 4) of seed 001.

Contribution degree PE_j of seed j (an open point; two readings):

``"history"`` (default, the authors' code)
    spread of seed j this round / mean spread of seed j over the rounds it was sold so far, this round
    included (so a seed sold for the first time has PE_j = 1 and keeps its price).
``"cross-section"`` (the seed's text)
    spread of seed j this round / mean spread of the seeds sold this round.

Unsold seeds have PE_j = 0. Rule (beta = 0.3 in the seed): sold with PE_j >= 1 -> price *= min(1 + beta,
PE_j); unsold -> price *= (1 - beta); sold with PE_j < 1 -> unchanged.
"""

from __future__ import annotations

import numpy as np

from fairbid.core.errors import FairbidError, check_choice, check_float

CONTRIBUTIONS = ("history", "cross-section")


def initial_prices(budgets: np.ndarray, n_seeds: int) -> np.ndarray:
    """Eq. 3: every seed starts at (total budget of all competitors) / (number of seeds).

    Examples
    --------
    >>> initial_prices(np.array([5.0, 5.0]), 4).tolist()
    [2.5, 2.5, 2.5, 2.5]
    """
    budgets = np.asarray(budgets, dtype=float)
    if n_seeds < 1:
        raise FairbidError("seeds", "must be at least 1", n_seeds)
    return np.full(n_seeds, budgets.sum() / n_seeds)


def contribution_degree(
    seed_spread: np.ndarray,
    sold: np.ndarray,
    history_sum: np.ndarray,
    history_count: np.ndarray,
    reading: str = "history",
) -> np.ndarray:
    """Contribution degree PE_j of each seed this round (see module docstring).

    Parameters
    ----------
    seed_spread : ndarray, shape (M,)
        Spread credited to each seed this round (0 for unsold seeds).
    sold : ndarray of bool, shape (M,)
    history_sum, history_count : ndarray, shape (M,)
        Sum and number of the seed's spreads over past rounds in which it was sold (this round excluded).
    reading : {"history", "cross-section"}
    """
    check_choice("contribution", reading, CONTRIBUTIONS)
    seed_spread = np.asarray(seed_spread, dtype=float)
    sold = np.asarray(sold, dtype=bool)
    if reading == "history":
        mean = (history_sum + np.where(sold, seed_spread, 0.0)) / np.maximum(history_count + sold, 1)
    else:
        mean = np.full(seed_spread.shape, seed_spread[sold].mean() if sold.any() else 0.0)
    out = np.zeros_like(seed_spread)
    np.divide(seed_spread, mean, out=out, where=sold & (mean > 0))
    return out


def adjust_prices(prices: np.ndarray, sold: np.ndarray, pe: np.ndarray, beta: float = 0.3,
                  floor: float = 0.0) -> np.ndarray:
    """Eq. 4: the next round's starting prices, never below ``floor`` (see :func:`price_floor`).

    Examples
    --------
    >>> adjust_prices(np.array([10.0, 10.0, 10.0, 10.0]), np.array([True, True, True, False]),
    ...               np.array([2.0, 1.1, 0.5, 0.0])).round(6).tolist()
    [13.0, 11.0, 10.0, 7.0]
    """
    beta = check_float("beta", beta, 0.0, 1.0, high_open=True)
    prices = np.asarray(prices, dtype=float)
    sold = np.asarray(sold, dtype=bool)
    pe = np.asarray(pe, dtype=float)
    factor = np.where(sold & (pe >= 1.0), np.minimum(1.0 + beta, pe), 1.0)
    factor = np.where(~sold, 1.0 - beta, factor)
    floor = check_float("price floor", floor, 0.0)
    # the floor only stops the decay of unsold seeds; a price already below it (set by hand) is not raised
    return np.where(~sold, np.maximum(prices * factor, np.minimum(prices, floor)), prices * factor)


#: Readings of the floor below which unsold seeds' starting prices stop decaying (an open point).
FLOORS = ("fair-share", "none")


def price_floor(budgets: np.ndarray, n_seeds: int, floor: float | str = "fair-share") -> float:
    """The starting-price floor for unsold seeds.

    The seed's Eq. 4 lowers an unsold seed's price by (1 - beta) every round without a bound, so a seed
    nobody wants becomes free after a few rounds and the competitor who picks it up gets an unbounded
    spread per unit paid (GE explodes). The seed states no floor; the default ``"fair-share"`` is the
    initial price of Eq. 3 divided by K, i.e. mean budget / M: the price at which one competitor's budget
    buys every seed, and the centre of the ``gaussian`` bid mapping, so a competitor bidding its fair
    share is never priced out and never gets a seed for free. ``"none"`` is the seed's rule as printed;
    a number is an absolute floor.

    Examples
    --------
    >>> price_floor(np.array([5.0, 5.0]), 10)
    0.5
    """
    budgets = np.asarray(budgets, dtype=float)
    if isinstance(floor, str):
        check_choice("price floor", floor, FLOORS)
        return float(budgets.mean() / n_seeds) if floor == "fair-share" else 0.0
    return check_float("price floor", floor, 0.0)
