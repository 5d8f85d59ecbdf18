"""Off-policy learners on TorchRL losses: MCBIM (centralized critic), independent DDPG, TD3 and SAC.

All four share one replay buffer of *joint* transitions (TorchRL ``ReplayBuffer`` over a
``LazyTensorStorage``); each competitor samples the same indices but trains its own networks with its own
optimizer and target networks (TorchRL ``DDPGLoss``/``TD3Loss``/``SACLoss`` + ``SoftUpdate``). Independent
learners read only their own slice (observation, action, reward); MCBIM's critics read the global state and
every competitor's action, as in MADDPG, with the next joint action from all target actors.

Safeguards (all four, see :class:`~fairbid.cbim.learners.base.LearnerConfig`): no update before the buffer
holds ``learning_starts`` transitions (a full batch), one update every ``update_every`` transitions,
gradient-norm clipping of actor and critic, the actor pre-activation penalty, and done masks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import torch
from tensordict import TensorDict
from tensordict.nn import NormalParamExtractor, TensorDictModule
from torch import nn
from torchrl.data import Bounded, LazyTensorStorage, ReplayBuffer
from torchrl.modules import ProbabilisticActor, TanhNormal
from torchrl.objectives import DDPGLoss, SACLoss, SoftUpdate, TD3Loss, ValueEstimators

logging.getLogger("torchrl").setLevel(logging.WARNING)

from fairbid.cbim.learners.base import (  # noqa: E402
    CentralQ, ConcatQ, Learner, LearnerConfig, mlp, others, saturated_share, seeded_torch, torch_seed,
)


@dataclass
class MCBIMConfig(LearnerConfig):
    """MCBIM (MADDPG with a centralized critic): lr 0.01 for actor and critic, tau 0.01, gamma 0.95, batch
    1024, hidden 64-64 (seed 001's settings as recovered, which are MADDPG's: ``--lr 1e-2``, polyak 1e-2),
    with MADDPG's safeguards (base class)."""

    actor_lr: float = 0.01
    critic_lr: float = 0.01
    tau: float = 0.01
    algorithm: ClassVar[str] = "mcbim"
    centralized_critic: ClassVar[bool] = True


@dataclass
class DDPGConfig(LearnerConfig):
    """Independent DDPG (Lillicrap et al. 2016 defaults)."""

    actor_lr: float = 1e-4
    critic_lr: float = 1e-3
    tau: float = 0.001
    algorithm: ClassVar[str] = "ddpg"


@dataclass
class TD3Config(LearnerConfig):
    """Independent TD3 (Fujimoto et al. 2018 defaults)."""

    actor_lr: float = 1e-3
    critic_lr: float = 1e-3
    tau: float = 0.005
    policy_noise: float = 0.2
    noise_clip: float = 0.5
    policy_delay: int = 2
    algorithm: ClassVar[str] = "td3"


@dataclass
class SACConfig(LearnerConfig):
    """Independent SAC (Haarnoja et al. 2018 defaults)."""

    actor_lr: float = 3e-4
    critic_lr: float = 3e-4
    alpha_lr: float = 3e-4
    tau: float = 0.005
    algorithm: ClassVar[str] = "sac"
    stochastic_policy: ClassVar[bool] = True


