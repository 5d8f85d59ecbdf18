import json
import os

import numpy as np
import pytest

from fairbid.core import rundir as rdmod
from fairbid.core.errors import FairbidError
from fairbid.core.rundir import RunDir, atomic_write_text, run_name, to_jsonable


def test_create_writes_config_and_versions(tmp_path):
    rd = RunDir.create(tmp_path, "exp", seed=3, config={"a": np.int64(2), "b": np.array([1.5])})
    assert rd.path.parent == tmp_path and rd.path.name.startswith("exp-seed3-")
    assert rd.read_json("config.json") == {"a": 2, "b": [1.5]}
    versions = rd.read_json("versions.json")
    assert versions["fairbid"] and versions["numpy"] == np.__version__


def test_table_round_trip_and_figure(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rd = RunDir(tmp_path / "r")
    rd.write_table("t", {"x": np.arange(3), "name": ["a", "b", "c"]})
    assert rd.read_table("t") == {"x": [0, 1, 2], "name": ["a", "b", "c"]}
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    path = rd.save_figure("f", fig)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_atomic_write_leaves_old_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "x.txt"
    atomic_write_text(target, "old")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(rdmod.os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]  # no temporary left behind


def test_to_jsonable_handles_nan_and_numpy():
    assert json.dumps(to_jsonable({"a": np.float64("nan"), "b": np.bool_(True), "c": (1, 2)})) == \
        '{"a": null, "b": true, "c": [1, 2]}'


def test_run_name_and_bad_out(tmp_path):
    import datetime as dt

    assert run_name("e", 1, dt.datetime(2026, 1, 2, 3, 4, 5)) == "e-seed1-20260102-030405"
    f = tmp_path / "file"
    f.write_text("")
    with pytest.raises(FairbidError, match="--out: exists and is not a directory"):
        RunDir(f)
    assert os.path.isfile(f)


def test_atomic_files_get_default_permissions(tmp_path):
    mask = os.umask(0)
    os.umask(mask)
    path = atomic_write_text(tmp_path / "r.html", "x")
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask
