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


def _interrupted(tmp_path):
    from fairbid.cbim.training import Interrupted, TrainConfig, train

    cfg = TrainConfig(graph=GRAPH, competitors=2, seeds=3, algorithm="ddpg", rounds=6, seed=2, checkpoint_every=2,
                      env_options={"sims": 5}, learner_options={"batch_size": 4, "update_every": 1})
    run = tmp_path / "r"
    with pytest.raises(Interrupted):
        train(cfg, run, stop_after=4)
    return run


def _config(run):
    return json.loads((run / "config.json").read_text())


def _put_config(run, **changes):
    cfg = _config(run)
    cfg.update(changes)
    (run / "config.json").write_text(json.dumps(cfg))


def _truncate(path, keep=0.5):
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


DAMAGES = {
    "config-not-json": lambda run: (run / "config.json").write_text("{not json"),
    "config-empty": lambda run: (run / "config.json").write_text(""),
    "config-a-list": lambda run: (run / "config.json").write_text("[1, 2]"),
    "config-wrong-type": lambda run: _put_config(run, competitors="two"),
    "config-float-seed": lambda run: _put_config(run, seed=2.5),
    "config-huge-seed": lambda run: _put_config(run, seed=2**70),
    "config-nan-rounds": lambda run: (run / "config.json").write_text(
        json.dumps(_config(run)).replace('"rounds": 6', '"rounds": NaN')),
    "config-unknown-field": lambda run: _put_config(run, colour="red"),
    "config-other-shape": lambda run: _put_config(run, competitors=3),
    "config-bad-learner": lambda run: _put_config(run, learner_options={"batch_size": -4}),
    "done-empty": lambda run: (run / "summary.json").write_text(""),
    "done-not-a-summary": lambda run: (run / "summary.json").write_text('{"x": 1}'),
    "checkpoint-truncated": lambda run: _truncate(run / "checkpoint.pt"),
    "checkpoint-empty": lambda run: (run / "checkpoint.pt").write_bytes(b""),
    "checkpoint-garbage": lambda run: (run / "checkpoint.pt").write_bytes(b"\x00garbage" * 100),
    "segment-garbage": lambda run: sorted((run / "rounds").glob("seg-*"))[0].write_bytes(b"PAR1 garbage"),
    "segment-truncated": lambda run: _truncate(sorted((run / "rounds").glob("seg-*"))[1]),
    "segment-missing": lambda run: sorted((run / "rounds").glob("seg-*"))[0].unlink(),
    "segment-bad-name": lambda run: (run / "rounds" / "seg-x.parquet").write_bytes(b"x"),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_resume_refuses_a_damaged_run_directory(tmp_path, capsys, damage):
    run = _interrupted(tmp_path)
    DAMAGES[damage](run)
    capsys.readouterr()
    assert main(["cbim", "train", "--resume", str(run), "--json"]) == 2
    cap = capsys.readouterr()
    err = cap.err.strip().splitlines()
    assert cap.out == "" and len(err) == 1 and err[0].startswith("error: "), cap.err


def test_resume_never_creates_the_directory(tmp_path, capsys):
    missing = tmp_path / "no" / "such-run"
    assert main(["cbim", "train", "--resume", str(missing), "--json"]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not missing.exists() and not missing.parent.exists()
    a_file = tmp_path / "f"
    a_file.write_text("x")
    assert main(["cbim", "train", "--resume", str(a_file), "--json"]) == 2


def test_resume_of_an_intact_run_after_a_kill_loses_nothing(tmp_path, capsys):
    from fairbid.cbim.training import read_rounds

    run = _interrupted(tmp_path)
    # grid runs carry 63-bit seeds drawn from a SeedSequence: a valid config, not a damaged one
    from fairbid.cbim.training import TrainConfig

    assert TrainConfig.from_json({**_config(run), "seed": 2440950710608614359}).seed == 2440950710608614359
    assert main(["cbim", "train", "--resume", str(run), "--json"]) == 0
    assert read_rounds(run / "rounds")["round"] == list(range(6))
    assert main(["cbim", "grid", "--out", str(tmp_path / "g"), "--km", "1x5", "--json"]) == 2  # K must be >= 2
