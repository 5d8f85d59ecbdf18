"""Competitive bidding for influencers with fairness, and multi-agent learning (seed 001, §III-IV).

Flat public API:

- environment: :class:`BiddingEnv` (PettingZoo ParallelEnv), :func:`make_env`;
- rules: :func:`run_auction`, :class:`AuctionResult`, :func:`generalized_entropy`, :func:`fairness_index`,
  :func:`fairness_values`, :func:`initial_prices`, :func:`adjust_prices`, :func:`contribution_degree`,
  :func:`map_actions`;
- rewards: :func:`compute_rewards` (the influence engine), :class:`RoundSpread`;
- learners: :data:`ALGORITHMS`, :func:`make_config`, :func:`make_learner`;
- runs: :class:`TrainConfig`, :func:`train`, :func:`evaluate`, :func:`read_rounds`, :func:`summarize`.
"""

from fairbid.cbim.actions import MAPPINGS, map_actions
from fairbid.cbim.auction import AuctionResult, run_auction
from fairbid.cbim.env import BiddingEnv, choose_seeds, make_env
from fairbid.cbim.fairness import READINGS, fairness_index, fairness_values, generalized_entropy
from fairbid.cbim.metrics import running_success, summarize
from fairbid.cbim.pricing import CONTRIBUTIONS, adjust_prices, contribution_degree, initial_prices
from fairbid.cbim.rewards import RoundSpread, compute_rewards

_LAZY = {  # torch-backed: imported on first use so that the rules and the environment load fast
    "ALGORITHMS": "fairbid.cbim.learners", "make_config": "fairbid.cbim.learners",
    "make_learner": "fairbid.cbim.learners", "TrainConfig": "fairbid.cbim.training",
    "evaluate": "fairbid.cbim.training", "read_rounds": "fairbid.cbim.training", "train": "fairbid.cbim.training",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'fairbid.cbim' has no attribute {name!r}")

__all__ = [
    "ALGORITHMS", "CONTRIBUTIONS", "MAPPINGS", "READINGS", "AuctionResult", "BiddingEnv", "RoundSpread",
    "TrainConfig", "adjust_prices", "choose_seeds", "compute_rewards", "contribution_degree", "evaluate",
    "fairness_index", "fairness_values", "generalized_entropy", "initial_prices", "make_config", "make_env",
    "make_learner", "map_actions", "read_rounds", "run_auction", "running_success", "summarize", "train",
]
