"""A closed-form stand-in for the influence engine, for examples and for testing the bidding rules.

Seed j (node index j) is credited the fixed spread ``TOY_WEIGHTS[j % len(TOY_WEIGHTS)]`` and a set's spread
is the sum over its seeds (additive, no randomness), so every number of a round can be derived by hand.
It is *not* a diffusion model; real runs use :func:`fairbid.cbim.rewards.compute_rewards`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fairbid.cbim.env import BiddingEnv
from fairbid.cbim.rewards import RoundSpread

TOY_WEIGHTS = np.array([5.0, 3.0, 2.0, 1.0, 4.0, 6.0, 2.5, 1.5, 3.5, 0.5])


def additive_spread(graph: Any, won_sets: list[np.ndarray], **_: Any) -> RoundSpread:
    """Spread of each set = sum of its seeds' fixed weights (same signature as ``compute_rewards``)."""
    per_seed = [TOY_WEIGHTS[np.asarray(s, dtype=np.int64) % TOY_WEIGHTS.size] for s in won_sets]
    return RoundSpread(np.array([p.sum() for p in per_seed]), per_seed)


def toy_env(graph: Any = None, competitors: int = 2, seeds: int = 4, budget: float | None = None,
            seed: Any = None, **options: Any) -> BiddingEnv:
    """A :func:`fairbid.cbim.make_env` look-alike on :func:`additive_spread` (``graph`` is ignored)."""
    b = float(budget) if budget is not None else float(np.ceil(seeds / 2))
    return BiddingEnv(None, np.arange(seeds), np.full(competitors, b), spread_fn=additive_spread, seed=seed,
                      **options)
