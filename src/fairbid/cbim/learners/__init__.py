"""Registry of multi-agent learners for the bidding environment (BenchMARL-style configs with flags).

=========  ==============================================  =====================================
name       algorithm                                       built on
=========  ==============================================  =====================================
mcbim      MADDPG-style centralized critic (seed's MCBIM)  TorchRL DDPGLoss, SoftUpdate, ReplayBuffer
ddpg       independent DDPG                                TorchRL DDPGLoss
td3        independent TD3                                 TorchRL TD3Loss
sac        independent SAC                                 TorchRL SACLoss
ppo        independent PPO                                 TorchRL ClipPPOLoss + GAE
random     uniform random bids                             numpy
=========  ==============================================  =====================================
"""

from __future__ import annotations

import dataclasses
from typing import Any

from fairbid.cbim.learners.base import Learner, LearnerConfig
from fairbid.cbim.learners.offpolicy import (
    DDPGConfig, DDPGLearner, MCBIMConfig, MCBIMLearner, SACConfig, SACLearner, TD3Config, TD3Learner,
)
from fairbid.cbim.learners.onpolicy import PPOConfig, PPOLearner
from fairbid.cbim.learners.random import RandomConfig, RandomLearner
from fairbid.core.errors import FairbidError, check_choice

REGISTRY: dict[str, tuple[type[LearnerConfig], type[Learner]]] = {
    "mcbim": (MCBIMConfig, MCBIMLearner),
    "ddpg": (DDPGConfig, DDPGLearner),
    "td3": (TD3Config, TD3Learner),
    "sac": (SACConfig, SACLearner),
    "ppo": (PPOConfig, PPOLearner),
    "random": (RandomConfig, RandomLearner),
}
ALGORITHMS = tuple(REGISTRY)


def make_config(algorithm: str, **overrides: Any) -> LearnerConfig:
    """The default config of ``algorithm`` with ``overrides`` applied (unknown fields are an error)."""
    check_choice("--algorithm", algorithm, REGISTRY)
    cls = REGISTRY[algorithm][0]
    names = {f.name for f in dataclasses.fields(cls)}
    bad = sorted(set(overrides) - names)
    if bad:
        raise FairbidError(f"{algorithm} config", f"unknown fields; known: {', '.join(sorted(names))}", bad)
    return cls(**overrides)


def make_learner(config: LearnerConfig, *, n_agents: int, obs_dim: int, act_dim: int, state_dim: int,
                 seed: int) -> Learner:
    """Instantiate the learner of ``config`` (one set of networks per competitor)."""
    import torch

    torch.set_num_threads(1)
    return REGISTRY[config.algorithm][1](config, n_agents, obs_dim, act_dim, state_dim, seed)


__all__ = ["ALGORITHMS", "REGISTRY", "Learner", "LearnerConfig", "make_config", "make_learner",
           "MCBIMConfig", "DDPGConfig", "TD3Config", "SACConfig", "PPOConfig", "RandomConfig"]