class OffPolicyLearner(Learner):
    """Shared machinery: joint replay buffer, per-agent losses/optimizers/target updates."""

    def __init__(self, config: LearnerConfig, n_agents: int, obs_dim: int, act_dim: int, state_dim: int,
                 seed: int) -> None:
        self.config = config
        self.n_agents, self.obs_dim, self.act_dim, self.state_dim = n_agents, obs_dim, act_dim, state_dim
        self.gen = torch.Generator().manual_seed(seed)
        self.updates = 0
        self.transitions = 0
        self.buffer_gen = torch.Generator().manual_seed(torch_seed(self.gen))
        self.buffer = self._new_buffer()
        with seeded_torch(torch_seed(self.gen)):
            self.actors = [self._make_actor() for _ in range(n_agents)]
            self.losses = [self._make_loss(i) for i in range(n_agents)]
        self.optims = [self._make_optim(loss) for loss in self.losses]
        self.targets = [SoftUpdate(loss, tau=config.tau) for loss in self.losses]

    def _new_buffer(self) -> ReplayBuffer:
        return ReplayBuffer(storage=LazyTensorStorage(self.config.buffer_size), generator=self.buffer_gen)

    # -- construction, specialised per algorithm ------------------------------------------------
    def _make_actor(self) -> TensorDictModule:
        net = mlp(self.obs_dim, self.act_dim, self.config.hidden, nn.Sigmoid)
        return TensorDictModule(net, in_keys=["observation"], out_keys=["action"])

    def _make_loss(self, i: int) -> Any:
        raise NotImplementedError

    def _make_optim(self, loss: Any) -> torch.optim.Optimizer:
        cfg = self.config
        return torch.optim.Adam([
            {"params": list(loss.actor_network_params.flatten_keys().values()), "lr": cfg.actor_lr},
            {"params": list(self._critic_params(loss)), "lr": cfg.critic_lr},
        ])

    def _critic_params(self, loss: Any) -> list[torch.Tensor]:
        return list(loss.value_network_params.flatten_keys().values())

    # -- acting ---------------------------------------------------------------------------------
    def act(self, obs: np.ndarray, explore: bool = True) -> np.ndarray:
        x = torch.as_tensor(np.asarray(obs), dtype=torch.float32)
        with torch.no_grad():
            a = torch.stack([self._policy(i, x[i]) for i in range(self.n_agents)])
            self._record_policy(a.numpy())
            if explore:
                a = a + self.config.sigma_at(self.transitions) * torch.randn(a.shape, generator=self.gen)
        return a.clamp(0.0, 1.0).numpy().astype(np.float64)

    def _policy(self, i: int, obs: torch.Tensor) -> torch.Tensor:
        return self.actors[i](TensorDict({"observation": obs[None]}, batch_size=[1]))["action"][0]

    # -- learning -------------------------------------------------------------------------------
    def observe(self, transition: dict[str, np.ndarray]) -> None:
        td = TensorDict({k: torch.as_tensor(np.asarray(v), dtype=torch.float32)[None]
                         for k, v in transition.items()}, batch_size=[1])
        self.buffer.extend(td)
        self.transitions += 1

    def update(self) -> dict[str, float]:
        cfg = self.config
        # MADDPG: learning starts once the buffer holds a full batch; then one update every N transitions.
        if len(self.buffer) < cfg.start_after or self.transitions % cfg.update_every != 0:
            return {}
        out: dict[str, float] = {}
        with seeded_torch(torch_seed(self.gen)):
            for _ in range(cfg.updates_per_round):
                batch = self.buffer.sample(min(cfg.batch_size, len(self.buffer)))
                for i in range(self.n_agents):
                    values = self._train_agent(i, batch)
                    for key, v in values.items():
                        out[f"{key}_{i}"] = v
                self.updates += 1
        return out

    def _train_agent(self, i: int, batch: TensorDict) -> dict[str, float]:
        td = self._agent_batch(i, batch)
        losses = self.losses[i](td)
        names = self._loss_names()
        total = sum(losses[n] for n in names) + self._penalty(i, td)
        self._step(i, total)
        return {n: float(losses[n].detach()) for n in names}

    def _preactivation(self, i: int, obs: torch.Tensor) -> torch.Tensor:
        """Actor i's outputs before its squashing function (sigmoid here; SAC overrides)."""
        return self.actors[i].module[:-1](obs)

    def _penalty(self, i: int, td: TensorDict) -> torch.Tensor | float:
        """MADDPG's actor regulariser: coefficient * mean(z^2) of the pre-activation outputs z."""
        coef = self.config.preactivation_penalty
        if coef <= 0:
            return 0.0
        return coef * self._preactivation(i, td["observation"]).pow(2).mean()

    def _step(self, i: int, total: torch.Tensor) -> None:
        """Backward, clip each parameter group's gradient norm (actor and critic apart), step, soft-update."""
        self.optims[i].zero_grad()
        total.backward()
        if self.config.grad_clip is not None:
            for group in self.optims[i].param_groups:
                torch.nn.utils.clip_grad_norm_(group["params"], self.config.grad_clip)
        self.optims[i].step()
        self.targets[i].step()

    def _loss_names(self) -> list[str]:
        return ["loss_actor", "loss_value"]

    def _agent_batch(self, i: int, b: TensorDict) -> TensorDict:
        """One competitor's view of a joint batch (independent learners: own slice only)."""
        done = b["terminated"].reshape(-1, 1).bool()
        return TensorDict({
            "observation": b["obs"][:, i], "action": b["action"][:, i],
            "next": {"observation": b["next_obs"][:, i], "reward": b["reward"][:, i:i + 1],
                     "done": done, "terminated": done},
        }, batch_size=[b.batch_size[0]])

    # -- bookkeeping ----------------------------------------------------------------------------
    def agent_modules(self, i: int) -> list[nn.Module]:
        return [self.losses[i]]

    def state_dict(self) -> dict[str, Any]:
        return {
            "losses": [loss.state_dict() for loss in self.losses],
            "optims": [opt.state_dict() for opt in self.optims],
            "buffer": self._buffer_state(), "gen": self.gen.get_state(), "updates": self.updates,
            "transitions": self.transitions,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        for loss, sd in zip(self.losses, state["losses"]):
            loss.load_state_dict(sd)
        for opt, sd in zip(self.optims, state["optims"]):
            opt.load_state_dict(sd)
        self._load_buffer(state["buffer"])
        self.gen.set_state(state["gen"])
        self.updates = int(state["updates"])
        self.transitions = int(state.get("transitions", len(self.buffer)))
        self._sync_actors()

    def _buffer_state(self) -> dict[str, Any]:
        """The filled part of the buffer only (the storage is preallocated to ``buffer_size``: a full
        ``state_dict`` would write the whole capacity, gigabytes at K = 10, M = 100)."""
        n = len(self.buffer)
        data = self.buffer.storage.get(slice(0, n)).clone() if n else None
        return {"data": data, "writer": self.buffer._writer.state_dict(), "rng": self.buffer_gen.get_state()}

    def _load_buffer(self, state: dict[str, Any]) -> None:
        self.buffer = self._new_buffer()
        if state["data"] is not None:
            self.buffer.extend(state["data"])
        self.buffer._writer.load_state_dict(state["writer"])
        self.buffer_gen.set_state(state["rng"])

    def _sync_actors(self) -> None:
        """Point the acting modules at the loss modules' (restored) parameters."""
        for actor, loss in zip(self.actors, self.losses):
            loss.actor_network_params.to_module(actor)


class DDPGLearner(OffPolicyLearner):
    """Independent DDPG: each competitor a TorchRL ``DDPGLoss`` over its own observation and action."""

    def _make_loss(self, i: int) -> DDPGLoss:
        q = TensorDictModule(ConcatQ(self.obs_dim, self.act_dim, self.config.hidden),
                             in_keys=["observation", "action"], out_keys=["state_action_value"])
        loss = DDPGLoss(self.actors[i], q, delay_actor=True, delay_value=True)
        loss.make_value_estimator(ValueEstimators.TD0, gamma=self.config.gamma)
        return loss


class MCBIMLearner(DDPGLearner):
    """MCBIM (seed 001 §IV-B/C): MADDPG on TorchRL's ``DDPGLoss`` with a centralized critic per competitor.

    Critic i sees the global state and every competitor's action; the next joint action in the critic
    target comes from all competitors' target actors; actor i is trained through critic i with the others'
    actions taken from the buffer. The critics are updated once per bidding round (``updates_per_round=1``).
    """

    def _make_loss(self, i: int) -> DDPGLoss:
        q = TensorDictModule(CentralQ(self.state_dim, self.act_dim, self.n_agents, i, self.config.hidden),
                             in_keys=["state", "action", "others_action"], out_keys=["state_action_value"])
        loss = DDPGLoss(self.actors[i], q, delay_actor=True, delay_value=True)
        loss.make_value_estimator(ValueEstimators.TD0, gamma=self.config.gamma)
        return loss

    def update(self) -> dict[str, float]:
        self._next_joint: torch.Tensor | None = None
        return super().update()

    def _train_agent(self, i: int, batch: TensorDict) -> dict[str, float]:
        if i == 0:  # one target joint action per sampled batch, shared by every critic target
            with torch.no_grad():
                self._next_joint = torch.stack(
                    [self._target_action(j, batch["next_obs"][:, j]) for j in range(self.n_agents)], dim=1)
        return super()._train_agent(i, batch)

    def _target_action(self, j: int, obs: torch.Tensor) -> torch.Tensor:
        params = self.losses[j].target_actor_network_params
        with params.to_module(self.actors[j]):
            return self.actors[j](TensorDict({"observation": obs}, batch_size=[obs.shape[0]]))["action"]

    def _agent_batch(self, i: int, b: TensorDict) -> TensorDict:
        td = super()._agent_batch(i, b)
        td["state"] = b["state"]
        td["others_action"] = others(b["action"], i)
        td["next", "state"] = b["next_state"]
        td["next", "others_action"] = others(self._next_joint, i)
        return td


class TD3Learner(OffPolicyLearner):
    """Independent TD3 on TorchRL's ``TD3Loss`` (twin critics, target policy smoothing, delayed actor)."""

    def _make_loss(self, i: int) -> TD3Loss:
        cfg = self.config
        q = TensorDictModule(ConcatQ(self.obs_dim, self.act_dim, cfg.hidden),
                             in_keys=["observation", "action"], out_keys=["state_action_value"])
        loss = TD3Loss(self.actors[i], q, action_spec=Bounded(0.0, 1.0, (self.act_dim,)),
                       policy_noise=cfg.policy_noise, noise_clip=cfg.noise_clip, loss_function="l2")
        loss.make_value_estimator(ValueEstimators.TD0, gamma=cfg.gamma)
        return loss

    def _critic_params(self, loss: Any) -> list[torch.Tensor]:
        return list(loss.qvalue_network_params.flatten_keys().values())

    def _loss_names(self) -> list[str]:
        return ["loss_actor", "loss_qvalue"]

    def _train_agent(self, i: int, batch: TensorDict) -> dict[str, float]:
        td = self._agent_batch(i, batch)
        losses = self.losses[i](td)
        update_actor = self.updates % self.config.policy_delay == 0
        total = losses["loss_qvalue"] + ((losses["loss_actor"] + self._penalty(i, td)) if update_actor else 0.0)
        self._step(i, total)
        return {n: float(losses[n].detach()) for n in self._loss_names()}


class SACLearner(OffPolicyLearner):
    """Independent SAC on TorchRL's ``SACLoss`` (twin critics, learned temperature, TanhNormal on [0, 1])."""

    def _make_actor(self) -> ProbabilisticActor:
        net = nn.Sequential(mlp(self.obs_dim, 2 * self.act_dim, self.config.hidden), NormalParamExtractor())
        module = TensorDictModule(net, in_keys=["observation"], out_keys=["loc", "scale"])
        return ProbabilisticActor(module, in_keys=["loc", "scale"], out_keys=["action"],
                                  distribution_class=TanhNormal,
                                  distribution_kwargs={"low": 0.0, "high": 1.0}, return_log_prob=True)

    def _make_loss(self, i: int) -> SACLoss:
        q = TensorDictModule(ConcatQ(self.obs_dim, self.act_dim, self.config.hidden),
                             in_keys=["observation", "action"], out_keys=["state_action_value"])
        loss = SACLoss(self.actors[i], q, action_spec=Bounded(0.0, 1.0, (self.act_dim,)), loss_function="l2")
        loss.make_value_estimator(ValueEstimators.TD0, gamma=self.config.gamma)
        return loss

    def _make_optim(self, loss: Any) -> torch.optim.Optimizer:
        cfg = self.config
        return torch.optim.Adam([
            {"params": list(loss.actor_network_params.flatten_keys().values()), "lr": cfg.actor_lr},
            {"params": list(loss.qvalue_network_params.flatten_keys().values()), "lr": cfg.critic_lr},
            {"params": [loss.log_alpha], "lr": cfg.alpha_lr},
        ])

    def _loss_names(self) -> list[str]:
        return ["loss_actor", "loss_qvalue", "loss_alpha"]

    def _preactivation(self, i: int, obs: torch.Tensor) -> torch.Tensor:
        # the raw network outputs before NormalParamExtractor/tanh: loc and pre-softplus scale
        # (MADDPG penalises its Gaussian's flat parameters, mean and log-std, likewise)
        return self.actors[i].module[0].module[0](obs)

    def act(self, obs: np.ndarray, explore: bool = True) -> np.ndarray:
        from tensordict.nn import InteractionType, set_interaction_type

        x = torch.as_tensor(np.asarray(obs), dtype=torch.float32)
        mode = InteractionType.RANDOM if explore else InteractionType.DETERMINISTIC
        with torch.no_grad(), set_interaction_type(mode), seeded_torch(torch_seed(self.gen)):
            a = torch.stack([self._policy(i, x[i]) for i in range(self.n_agents)])
        if explore:  # the policy's own (deterministic) action, for the saturation and policy-shift records
            with torch.no_grad(), set_interaction_type(InteractionType.DETERMINISTIC), seeded_torch(0):
                det = torch.stack([self._policy(i, x[i]) for i in range(self.n_agents)])
        else:
            det = a
        self._record_policy(det.numpy())
        return a.clamp(0.0, 1.0).numpy().astype(np.float64)
