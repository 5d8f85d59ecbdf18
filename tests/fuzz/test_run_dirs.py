"""Damaged run directories given to ``--resume`` (and to ``cbim evaluate``): refused, never created.

A real run directory is made once per module (``reproduce --only auctions.lemma3``; a 4-round
``cbim train``), then each case damages a copy: a missing path, a file, an empty directory, a config
that is not JSON or has the wrong shape, an empty ``done.json``, a garbage Parquet table, a truncated
checkpoint. Each must give one clean ``error:`` line and create nothing.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.fuzz.harness import commands, problems, run

IDS = {c.id for c in commands()}


def _damage(root: Path, rel: str, data: bytes | None) -> None:
    target = root / rel
    if data is None:
        target.unlink()
    else:
        target.write_bytes(data)


@pytest.fixture(scope="module")
def reproduce_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("rep") / "run"
    res = run(["reproduce", "--only", "auctions.lemma3", "--out", str(out)])
    assert res.rc == 0, res.describe()
    (run_dir,) = out.iterdir()
    return run_dir


CONFIG_DAMAGE = {
    "empty": b"", "garbage": b"not json", "binary": bytes(range(256)), "list": b"[]",
    "bad-scale": b'{"scale": "huge", "seed": 0}', "seed-text": b'{"scale": "quick", "seed": "a"}',
    "seed-negative": b'{"scale": "quick", "seed": -1}', "seed-float": b'{"scale": "quick", "seed": 1.5}',
    "no-seed": b'{"scale": "quick"}', "only-number": b'{"scale": "quick", "seed": 0, "only": 5}',
    "only-numbers": b'{"scale": "quick", "seed": 0, "only": [5]}',
    "only-unknown": b'{"scale": "quick", "seed": 0, "only": ["nosuch"]}',
    "other-command": b'{"command": "cbim train", "scale": "quick", "seed": 0}',
    "deep": b"[" * 5000 + b"]" * 5000,
}
PART = "auctions.lemma3"
DONE_DAMAGE = {"empty": b"", "garbage": b"{", "list": b"[]", "wrong-name": b'{"name": "x", "status": "ok", '
               b'"seconds": 1, "summary": {}}', "no-seconds": b'{"name": "auctions.lemma3", "status": "ok"}'}


@pytest.mark.parametrize("case", ["missing", "file", "empty-dir", "no-config",
                                  *[f"config:{k}" for k in CONFIG_DAMAGE], *[f"done:{k}" for k in DONE_DAMAGE],
                                  "parquet:garbage", "parquet:empty"])
def test_reproduce_resume_refuses_damage(case, reproduce_run, tmp_path):
    target = tmp_path / "copy"
    kind, _, name = case.partition(":")
    if case == "file":
        target.write_text("x")
    elif case == "empty-dir":
        target.mkdir()
    elif case != "missing":
        shutil.copytree(reproduce_run, target)
        if kind == "no-config":
            _damage(target, "config.json", None)
        elif kind == "config":
            _damage(target, "config.json", CONFIG_DAMAGE[name])
        elif kind == "done":
            _damage(target, f"{PART}/done.json", DONE_DAMAGE[name])
        elif kind == "parquet":
            (table,) = (target / PART / "results").glob("*.parquet")
            table.write_bytes(b"PAR1 garbage" if name == "garbage" else b"")
    res = run(["reproduce", "--resume", str(target)], watch=[tmp_path])
    assert problems(res) == [], res.describe()
    if case == "missing":
        assert not target.exists()  # a mistyped --resume path must not be created


def test_reproduce_resume_of_an_intact_run_succeeds(reproduce_run, tmp_path):
    """The control: the same copy, undamaged, resumes (nothing to do) and rewrites the report."""
    target = tmp_path / "copy"
    shutil.copytree(reproduce_run, target)
    before = json.loads((target / PART / "done.json").read_text())
    res = run(["reproduce", "--resume", str(target)])
    assert res.rc == 0, res.describe()
    assert res.out.strip().endswith("report.html")
    assert json.loads((target / PART / "done.json").read_text()) == before  # skipped, not re-run


# --------------------------------------------------------------------------------------------- cbim
@pytest.fixture(scope="module")
def cbim_run(tmp_path_factory):
    if "cbim train" not in IDS:
        pytest.skip("no cbim group")
    out = tmp_path_factory.mktemp("cbim") / "run"
    res = run(["cbim", "train", "--graph", "synthetic:powerlaw:60:200:3", "--seeds", "3", "--rounds", "4",
               "--sims", "5", "--budget", "2", "--algorithm", "ddpg", "--checkpoint-every", "2", "--out", str(out),
               "--json"])
    assert res.rc == 0, res.describe()
    return out


CBIM_DAMAGE = {
    "config-empty": ("config.json", b""), "config-garbage": ("config.json", b"{{"),
    "config-list": ("config.json", b"[]"), "config-wrong-types": ("config.json", b'{"graph": 5, "algorithm": []}'),
    "checkpoint-truncated": ("checkpoint.pt", None), "checkpoint-garbage": ("checkpoint.pt", b"garbage"),
    "segment-garbage": ("rounds/*.parquet", b"PAR1 garbage"),
}


@pytest.mark.parametrize("command", ["train", "evaluate"])
@pytest.mark.parametrize("case", ["missing", "file", "empty-dir", *CBIM_DAMAGE])
def test_cbim_run_dir_damage_is_refused(command, case, cbim_run, tmp_path):
    target = tmp_path / "copy"
    if case == "file":
        target.write_text("x")
    elif case == "empty-dir":
        target.mkdir()
    elif case != "missing":
        shutil.copytree(cbim_run, target)
        (target / "summary.json").unlink(missing_ok=True)  # an interrupted run: resume has work to do
        rel, data = CBIM_DAMAGE[case]
        for f in sorted(target.glob(rel))[-1:]:
            if data is None:
                f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
            else:
                f.write_bytes(data)
    argv = ["cbim", "train", "--resume", str(target), "--json"] if command == "train" else \
        ["cbim", "evaluate", str(target), "--rounds", "2", "--json"]
    res = run(argv, watch=[tmp_path])
    if command == "evaluate" and case.startswith("segment"):
        # evaluate replays the checkpoint and does not read the round segments: success is correct.
        assert res.rc in (0, 2) and "Traceback" not in res.err, res.describe()
        return
    assert problems(res) == [], res.describe()
    if case == "missing":
        assert not target.exists()


from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.fuzz.harness import unexpected  # noqa: E402
from tests.fuzz.test_files import _mutate, json_values  # noqa: E402


def test_random_config_mutations_never_crash(reproduce_run, tmp_path_factory):
    """config.json with one field replaced by random JSON: resumed (when still valid) or refused cleanly."""
    config = json.loads((reproduce_run / "config.json").read_text())

    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(path=st.lists(st.integers(0, 20), min_size=1, max_size=3), value=json_values)
    def check(path, value):
        doc = _mutate(config, path, value)
        # A config whose "only" still names experiments, but others (or all: null, []), is valid and
        # would run them for minutes: not a fuzz case.
        only = doc.get("only") if isinstance(doc, dict) else None
        names_other = isinstance(doc, dict) and (only is None or (isinstance(only, list)
                                                 and all(isinstance(x, str) for x in only)))
        assume(not names_other or only == config["only"])
        target = tmp_path_factory.mktemp("mut") / "copy"
        shutil.copytree(reproduce_run, target)
        (target / "config.json").write_text(json.dumps(doc))
        res = run(["reproduce", "--resume", str(target)])
        assert unexpected(res) == [], res.describe()

    check()
