"""One bidding round of seed 001 (§III-A): sealed-bid second-price auctions with starting prices and budgets.

Seeds are auctioned one after another in a fixed order. For seed j, competitor i's bid b_ij is *valid*
when b_ij > 0, b_ij >= p_j (the starting price, never shown to bidders) and b_ij <= i's remaining budget.
The highest valid bid wins (exact ties broken uniformly at random) and pays the second-highest valid bid,
or p_j when there is no other valid bid; the payment leaves the winner's budget before the next seed.
Budgets make the seeds depend on each other, so the kernel walks the seeds in order (numba) and is
vectorized over competitors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from fairbid.core.errors import FairbidError, check_array
from fairbid.core.rng import SeedLike, as_generator


@dataclass(frozen=True)
class AuctionResult:
    """Outcome of one bidding round.

    Attributes
    ----------
    winners : ndarray of int, shape (M,)
        Winning competitor of each seed, -1 when unsold.
    payments : ndarray, shape (M,)
        Price paid for each seed (0 when unsold).
    costs : ndarray, shape (K,)
        Total paid by each competitor.
    effective_bids : ndarray, shape (K, M)
        Each bid when it was valid at its seed's auction, else 0 (the seed's "effective bidding prices").
    remaining : ndarray, shape (K,)
        Budgets left after the round.
    """

    winners: np.ndarray
    payments: np.ndarray
    costs: np.ndarray
    effective_bids: np.ndarray
    remaining: np.ndarray

    @property
    def sold(self) -> np.ndarray:
        """Boolean mask of the seeds that were sold."""
        return self.winners >= 0

    def won_sets(self, n_competitors: int) -> list[np.ndarray]:
        """Positions (0..M-1) of the seeds each competitor won, one array per competitor."""
        return [np.flatnonzero(self.winners == i) for i in range(n_competitors)]


@njit(cache=True)
def _auction_kernel(bids, prices, budgets, tie_noise):  # pragma: no cover - compiled
    k, m = bids.shape
    remaining = budgets.copy()
    winners = np.full(m, -1, dtype=np.int64)
    payments = np.zeros(m)
    costs = np.zeros(k)
    effective = np.zeros((k, m))
    for j in range(m):
        best = -1
        best_bid = 0.0
        best_tie = 0.0
        second = -1.0
        for i in range(k):
            b = bids[i, j]
            if b > 0.0 and b >= prices[j] and b <= remaining[i]:
                effective[i, j] = b
                if best < 0 or b > best_bid or (b == best_bid and tie_noise[j, i] > best_tie):
                    if best >= 0:
                        second = max(second, best_bid)
                    best, best_bid, best_tie = i, b, tie_noise[j, i]
                else:
                    second = max(second, b)
        if best >= 0:
            pay = second if second >= 0.0 else prices[j]
            winners[j] = best
            payments[j] = pay
            costs[best] += pay
            remaining[best] -= pay
    return winners, payments, costs, effective, remaining


def run_auction(
    bids: np.ndarray, prices: np.ndarray, budgets: np.ndarray, *, seed: SeedLike = None
) -> AuctionResult:
    """Auction every seed in order (see module docstring).

    Parameters
    ----------
    bids : ndarray, shape (K, M)
        Bid of each competitor for each seed (non-negative).
    prices : ndarray, shape (M,)
        Starting prices.
    budgets : ndarray, shape (K,)
        Budgets available at the start of the round.
    seed : int, SeedSequence or Generator, optional
        Randomness for breaking exact ties.

    Returns
    -------
    AuctionResult

    Examples
    --------
    >>> r = run_auction(np.array([[5.0, 1.0], [3.0, 4.0]]), np.array([2.0, 2.0]), np.array([6.0, 6.0]), seed=0)
    >>> r.winners.tolist(), r.payments.tolist()
    ([0, 1], [3.0, 2.0])
    """
    bids = check_array("bids", bids, low=0.0, ndim=2)
    prices = check_array("starting prices", prices, low=0.0, ndim=1)
    budgets = check_array("budgets", budgets, low=0.0, ndim=1)
    k, m = bids.shape
    if prices.shape != (m,) or budgets.shape != (k,):
        raise FairbidError("bids", "must have shape (len(budgets), len(prices))", f"{bids.shape}")
    tie_noise = as_generator(seed).random((m, k))
    out = _auction_kernel(bids, prices, budgets, tie_noise)
    return AuctionResult(*out)
