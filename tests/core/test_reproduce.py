import json

import numpy as np
import pytest

from fairbid.core import reproduce as rep
from fairbid.core.errors import FairbidError
from fairbid.core.experiments import Experiment


class Killed(BaseException):
    """Stands in for SIGKILL/SIGINT: not an Exception, so reproduce must not swallow it."""


def make_registry(calls, kill_b=False):
    def a(ctx):
        calls.append("a")
        x = np.random.default_rng(ctx.seed).random(4)
        ctx.out.write_table("numbers", {"x": x})
        return {"mean": float(x.mean())}

    def b(ctx):
        calls.append("b")
        if kill_b:
            raise Killed()
        return {"scale": ctx.scale}

    def broken(ctx):
        calls.append("broken")
        raise RuntimeError("bug in experiment")

    return {
        "auctions.a": Experiment("auctions.a", "auctions", "A", "first", a),
        "auctions.b": Experiment("auctions.b", "auctions", "B", "second", b),
        "diffusion.broken": Experiment("diffusion.broken", "diffusion", "Broken", "", broken),
    }


def test_resume_after_kill_skips_finished_and_loses_nothing(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(rep, "load_all", lambda: make_registry(calls, kill_b=True))
    with pytest.raises(Killed):
        rep.reproduce(out=tmp_path, seed=5)
    (run,) = tmp_path.iterdir()
    first = (run / "auctions.a" / "results" / "numbers.parquet").read_bytes()
    assert calls == ["a", "b"]

    calls.clear()
    monkeypatch.setattr(rep, "load_all", lambda: make_registry(calls, kill_b=False))
    report = rep.reproduce(resume=run)
    assert calls == ["b", "broken"]  # a was finished and is skipped
    assert (run / "auctions.a" / "results" / "numbers.parquet").read_bytes() == first
    assert json.loads((run / "auctions.b" / "done.json").read_text())["summary"] == {"scale": "quick"}
    html = report.read_text()
    assert "failed: RuntimeError: bug in experiment" in html
    assert "numbers" in html and "<table>" in html


def test_experiment_seed_depends_on_name_not_position():
    assert rep._experiment_seed(1, "auctions.a") == rep._experiment_seed(1, "auctions.a")
    assert rep._experiment_seed(1, "auctions.a") != rep._experiment_seed(1, "auctions.b")
    assert rep._experiment_seed(1, "auctions.a") != rep._experiment_seed(2, "auctions.a")


def test_same_seed_same_numbers(tmp_path, monkeypatch):
    monkeypatch.setattr(rep, "load_all", lambda: make_registry([]))
    r1 = rep.reproduce(out=tmp_path / "1", seed=3, only=["auctions.a"]).parent
    r2 = rep.reproduce(out=tmp_path / "2", seed=3, only=["auctions.a"]).parent
    from fairbid.core.rundir import read_parquet

    assert read_parquet(r1 / "auctions.a/results/numbers.parquet") == \
        read_parquet(r2 / "auctions.a/results/numbers.parquet")


def test_bad_only_and_resume(tmp_path, monkeypatch):
    monkeypatch.setattr(rep, "load_all", lambda: make_registry([]))
    with pytest.raises(FairbidError, match="--only: matches no experiment"):
        rep.reproduce(out=tmp_path, only=["nosuch"])
    with pytest.raises(FairbidError, match="--resume: is not a fairbid run directory"):
        rep.reproduce(resume=tmp_path)


@pytest.mark.parametrize("config, fragment", [
    ("", "not valid JSON"), ("[]", "must be a JSON object"), ('{"scale": "x", "seed": 0}', "unknown name"),
    ('{"scale": "quick"}', "seed: is missing"), ('{"scale": "quick", "seed": "1"}', "must be an integer"),
    ('{"scale": "quick", "seed": -1}', "must be at least 0"),
    ('{"scale": "quick", "seed": 0, "only": [1]}', "an experiment name"),
    ('{"command": "cbim train", "scale": "quick", "seed": 0}', "another command"),
])
def test_resume_refuses_damaged_config(tmp_path, monkeypatch, config, fragment):
    monkeypatch.setattr(rep, "load_all", lambda: make_registry([]))
    (tmp_path / "config.json").write_text(config)
    with pytest.raises(FairbidError, match=fragment):
        rep.reproduce(resume=tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["config.json"]  # nothing written


def test_resume_refuses_damaged_finished_parts_and_names_the_remedy(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(rep, "load_all", lambda: make_registry(calls))
    run = rep.reproduce(out=tmp_path, seed=1, only=["auctions.a"]).parent
    (run / "auctions.a" / "done.json").write_text("")
    with pytest.raises(FairbidError, match=r"done.json: is not valid JSON.*delete .*auctions.a to run auctions.a again"):
        rep.reproduce(resume=run)
    (run / "auctions.a" / "done.json").write_text('{"name": "auctions.a", "status": "ok", "seconds": 0.1}')
    (run / "auctions.a" / "results" / "numbers.parquet").write_bytes(b"garbage")
    with pytest.raises(FairbidError, match="numbers.parquet: is damaged"):
        rep.reproduce(resume=run)
    assert calls == ["a"]  # the damaged run was refused before anything ran again


def test_mistyped_resume_path_is_not_created(tmp_path, monkeypatch):
    monkeypatch.setattr(rep, "load_all", lambda: make_registry([]))
    with pytest.raises(FairbidError, match="--resume: does not exist"):
        rep.reproduce(resume=tmp_path / "typo")
    assert not (tmp_path / "typo").exists()
