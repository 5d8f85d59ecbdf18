import numpy as np
import pytest
import torch

from fairbid.cbim.learners import ALGORITHMS, REGISTRY, make_config, make_learner
from fairbid.cbim.learners.base import CentralQ
from fairbid.cbim.toy import toy_env
from fairbid.core.errors import FairbidError

K, M = 2, 3
SMALL = {"batch_size": 8, "update_every": 1}


def _config(alg):
    extra = {"rollout_rounds": 6, "minibatch_size": 3, "epochs": 2} if alg == "ppo" else {}
    return make_config(alg, **SMALL, **extra)


def _train(alg, rounds=8, seed=0):
    env = toy_env(competitors=K, seeds=M, seed=seed)
    learner = make_learner(_config(alg), n_agents=K, obs_dim=M + 1, act_dim=M, state_dim=K * (M + 1), seed=seed)
    obs, _ = env.reset(seed=seed)
    obs = env._obs_matrix()
    before = [[p.detach().clone() for mod in learner.agent_modules(i) for p in mod.parameters()] for i in range(K)]
    losses = {}
    for _ in range(rounds):
        acts = learner.act(obs)
        assert acts.shape == (K, M) and (acts >= 0).all() and (acts <= 1).all()
        state = env.state()
        env.step({a: acts[i] for i, a in enumerate(env.possible_agents)})
        nxt = env._obs_matrix()
        learner.observe({"obs": obs, "state": state, "action": acts, "reward": env.last_round["spreads"] / 5,
                         "next_obs": nxt, "next_state": env.state(), "terminated": np.array(0.0)})
        losses.update(learner.update())
        env.reset()
        obs = nxt
    return learner, before, losses


@pytest.mark.parametrize("alg", [a for a in ALGORITHMS if a != "random"])
def test_learner_trains_each_competitor_separately(alg):
    learner, before, losses = _train(alg)
    assert losses and all(np.isfinite(v) for v in losses.values())
    # both competitors report losses of their own
    assert any(k.endswith("_0") for k in losses) and any(k.endswith("_1") for k in losses)
    for i in range(K):
        after = [p.detach() for mod in learner.agent_modules(i) for p in mod.parameters()]
        assert any(not torch.equal(b, a) for b, a in zip(before[i], after)), f"competitor {i} did not learn"
    # no parameter sharing: no tensor storage is common to two competitors
    ptrs = [{p.data_ptr() for mod in learner.agent_modules(i) for p in mod.parameters()} for i in range(K)]
    assert not ptrs[0] & ptrs[1]
    assert REGISTRY[alg][0].parameter_sharing is False


def test_mcbim_critic_is_centralized_and_independent_critics_are_not():
    mc, _, _ = _train("mcbim", rounds=2)
    critic = mc.losses[1].value_network.module
    assert isinstance(critic, CentralQ)
    # input = global state K(M+1) + joint action K*M
    assert critic.net[0].in_features == K * (M + 1) + K * M
    dd, _, _ = _train("ddpg", rounds=2)
    assert dd.losses[1].value_network.module.net[0].in_features == (M + 1) + M
    assert make_config("mcbim").centralized_critic and not make_config("ddpg").centralized_critic


def test_central_critic_puts_own_action_in_its_slot():
    torch.manual_seed(0)
    q = CentralQ(state_dim=2, act_dim=1, n_agents=3, index=1, hidden=(4,))
    state = torch.zeros(1, 2)
    # joint action (a0, a1, a2) = (0.1, 0.2, 0.3): own = a1, others = (a0, a2)
    got = q(state, torch.tensor([[0.2]]), torch.tensor([[0.1, 0.3]]))
    want = q.net(torch.tensor([[0.0, 0.0, 0.1, 0.2, 0.3]]))
    assert torch.allclose(got, want)


def test_seed_hyper_parameters_are_the_defaults():
    c = make_config("mcbim")
    # recovered definitions, seed 001: lr 0.01, gamma 0.95, tau 0.01, batch 1024, hidden 64-64; buffer 1e6 as
    # MADDPG (openai/maddpg: ReplayBuffer(1e6), lr 1e-2, polyak 1e-2), which the seed cites for its settings
    assert (c.actor_lr, c.critic_lr, c.gamma, c.tau, c.buffer_size, c.batch_size, c.hidden) == \
        (0.01, 0.01, 0.95, 0.01, 1_000_000, 1024, (64, 64))
    assert (make_config("ddpg").actor_lr, make_config("ddpg").critic_lr, make_config("ddpg").tau) == (1e-4, 1e-3, 1e-3)
    assert (make_config("ppo").lr, make_config("ppo").clip_epsilon, make_config("ppo").gae_lambda) == (3e-4, 0.2, 0.95)
    with pytest.raises(FairbidError):
        make_config("mcbim", learning_rate=1)
    with pytest.raises(FairbidError):
        make_config("maddpg")


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_same_seed_same_actions_and_greedy_is_deterministic(alg):
    a, _, _ = _train(alg, rounds=4, seed=5)
    b, _, _ = _train(alg, rounds=4, seed=5)
    obs = np.full((K, M + 1), 0.5)
    assert np.array_equal(a.act(obs, explore=True), b.act(obs, explore=True))
    if alg != "random":
        assert np.array_equal(a.act(obs, explore=False), a.act(obs, explore=False))


def test_checkpoint_keeps_a_wrapped_replay_buffer_exactly():
    # capacity 5, 7 transitions with reward i: the ring holds rewards [5, 6, 2, 3, 4], next write at slot 2
    cfg = make_config("mcbim", batch_size=4, buffer_size=5)
    a = make_learner(cfg, n_agents=2, obs_dim=3, act_dim=2, state_dim=6, seed=0)
    rng = np.random.default_rng(0)
    for i in range(7):
        a.observe({"obs": rng.random((2, 3)), "state": rng.random(6), "action": rng.random((2, 2)),
                   "reward": np.array([i, i]), "next_obs": rng.random((2, 3)), "next_state": rng.random(6),
                   "terminated": np.array(0.0)})
    b = make_learner(cfg, n_agents=2, obs_dim=3, act_dim=2, state_dim=6, seed=1)
    b.load_state_dict(a.state_dict())
    assert b.buffer.storage.get(slice(0, 5))["reward"][:, 0].tolist() == [5.0, 6.0, 2.0, 3.0, 4.0]
    assert b.buffer._writer._cursor == 2
    assert a.update() == b.update()  # same samples, same networks, same losses
