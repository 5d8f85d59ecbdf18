"""The random bidder: every action coordinate uniform on [0, 1], nothing learned."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from fairbid.cbim.learners.base import Learner, LearnerConfig


@dataclass
class RandomConfig(LearnerConfig):
    """No hyper-parameters; the fields inherited from :class:`LearnerConfig` are unused."""

    algorithm: ClassVar[str] = "random"
    off_policy: ClassVar[bool] = False
    stochastic_policy: ClassVar[bool] = True


class RandomLearner(Learner):
    """Uniform random bids (the seed's Random baseline); with exploration off it still bids at random."""

    def __init__(self, config: RandomConfig, n_agents: int, obs_dim: int, act_dim: int, state_dim: int,
                 seed: int) -> None:
        self.config = config
        self.n_agents, self.act_dim = n_agents, act_dim
        self.rng = np.random.default_rng(seed)

    def act(self, obs: np.ndarray, explore: bool = True) -> np.ndarray:
        a = self.rng.random((self.n_agents, self.act_dim))
        self._record_policy(a)  # saturated share 1 % for uniform bids
        return a

    def state_dict(self) -> dict[str, Any]:
        return {"rng": self.rng.bit_generator.state}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.rng.bit_generator.state = state["rng"]
