"""Common pieces of the learners: config base class, torch seeding, networks and the joint replay buffer.

Every learner keeps one set of networks and optimizers *per competitor* (no parameter sharing: the
competitors are rivals, not one interchangeable group) and exposes the same small interface
(:class:`Learner`): ``act``, ``observe``, ``update``, ``state_dict``/``load_state_dict``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import torch
from torch import nn


@dataclass
class LearnerConfig:
    """Hyper-parameters shared by all learners; subclasses set their own defaults.

    Class attributes are capability flags (BenchMARL style): ``centralized_critic``, ``off_policy``,
    ``stochastic_policy``, ``parameter_sharing`` (always False here).
    """

    gamma: float = 0.95
    hidden: tuple[int, ...] = (64, 64)
    batch_size: int = 1024
    buffer_size: int = 100_000
    updates_per_round: int = 1
    warmup_rounds: int = 0
    exploration_sigma: float = 0.1

    algorithm: ClassVar[str] = ""
    centralized_critic: ClassVar[bool] = False
    off_policy: ClassVar[bool] = True
    stochastic_policy: ClassVar[bool] = False
    parameter_sharing: ClassVar[bool] = False


def mlp(n_in: int, n_out: int, hidden: tuple[int, ...], out_act: type[nn.Module] | None = None) -> nn.Sequential:
    """A ReLU multilayer perceptron with an optional output activation."""
    layers: list[nn.Module] = []
    width = n_in
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    layers.append(nn.Linear(width, n_out))
    if out_act is not None:
        layers.append(out_act())
    return nn.Sequential(*layers)


class ConcatQ(nn.Module):
    """Q(observation, action): a critic seeing one competitor's own observation and action."""

    def __init__(self, obs_dim: int, act_dim: int, hidden: tuple[int, ...]) -> None:
        super().__init__()
        self.net = mlp(obs_dim + act_dim, 1, hidden)

    def forward(self, observation: torch.Tensor, action: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([observation, action], dim=-1))


class CentralQ(nn.Module):
    """Centralized critic Q_i(state, a_1..a_K) of competitor ``index`` (MADDPG / MCBIM).

    ``action`` is competitor ``index``'s own action (the one the actor loss differentiates through);
    ``others_action`` holds the others' actions in competitor order with ``index`` left out.
    """

    def __init__(self, state_dim: int, act_dim: int, n_agents: int, index: int, hidden: tuple[int, ...]) -> None:
        super().__init__()
        self.index, self.act_dim = index, act_dim
        self.net = mlp(state_dim + n_agents * act_dim, 1, hidden)

    def forward(self, state: torch.Tensor, action: torch.Tensor, others_action: torch.Tensor) -> torch.Tensor:
        cut = self.index * self.act_dim
        joint = torch.cat([others_action[..., :cut], action, others_action[..., cut:]], dim=-1)
        return self.net(torch.cat([state, joint], dim=-1))


def torch_seed(gen: torch.Generator) -> int:
    """Draw a seed for a forked torch RNG from ``gen``."""
    return int(torch.randint(0, 2**62, (1,), generator=gen).item())


@contextlib.contextmanager
def seeded_torch(seed: int):
    """Run a block with torch's global RNG seeded to ``seed`` and restored afterwards.

    Library code (network initialisation, TorchRL's target noise and sampling) draws from torch's global
    generator; forking keeps fairbid free of global RNG side effects and runs reproducible.
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def others(x: torch.Tensor, i: int) -> torch.Tensor:
    """Flatten x[:, j, :] for every j != i (batch, (K-1) * d)."""
    keep = [j for j in range(x.shape[1]) if j != i]
    return x[:, keep, :].reshape(x.shape[0], -1)


class Learner:
    """Interface of every multi-agent learner (one policy per competitor)."""

    config: LearnerConfig
    reward_scale: float = 1.0

    def act(self, obs: np.ndarray, explore: bool = True) -> np.ndarray:
        """Actions (K, M) in [0, 1] for observations (K, obs_dim)."""
        raise NotImplementedError

    def observe(self, transition: dict[str, np.ndarray]) -> None:
        """Record one round: obs, state, action, reward, next_obs, next_state, terminated."""

    def update(self) -> dict[str, float]:
        """Train once (per round); return the losses (empty when no update happened)."""
        return {}

    def agent_modules(self, i: int) -> list[nn.Module]:
        """The trainable modules that belong to competitor ``i`` alone."""
        return []

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        return None
