"""Every option of every command, given values no command may accept: one clean ``error:`` line.

The commands and their options are read from the typer app (:func:`tests.fuzz.harness.commands`), so a
new group or option is fuzzed as soon as it exists. The values (see ``bad_values``): text for numbers,
NaN, infinities, 1e400, integers of 20 digits, missing/binary/non-UTF-8/empty input files, an ``--out``
below a regular file, and nonsense names.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz.harness import (BASE, bad_values, base_args, commands, problems, replace_param, run, unexpected,
                                write_bad_files, write_fixtures)

COMMANDS = commands()
#: Valid invocations that are refused on purpose (their base points at a file that is not theirs).
BASE_REFUSED = {"datasets fetch", "cbim evaluate", "diffusion verify-ledger"}
#: Cases that fail in files this suite's owner does not own, recorded in /work/notes/fuzz-failures.md.
#: Each is an xfail(strict=True): once fixed, the strict xfail fails and the entry must be removed.
KNOWN: dict[tuple[str, str, str], str] = {}


def _placeholder_files() -> dict[str, str]:
    # Collection-time stand-ins: the real paths come from the ``files`` fixture at run time.
    keys = ("network", "instance", "prior", "security", "correlated", "robust", "market", "edges", "file", "missing", "root",
            "binary", "latin1", "empty", "out")
    return {k: "{" + k + "}" for k in keys}


def _cases():
    ph = _placeholder_files()
    for cmd in COMMANDS:
        for p in cmd.params:
            for v in bad_values(cmd, p, ph):
                key = (cmd.id, p.name, v)
                marks = [pytest.mark.xfail(strict=True, reason=KNOWN[key])] if key in KNOWN else []
                yield pytest.param(cmd, p, v, id=f"{cmd.id}|{p.name}|{v.strip('{}')}", marks=marks)


def test_commands_are_enumerated_from_the_app():
    ids = {c.id for c in COMMANDS}
    # The groups of the GROUPS table are all reached (their modules import and list their commands).
    from fairbid.cli.main import GROUPS

    assert set(GROUPS) <= {c.path[0] for c in COMMANDS}
    assert {"auctions design", "diffusion audit", "reproduce"} <= ids
    assert sum(len(c.params) for c in COMMANDS) >= 100


@pytest.mark.parametrize("cmd", [c for c in COMMANDS if c.id in BASE and c.id not in BASE_REFUSED],
                         ids=lambda c: c.id)
def test_base_invocations_are_valid(cmd, files, tmp_path):
    """The fuzz cases change one option of these; they must succeed, or a refusal would prove nothing."""
    if cmd.id == "reproduce":
        pytest.skip("reproduce's base is checked by the run-directory fuzz (it builds one)")
    res = run([*cmd.path, *base_args(cmd, files), *(["--json"] if any(p.name == "--json" for p in cmd.params)
                                                     else [])], watch=[Path(files["root"])])
    assert res.rc == 0, res.describe()


@pytest.mark.parametrize("cmd, param, value", list(_cases()))
def test_bad_value_is_one_clean_error(cmd, param, value, files):
    value = value.format(**files)
    argv = [*cmd.path, *replace_param(base_args(cmd, files), param, value)]
    res = run(argv, watch=[Path(files["root"])])
    assert problems(res) == [], res.describe()


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

NUMERIC = [(c, p) for c in COMMANDS for p in c.params if p.kind in ("int", "float") and c.id in BASE
           and c.id not in BASE_REFUSED | {"reproduce", "cbim train", "cbim grid"}]
#: Text a user may type for a number: digits, signs, exponents, words, whitespace, unicode digits.
number_like = st.one_of(
    st.text(alphabet="0123456789.-+eE_ infa", max_size=12),
    st.sampled_from(["١٢", "½", "0x10", "1_000", " 1", "1,5", "True", "None", "-0", "1e-400", "4e-324"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(case=st.sampled_from(NUMERIC), text=number_like)
def test_random_number_text_never_crashes(case, text, files):
    """Random text for a numeric option: a clean refusal or (for a small valid number) a normal run.

    Commands that train or run experiments are left out here: a valid small number can still mean
    minutes of work for them (their options are covered by the fixed corpus above).
    """
    cmd, param = case
    res = run([*cmd.path, *replace_param(base_args(cmd, files), param, text)], watch=[Path(files["root"])])
    assert unexpected(res) == [], res.describe()
