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

    The training safeguards default to the values of MADDPG (Lowe et al. 2017, reference code
    ``openai/maddpg``, ``maddpg/trainer/maddpg.py``), which seed 001 cites for its settings:

    ``buffer_size`` = 1e6
        ``ReplayBuffer(1e6)``.
    ``learning_starts`` = None (= ``batch_size``)
        No update before the buffer holds a full batch (MADDPG: ``batch_size * max_episode_len``
        transitions; an episode here is one round, so one batch).
    ``update_every`` = 100
        One update (of ``updates_per_round`` gradient steps per competitor) every 100 stored transitions
        (MADDPG: ``if not t % 100 == 0: return``).
    ``grad_clip`` = 0.5
        Gradient-norm clipping of actor and critic separately (``grad_norm_clipping=0.5``).
    ``preactivation_penalty`` = 1e-3
        Actor loss + 1e-3 * mean(z^2) over the actor's pre-activation outputs z (MADDPG's
        ``p_reg * 1e-3``); this keeps the final sigmoid/tanh out of saturation.
    ``exploration_sigma`` = 0.1 -> ``exploration_sigma_end`` over ``exploration_decay`` transitions
        Gaussian action noise of deterministic actors (TD3's 0.1, Fujimoto et al. 2018); the schedule is
        linear and off by default (``exploration_decay=0``). MADDPG samples from a learned Gaussian
        instead; stochastic learners (SAC, PPO) ignore these fields.

    Terminal transitions (an episode's last round) do not bootstrap: the critic target is the reward
    alone (MADDPG: ``rew + gamma * (1 - done) * Q'``).

    Class attributes are capability flags (BenchMARL style): ``centralized_critic``, ``off_policy``,
    ``stochastic_policy``, ``parameter_sharing`` (always False here).
    """

    gamma: float = 0.95
    hidden: tuple[int, ...] = (64, 64)
    batch_size: int = 1024
    buffer_size: int = 1_000_000
    learning_starts: int | None = None
    update_every: int = 100
    updates_per_round: int = 1
    grad_clip: float | None = 0.5
    preactivation_penalty: float = 1e-3
    exploration_sigma: float = 0.1
    exploration_sigma_end: float | None = None
    exploration_decay: int = 0

    algorithm: ClassVar[str] = ""
    centralized_critic: ClassVar[bool] = False
    off_policy: ClassVar[bool] = True
    stochastic_policy: ClassVar[bool] = False
    parameter_sharing: ClassVar[bool] = False

    def __post_init__(self) -> None:
        from fairbid.core.errors import FairbidError, check_float, check_int

        check_float("gamma", self.gamma, 0.0, 1.0)
        check_int("batch_size", self.batch_size, minimum=1)
        check_int("buffer_size", self.buffer_size, minimum=1, maximum=10**8)
        check_int("update_every", self.update_every, minimum=1)
        check_int("updates_per_round", self.updates_per_round, minimum=1, maximum=10**4)
        check_int("exploration_decay", self.exploration_decay, minimum=0)
        if self.learning_starts is not None:
            check_int("learning_starts", self.learning_starts, minimum=1)
        if self.grad_clip is not None:
            check_float("grad_clip", self.grad_clip, 0.0, low_open=True)
        check_float("preactivation_penalty", self.preactivation_penalty, 0.0)
        check_float("exploration_sigma", self.exploration_sigma, 0.0)
        if self.exploration_sigma_end is not None:
            check_float("exploration_sigma_end", self.exploration_sigma_end, 0.0)
        self.hidden = tuple(int(h) for h in self.hidden)
        if not self.hidden or min(self.hidden) < 1 or max(self.hidden) > 4096:
            raise FairbidError("hidden", "must be 1 to 4096 units per layer", list(self.hidden))

    @property
    def start_after(self) -> int:
        """Transitions the buffer must hold before the first update."""
        return self.batch_size if self.learning_starts is None else self.learning_starts

    def sigma_at(self, transitions: int) -> float:
        """Exploration noise after ``transitions`` stored transitions (linear schedule)."""
        if self.exploration_sigma_end is None or self.exploration_decay <= 0:
            return self.exploration_sigma
        frac = min(1.0, transitions / self.exploration_decay)
        return self.exploration_sigma + frac * (self.exploration_sigma_end - self.exploration_sigma)


#: Share of an actor's outputs counted as saturated: beyond 0.99 of the action range from its centre.
SATURATION = 0.99


def saturated_share(actions: Any) -> float:
    """Share of action coordinates in [0, 1] with |2a - 1| > 0.99 (within 0.5 % of either bound).

    Examples
    --------
    >>> saturated_share(np.array([[0.999, 0.5], [0.0, 0.3]]))
    0.5
    """
    a = np.asarray(actions, dtype=float)
    return float(np.mean(np.abs(2.0 * a - 1.0) > SATURATION)) if a.size else 0.0


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

    #: Saturated share of the last ``act`` call's policy outputs (before exploration noise; for stochastic
    #: policies, of the deterministic action, the distribution's mode).
    last_saturation: float = 0.0
    #: The last ``act`` call's policy output (K, M) before exploration noise (deterministic action).
    last_policy_action: Any = None

    def _record_policy(self, a: np.ndarray) -> None:
        self.last_policy_action = np.clip(np.asarray(a, dtype=float), 0.0, 1.0)
        self.last_saturation = saturated_share(a)

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
