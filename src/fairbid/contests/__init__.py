"""Contests: rank-order all-pay contests and contest design with threshold objectives (seed 002).

Complete information (Baye-Kovenock-de Vries 1996 for one prize; Barut-Kovenock 1998 for several
prizes and equal values), the i.i.d. ability model's symmetric equilibrium, and the optimal rank-order
prize structure for the total, binary-threshold and linear-threshold objectives (Elkind, Ghosh, Goldberg).
"""

from fairbid.contests.complete import (
    MixedBid,
    allpay,
    bid_payoff,
    complete_info_equilibrium,
    equilibrium_gap,
    rank_probabilities,
)
from fairbid.contests.iid import IIDContest, PrizeDesign, iid_allpay, iid_contest, optimal_prizes, simple_contest
from fairbid.contests.objectives import OBJECTIVES, Objective, make_objective

__all__ = [
    "OBJECTIVES", "IIDContest", "MixedBid", "Objective", "PrizeDesign", "allpay", "bid_payoff",
    "complete_info_equilibrium", "equilibrium_gap", "iid_allpay", "iid_contest", "make_objective",
    "optimal_prizes", "rank_probabilities", "simple_contest",
]
