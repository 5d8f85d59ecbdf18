import json

import numpy as np
import pytest

from fairbid.cli.main import main

GRAPH = "synthetic:powerlaw:200:800:3"
KEYS = ["success_ratio", "fair_ratio", "max_revenue", "mean_revenue", "mean_rewards", "spend_ratios",
        "saturated_share", "seconds", "run_dir"]


def _json(capsys):
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    return json.loads(out[0])


@pytest.mark.parametrize("alg", ["mcbim", "random"])
def test_train_and_evaluate_contract(tmp_path, capsys, alg):
    run = tmp_path / alg
    rc = main(["cbim", "train", "--graph", GRAPH, "--competitors", "2", "--seeds", "4", "--budget", "2",
               "--algorithm", alg, "--rounds", "6", "--seed", "1", "--sims", "10", "--batch-size", "4",
               "--checkpoint-every", "4", "--out", str(run), "--json"])
    assert rc == 0
    got = _json(capsys)
    assert list(got) == KEYS
    assert len(got["mean_rewards"]) == 2 and len(got["spend_ratios"]) == 2
    assert all(0.0 <= s <= 1.0 for s in got["spend_ratios"]) and 0.0 <= got["success_ratio"] <= 1.0
    assert got["run_dir"] == str(run)
    rc = main(["cbim", "evaluate", str(run), "--rounds", "3", "--json"])
    assert rc == 0
    ev = _json(capsys)
    assert list(ev) == KEYS and len(ev["mean_rewards"]) == 2


def test_resume_through_cli_continues_the_run(tmp_path, capsys):
    from fairbid.cbim.training import Interrupted, TrainConfig, read_rounds, train

    cfg = TrainConfig(graph=GRAPH, competitors=2, seeds=3, algorithm="ddpg", rounds=5, seed=2, checkpoint_every=2,
                      env_options={"sims": 5}, learner_options={"batch_size": 4})
    with pytest.raises(Interrupted):
        train(cfg, tmp_path / "r", stop_after=3)
    assert main(["cbim", "train", "--resume", str(tmp_path / "r"), "--json"]) == 0
    got = _json(capsys)
    assert read_rounds(tmp_path / "r" / "rounds")["round"] == [0, 1, 2, 3, 4]
    assert got["run_dir"] == str(tmp_path / "r")


def test_bad_input_exit_code_2(tmp_path, capsys):
    assert main(["cbim", "train", "--graph", GRAPH, "--algorithm", "maddpg", "--json"]) == 2
    assert "error:" in capsys.readouterr().err
    assert main(["cbim", "train", "--graph", GRAPH, "--budget", "x", "--json"]) == 2
    assert main(["cbim", "evaluate", str(tmp_path), "--json"]) == 2
