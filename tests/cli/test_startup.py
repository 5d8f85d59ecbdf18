"""Start-up stays light: ``fairbid --help`` and every group's ``--help`` import no heavy library.

Timing lives in benchmarks/startup_bench.py; here we assert the cause of slow start-up cannot come back.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from fairbid.cli.main import GROUPS

HEAVY = ("numpy", "scipy", "numba", "torch", "ray", "pyarrow", "matplotlib", "cvxpy", "networkx")
PROBE = (
    "import sys\n"
    "from fairbid.cli.main import main\n"
    "try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
    "print('HEAVY=' + ','.join(m for m in {heavy!r} if m in sys.modules))\n"
)


def _heavy_after(argv: list[str]) -> list[str]:
    code = PROBE.format(argv=argv, heavy=HEAVY)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    last = out.stdout.strip().splitlines()[-1]
    assert last.startswith("HEAVY="), out.stdout[-500:]
    return [m for m in last.removeprefix("HEAVY=").split(",") if m]


def test_top_level_help_imports_nothing_heavy() -> None:
    assert _heavy_after(["--help"]) == []


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_group_help_imports_nothing_heavy(group: str) -> None:
    assert _heavy_after([group, "--help"]) == []


def test_flags_have_no_bool_metavar(capsys: pytest.CaptureFixture[str]) -> None:
    from fairbid.cli.main import main

    main(["diffusion", "run", "--help"])
    out = capsys.readouterr().out
    assert "--json" in out and "<bool>" not in out


def test_no_command_shows_a_bool_metavar(capsys: pytest.CaptureFixture[str]) -> None:
    """Every command of every group (read from the app), not just one: flags take no value."""
    from fairbid.cli.main import main
    from tests.fuzz.harness import commands

    cmds = commands()
    assert len(cmds) >= 20
    for cmd in cmds:
        main([*cmd.path, "--help"])
        out = capsys.readouterr().out
        assert "Usage" in out and "<bool>" not in out, cmd.id
