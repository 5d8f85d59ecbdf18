"""Learning sanity checks: a one-competitor bandit of the bidding rules whose optimum is known exactly.

One competitor with budget B faces M seeds with fixed starting prices p_j and fixed spreads w_j, auctioned in
order under the environment's rules (:func:`fairbid.cbim.auction.run_auction`: a bid is valid when it is at
least p_j and at most the remaining budget; alone, the bidder pays p_j) with the environment's bid mapping
(:func:`fairbid.cbim.actions.map_actions`). The observation never changes, so this is a continuous-armed
bandit: the reward of an action is the total spread of the seeds it wins. The optimum is the best set of
seeds whose prices, paid in order, fit the budget (brute force over the 2^M sets, :func:`optimal_reward`).

The default instance (prices 3, 2, 2; spreads 1, 3, 3; budget 5; ``gaussian`` mapping, mu = sigma = B / M):
the best set is {2, 3} (cost 4, spread 6); {1, 2} costs exactly 5 and spreads 4, everything else less.
Reaching 90 % of the optimum (5.4) therefore means winning exactly seeds 2 and 3: a1 < Phi(0.8) = 0.788
(bid below 3), a2 in [0.579, 0.977] (bid in [2, 5]) and a3 in [0.579, 0.788] (bid in [2, 3], what is left
after paying 2) -- an interior target that a saturated actor (outputs at 0 or 1) cannot hit. The untrained
actor bids about mu = 5/3 < 2 everywhere and earns 0.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from fairbid.cbim.actions import map_actions
from fairbid.cbim.auction import run_auction
from fairbid.core.errors import FairbidError


@dataclass(frozen=True)
class Bandit:
    """A one-competitor bidding bandit (see module docstring)."""

    prices: tuple[float, ...] = (3.0, 2.0, 2.0)
    spreads: tuple[float, ...] = (1.0, 3.0, 3.0)
    budget: float = 5.0
    mapping: str = "gaussian"

    @property
    def m(self) -> int:
        return len(self.prices)

    def reward(self, action: np.ndarray) -> float:
        """Spread won by one action in [0, 1]^M."""
        bids = map_actions(np.asarray(action, dtype=float).reshape(1, -1), np.array([self.budget]), self.mapping)
        res = run_auction(bids, np.asarray(self.prices), np.array([self.budget]), seed=0)
        return float(np.asarray(self.spreads)[res.sold].sum())


def optimal_reward(b: Bandit) -> tuple[float, tuple[int, ...]]:
    """Brute force over every set of seeds: the best total spread whose prices, paid in order, fit the budget."""
    if b.m > 20:
        raise FairbidError("bandit seeds", "at most 20 for the brute force", b.m)
    best, arg = 0.0, ()
    for r in range(b.m + 1):
        for s in itertools.combinations(range(b.m), r):
            if sum(b.prices[j] for j in s) <= b.budget and sum(b.spreads[j] for j in s) > best:
                best, arg = float(sum(b.spreads[j] for j in s)), s
    return best, arg


def train_bandit(algorithm: str, steps: int, seed: int, bandit: Bandit | None = None,
                 **learner_options: Any) -> dict[str, Any]:
    """Train one learner on the bandit for ``steps`` rounds; return the greedy policy's reward and more.

    Returns
    -------
    dict with ``greedy_reward`` (reward of the final policy with exploration off), ``optimal``,
    ``initial_reward`` (the untrained policy's), ``greedy_action``, ``saturated_share`` (over all rounds)
    and ``rewards`` (per training round).
    """
    from fairbid.cbim.learners import make_config, make_learner

    b = bandit or Bandit()
    opt, _ = optimal_reward(b)
    learner = make_learner(make_config(algorithm, **learner_options), n_agents=1, obs_dim=b.m + 1, act_dim=b.m,
                           state_dim=b.m + 1, seed=seed)
    obs = np.zeros((1, b.m + 1))
    initial = b.reward(learner.act(obs, explore=False)[0])
    rewards, sat = np.zeros(steps), np.zeros(steps)
    for t in range(steps):
        a = learner.act(obs, explore=True)
        sat[t] = learner.last_saturation
        rewards[t] = b.reward(a[0])
        learner.observe({"obs": obs, "state": obs[0], "action": a, "reward": np.array([rewards[t] / opt]),
                         "next_obs": obs, "next_state": obs[0], "terminated": np.array(1.0)})
        learner.update()
    greedy = learner.act(obs, explore=False)[0]
    return {"greedy_reward": b.reward(greedy), "optimal": opt, "initial_reward": initial,
            "greedy_action": greedy.tolist(), "saturated_share": float(sat.mean()), "rewards": rewards}
