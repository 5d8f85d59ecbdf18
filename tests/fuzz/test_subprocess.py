"""A few cases through a real process: the exit code the shell sees and no traceback on stderr."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CASES = {
    "infinite-reserve": ["auctions", "analyze", "--mechanism", "sp", "--bidders", "3", "--reserve", "inf"],
    "huge-count": ["auctions", "simulate", "--clicks", "1000000000000"],
    "binary-network": ["diffusion", "run", "--mechanism", "idm", "--network", "{binary}"],
    "out-below-a-file": ["auctions", "design", "--algorithm", "1", "--bidders", "3", "--out", "{file}/run"],
    "resume-missing": ["reproduce", "--resume", "{missing}"],
}


@pytest.mark.parametrize("name", list(CASES))
def test_real_process_exit_2_one_line(name, tmp_path):
    (tmp_path / "binary.json").write_bytes(bytes(range(256)))
    (tmp_path / "file").write_text("x")
    paths = {"binary": tmp_path / "binary.json", "file": tmp_path / "file", "missing": tmp_path / "missing"}
    argv = [a.format(**paths) for a in CASES[name]]
    before = sorted(tmp_path.rglob("*"))
    proc = subprocess.run([sys.executable, "-m", "fairbid.cli.main", *argv], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path, env={**__import__("os").environ, "FAIRBID_DEBUG": ""})
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 2, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert sorted(tmp_path.rglob("*")) == before


def test_real_process_debug_flag_shows_traceback(tmp_path):
    """--debug turns the one-line error back into the traceback (exit code 1 from Python itself)."""
    proc = subprocess.run([sys.executable, "-m", "fairbid.cli.main", "--debug", "diffusion", "run", "--mechanism",
                           "idm", "--network", str(tmp_path / "missing.json")], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" in proc.stderr and "FairbidError" in proc.stderr
