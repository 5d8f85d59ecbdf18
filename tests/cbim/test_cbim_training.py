import numpy as np
import pytest

from fairbid.cbim.metrics import summarize
from fairbid.cbim.toy import toy_env
from fairbid.cbim.training import Interrupted, TrainConfig, evaluate, read_rounds, train
from fairbid.core.errors import FairbidError


def _config(alg="mcbim", rounds=7):
    return TrainConfig(graph="toy", competitors=2, seeds=4, algorithm=alg, rounds=rounds, seed=3,
                       checkpoint_every=2, learner_options={"batch_size": 4})


@pytest.mark.parametrize("alg", ["mcbim", "sac", "ppo"])
def test_resume_after_kill_loses_and_duplicates_nothing(tmp_path, alg):
    full = train(_config(alg), tmp_path / "full", env_factory=toy_env)
    with pytest.raises(Interrupted):
        train(_config(alg), tmp_path / "cut", env_factory=toy_env, stop_after=5)
    # killed after round 5, last checkpoint at round 4: the segment of rounds [4, 5) was never written
    cut_rows = read_rounds(tmp_path / "cut" / "rounds")
    assert cut_rows["round"] == [0, 1, 2, 3]
    resumed = train(None, tmp_path / "cut", resume=True, env_factory=toy_env)
    a, b = read_rounds(tmp_path / "full" / "rounds"), read_rounds(tmp_path / "cut" / "rounds")
    assert b["round"] == list(range(7))
    for key in a:
        if key != "wall_time":
            assert a[key] == b[key], key
    for key in ("success_ratio", "max_revenue", "mean_revenue", "mean_rewards", "spend_ratios"):
        assert full[key] == resumed[key]


def test_resume_discards_a_segment_written_after_the_last_checkpoint(tmp_path):
    with pytest.raises(Interrupted):
        train(_config(), tmp_path / "r", env_factory=toy_env, stop_after=4)
    seg = tmp_path / "r" / "rounds"
    # simulate a kill between writing segment [4, 6) and its checkpoint: a stray segment file
    (seg / "seg-000000004-000000006.parquet").write_bytes((seg / "seg-000000002-000000004.parquet").read_bytes())
    train(None, tmp_path / "r", resume=True, env_factory=toy_env)
    assert read_rounds(seg)["round"] == list(range(7))


def test_summary_matches_rows_and_columns(tmp_path):
    s = train(_config("random", rounds=6), tmp_path / "x", env_factory=toy_env)
    rows = read_rounds(tmp_path / "x" / "rounds")
    for col in ("reward_0", "reward_1", "cost_0", "cost_1", "spend_ratio_0", "spend_ratio_1",
                "ge", "fair", "all_sold", "revenue", "wall_time"):
        assert len(rows[col]) == 6
    # spend ratio = cost / budget (budget ceil(4 / 2) = 2)
    assert np.allclose(np.array(rows["spend_ratio_0"]), np.array(rows["cost_0"]) / 2.0)
    # revenue = total reward
    assert np.allclose(rows["revenue"], np.array(rows["reward_0"]) + np.array(rows["reward_1"]))
    fair = np.array(rows["fair"])
    # the paper's SR: share of rounds with every seed sold; the fair-round share under its own name
    assert s["success_ratio"] == pytest.approx(np.mean(rows["all_sold"]))
    assert s["fair_ratio"] == pytest.approx(fair.mean())
    assert s["saturated_share"] == pytest.approx(np.mean(rows["saturated"]))
    assert s["mean_rewards"] == pytest.approx([np.mean(rows["reward_0"]), np.mean(rows["reward_1"])])
    assert s["run_dir"] == str(tmp_path / "x") and s["seconds"] > 0


def test_evaluate_replays_greedy_policy(tmp_path):
    train(_config("ddpg", rounds=4), tmp_path / "e", env_factory=toy_env)
    a = evaluate(tmp_path / "e", rounds=5, env_factory=toy_env)
    b = evaluate(tmp_path / "e", rounds=5, env_factory=toy_env)
    assert a["rounds"] == 5
    # exploration off and no learning: same rows twice
    assert a["mean_rewards"] == b["mean_rewards"] and a["success_ratio"] == b["success_ratio"]
    with pytest.raises(FairbidError):
        evaluate(tmp_path / "nothing", rounds=2)


def test_metrics_by_hand():
    t = {"fair": [True, False, True, True], "all_sold": [1, 1, 0, 1], "revenue": [5.0, 9.0, 3.0, 4.0],
         "reward_0": [1.0, 2.0, 3.0, 2.0], "reward_1": [4.0, 7.0, 0.0, 2.0],
         "spend_ratio_0": [0.5, 0.5, 1.0, 0.0], "spend_ratio_1": [1.0, 0.0, 0.5, 0.5]}
    s = summarize(t)
    # successful rounds (all sold) 0, 1, 3: revenues 5, 9, 4 -> SR 3/4, max 9, mean 6 (Table III)
    assert s["success_ratio"] == 0.75 and s["max_revenue"] == 9.0 and s["mean_revenue"] == 6.0
    # fair rounds 0, 2, 3: revenues 5, 3, 4 -> fair ratio 3/4, max 5, mean 4 (Table VI)
    assert s["fair_ratio"] == 0.75 and s["max_fair_revenue"] == 5.0 and s["mean_fair_revenue"] == 4.0
    assert s["spend_ratios"] == [0.5, 0.5] and s["saturated_share"] == 0.0


def test_checkpointing_does_not_change_the_run(tmp_path):
    a = _config("mcbim", rounds=6)
    b = TrainConfig(**{**a.__dict__, "checkpoint_every": 6})
    train(a, tmp_path / "a", env_factory=toy_env)
    train(b, tmp_path / "b", env_factory=toy_env)
    ra, rb = read_rounds(tmp_path / "a" / "rounds"), read_rounds(tmp_path / "b" / "rounds")
    assert ra["revenue"] == rb["revenue"] and ra["cost_0"] == rb["cost_0"]
