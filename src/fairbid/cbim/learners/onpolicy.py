"""Independent PPO on TorchRL's ``ClipPPOLoss`` with ``GAE`` advantages, one actor-critic per competitor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import torch
from tensordict import TensorDict
from tensordict.nn import InteractionType, NormalParamExtractor, TensorDictModule, set_interaction_type
from torch import nn
from torchrl.modules import ProbabilisticActor, TanhNormal, ValueOperator
from torchrl.objectives import ClipPPOLoss
from torchrl.objectives.value import GAE

from fairbid.cbim.learners.base import Learner, LearnerConfig, mlp, seeded_torch, torch_seed


@dataclass
class PPOConfig(LearnerConfig):
    """Independent PPO (Schulman et al. 2017 defaults: lr 3e-4, clip 0.2, GAE lambda 0.95; gradient norm
    clipped at ``grad_clip`` = 0.5). The replay/update-interval/noise fields of the base class are unused."""

    lr: float = 3e-4
    clip_epsilon: float = 0.2
    gae_lambda: float = 0.95
    rollout_rounds: int = 32
    epochs: int = 4
    minibatch_size: int = 32
    entropy_coeff: float = 1e-3
    algorithm: ClassVar[str] = "ppo"
    off_policy: ClassVar[bool] = False
    stochastic_policy: ClassVar[bool] = True


class PPOLearner(Learner):
    """Each competitor collects ``rollout_rounds`` rounds, then runs ``epochs`` of clipped PPO on them."""

    def __init__(self, config: PPOConfig, n_agents: int, obs_dim: int, act_dim: int, state_dim: int,
                 seed: int) -> None:
        self.config = config
        self.n_agents, self.obs_dim, self.act_dim = n_agents, obs_dim, act_dim
        self.gen = torch.Generator().manual_seed(seed)
        with seeded_torch(torch_seed(self.gen)):
            self.actors = [self._make_actor() for _ in range(n_agents)]
            self.critics = [ValueOperator(mlp(obs_dim, 1, config.hidden), in_keys=["observation"])
                            for _ in range(n_agents)]
        self.losses = [ClipPPOLoss(a, c, clip_epsilon=config.clip_epsilon, entropy_coeff=config.entropy_coeff,
                                   loss_critic_type="l2") for a, c in zip(self.actors, self.critics)]
        self.gaes = [GAE(gamma=config.gamma, lmbda=config.gae_lambda, value_network=c) for c in self.critics]
        self.optims = [torch.optim.Adam(loss.parameters(), lr=config.lr) for loss in self.losses]
        self.rollout: list[dict[str, Any]] = []
        self._last: list[TensorDict] | None = None

    def _make_actor(self) -> ProbabilisticActor:
        net = nn.Sequential(mlp(self.obs_dim, 2 * self.act_dim, self.config.hidden), NormalParamExtractor())
        module = TensorDictModule(net, in_keys=["observation"], out_keys=["loc", "scale"])
        return ProbabilisticActor(module, in_keys=["loc", "scale"], out_keys=["action"],
                                  distribution_class=TanhNormal,
                                  distribution_kwargs={"low": 0.0, "high": 1.0}, return_log_prob=True)

    def act(self, obs: np.ndarray, explore: bool = True) -> np.ndarray:
        x = torch.as_tensor(np.asarray(obs), dtype=torch.float32)
        mode = InteractionType.RANDOM if explore else InteractionType.DETERMINISTIC
        outs = []
        with torch.no_grad(), set_interaction_type(mode), seeded_torch(torch_seed(self.gen)):
            for i in range(self.n_agents):
                outs.append(self.actors[i](TensorDict({"observation": x[i][None]}, batch_size=[1])))
        self._last = outs if explore else None
        acts = torch.cat([o["action"] for o in outs])
        if explore:  # the policy's own (deterministic) action, for the saturation and policy-shift records
            with torch.no_grad(), set_interaction_type(InteractionType.DETERMINISTIC), seeded_torch(0):
                det = torch.cat([self.actors[i](TensorDict({"observation": x[i][None]}, batch_size=[1]))["action"]
                                 for i in range(self.n_agents)])
        else:
            det = acts
        self._record_policy(det.numpy())
        return acts.clamp(0.0, 1.0).numpy().astype(np.float64)

    def observe(self, transition: dict[str, np.ndarray]) -> None:
        if self._last is None:
            return
        self.rollout.append({"out": self._last, **{k: np.asarray(v) for k, v in transition.items()}})
        self._last = None

    def update(self) -> dict[str, float]:
        if len(self.rollout) < self.config.rollout_rounds:
            return {}
        out: dict[str, float] = {}
        with seeded_torch(torch_seed(self.gen)):
            for i in range(self.n_agents):
                for key, v in self._train_agent(i).items():
                    out[f"{key}_{i}"] = v
        self.rollout = []
        return out

    def _agent_rollout(self, i: int) -> TensorDict:
        f = lambda key: torch.as_tensor(np.stack([r[key] for r in self.rollout]), dtype=torch.float32)
        steps = torch.cat([r["out"][i] for r in self.rollout])
        done = f("terminated").reshape(-1, 1).bool()
        td = steps.select(*[k for k in steps.keys() if k not in ("loc", "scale")])
        td["next"] = TensorDict({"observation": f("next_obs")[:, i], "reward": f("reward")[:, i:i + 1],
                                 "done": done, "terminated": done}, batch_size=[len(self.rollout)])
        return td

    def _train_agent(self, i: int) -> dict[str, float]:
        cfg = self.config
        td = self._agent_rollout(i)
        with torch.no_grad():
            self.gaes[i](td)
        n = td.batch_size[0]
        last: dict[str, float] = {}
        for _ in range(cfg.epochs):
            perm = torch.randperm(n)
            for start in range(0, n, cfg.minibatch_size):
                losses = self.losses[i](td[perm[start:start + cfg.minibatch_size]])
                total = losses["loss_objective"] + losses["loss_critic"] + losses["loss_entropy"]
                self.optims[i].zero_grad()
                total.backward()
                if cfg.grad_clip is not None:  # PPO's usual max_grad_norm 0.5 (Schulman et al. / baselines)
                    torch.nn.utils.clip_grad_norm_(self.losses[i].parameters(), cfg.grad_clip)
                self.optims[i].step()
                last = {k: float(losses[k].detach()) for k in ("loss_objective", "loss_critic", "loss_entropy")}
        return last

    def agent_modules(self, i: int) -> list[nn.Module]:
        return [self.losses[i]]

    def state_dict(self) -> dict[str, Any]:
        return {"losses": [loss.state_dict() for loss in self.losses],
                "optims": [opt.state_dict() for opt in self.optims],
                "rollout": self.rollout, "gen": self.gen.get_state()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        for loss, sd in zip(self.losses, state["losses"]):
            loss.load_state_dict(sd)
        for opt, sd in zip(self.optims, state["optims"]):
            opt.load_state_dict(sd)
        self.rollout = list(state["rollout"])
        self.gen.set_state(state["gen"])
