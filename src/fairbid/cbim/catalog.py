"""Registry entries of fairbid.cbim (seed 001, part 2): what ``fairbid list`` shows for this subpackage.

Only strings here: nothing is imported until a user resolves an entry.
"""

from __future__ import annotations

from fairbid.core.registry import Claim, Entry, register_entry

_SEED001 = "Zhang, Zhou, Wang, Fan, Shi: Fairness-aware Competitive Bidding Influence Maximization in Social Networks"
_T = "tests/cbim/"
_SANITY = _T + "test_cbim_sanity.py::"
_BANDIT = Claim("reaches-90%-of-bandit-optimum", True, _SANITY + "test_learner_reaches_90_percent_of_bandit_optimum")
_UNSATURATED = Claim("actor-not-saturated", True, _SANITY + "test_no_actor_stays_saturated")
_SAFEGUARDS = Claim("maddpg-safeguards", True, _SANITY + "test_learning_starts_update_interval_and_clipping")
_DONE = Claim("no-bootstrap-at-episode-end", True, _SANITY + "test_terminal_transitions_do_not_bootstrap")
_OWN_NETS = Claim("one-network-set-per-competitor", True,
                  _T + "test_cbim_learners.py::test_learner_trains_each_competitor_separately")
_CLI = "fairbid cbim train --algorithm "
_LEARNERS = (
    ("mcbim", "MCBIM: MADDPG with a centralized critic per competitor (seed 001 §IV-B/C)", "MCBIMLearner",
     "seed 001 §IV; Lowe et al. 2017 (MADDPG)",
     (Claim("critic-input-is-state-and-joint-action", True,
            _SANITY + "test_mcbim_critic_input_is_joint_action_per_step"),)),
    ("ddpg", "Independent DDPG per competitor", "DDPGLearner", "Lillicrap et al. 2016", ()),
    ("td3", "Independent TD3 per competitor", "TD3Learner", "Fujimoto et al. 2018", ()),
    ("sac", "Independent SAC per competitor", "SACLearner", "Haarnoja et al. 2018", ()),
)

for _entry in (
    Entry(
        name="cbim.env", title="Multi-agent bidding environment (PettingZoo ParallelEnv): sealed-bid second-price "
        "auctions of influential seeds with budgets, CLT rewards, Eq. 4 prices", seed="001", subpackage="cbim",
        kind="environment", solver="fairbid.cbim.env:BiddingEnv", source=_SEED001 + " §III, §IV-A (MBE)",
        cli="fairbid cbim train",
        claims=(
            Claim("pettingzoo-parallel-api", True, _T + "test_cbim_env.py::test_parallel_api"),
            Claim("hand-computed-round", True, _T + "test_cbim_env.py::test_one_round_by_hand"),
            Claim("rewards-are-clt-spreads", True, _T + "test_cbim_integration.py::test_rewards_are_the_engines_clt_spreads"),
            Claim("auction-matches-reference", True, _T + "test_cbim_auction.py::test_invariants_and_reference"),
        ),
    ),
    Entry(
        name="cbim.fairness", title="Fairness index GE(alpha) over cost-effectiveness (Eq. 1)", seed="001",
        subpackage="cbim", kind="rule", solver="fairbid.cbim.fairness:fairness_index", source=_SEED001 + " Eq. 1",
        claims=(
            Claim("GE(2)=CV^2/2", True, _T + "test_cbim_fairness.py::test_ge2_matches_cv_and_is_scale_invariant"),
            Claim("theil-and-mld-limits", True, _T + "test_cbim_fairness.py::test_theil_and_mld_limits_by_hand"),
        ),
    ),
    Entry(
        name="cbim.pricing", title="Starting prices: Eq. 3 initial price, Eq. 4 adjustment with a floor for unsold "
        "seeds", seed="001", subpackage="cbim", kind="rule", solver="fairbid.cbim.pricing:adjust_prices",
        source=_SEED001 + " Eqs. 3-4",
        claims=(
            Claim("eq4-hand-example", True, _T + "test_cbim_pricing.py::test_eq4_hand_example"),
            Claim("unsold-prices-stop-at-floor", True, _T + "test_cbim_pricing.py::test_price_floor_stops_the_decay"),
        ),
    ),
    *(Entry(name=f"cbim.{n}", title=title, seed="001", subpackage="cbim", kind="learner",
            solver=f"fairbid.cbim.learners:{cls}", check="fairbid.cbim.sanity:train_bandit", source=src,
            cli=_CLI + n, claims=(_BANDIT, _UNSATURATED, _SAFEGUARDS, _DONE, _OWN_NETS, *extra))
      for n, title, cls, src, extra in _LEARNERS),
    Entry(
        name="cbim.ppo", title="Independent PPO per competitor (clipped objective, GAE)", seed="001", subpackage="cbim",
        kind="learner", solver="fairbid.cbim.learners:PPOLearner", check="fairbid.cbim.sanity:train_bandit",
        source="Schulman et al. 2017", cli=_CLI + "ppo", claims=(_BANDIT, _UNSATURATED, _OWN_NETS),
    ),
    Entry(
        name="cbim.random", title="Random bidder (uniform actions): the seed's Random baseline", seed="001",
        subpackage="cbim", kind="learner", solver="fairbid.cbim.learners:RandomLearner", source=_SEED001 + " Table III",
        cli=_CLI + "random",
        claims=(Claim("uniform-actions", True, _SANITY + "test_random_bidder_is_uniform"),),
    ),
):
    register_entry(_entry)
