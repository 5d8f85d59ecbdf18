"""Stackelberg security games: hand-solved games, three solvers agreeing, equilibrium conditions."""

from __future__ import annotations

import json
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.core.errors import FairbidError
from fairbid.games import (
    SecurityGame,
    origami,
    security_as_bimatrix,
    security_game_from_json,
    security_sse_lps,
    sse_multiple_lps,
)


def _hand_game() -> SecurityGame:
    # Two targets, one resource. Attacker: covered 0, uncovered 2 (t0) and 1 (t1). Defender: covered 0,
    # uncovered -3 (t0) and -1 (t1).
    return SecurityGame.make(1, [0, 0], [-3, -1], [0, 0], [2, 1])


def test_sse_two_target_game_by_hand() -> None:
    # By hand: both targets in the attack set at level x: c0 = (2 - x) / 2, c1 = 1 - x, c0 + c1 = 1
    # -> x = 2/3, c = (2/3, 1/3). Defender: t0 -> -3 * 1/3 = -1, t1 -> -1 * 2/3 = -2/3; the attacker
    # breaks the tie for the defender (SSE) and attacks t1. Defender -2/3, attacker 2/3.
    g = _hand_game()
    for res in (origami(g), security_sse_lps(g)):
        np.testing.assert_allclose(res.coverage, [2 / 3, 1 / 3], atol=1e-9)
        assert res.attacked == 1
        assert res.defender_utility == pytest.approx(-2 / 3, abs=1e-9)
        assert res.attacker_utility == pytest.approx(2 / 3, abs=1e-9)


def test_sse_bimatrix_textbook() -> None:
    # Conitzer & Sandholm (EC 2006), the standard commitment example: leader [[2,4],[1,3]], follower
    # [[1,0],[0,1]]. Row 0 is dominant (Nash payoff 2); committing to (1/2, 1/2) makes the follower
    # indifferent, she breaks the tie for the leader (column 1), leader gets 0.5*4 + 0.5*3 = 3.5.
    res = sse_multiple_lps([[2, 4], [1, 3]], [[1, 0], [0, 1]])
    np.testing.assert_allclose(res.coverage, [0.5, 0.5], atol=1e-9)
    assert res.attacked == 1
    assert res.defender_utility == pytest.approx(3.5)
    assert res.attacker_utility == pytest.approx(0.5)


def test_leftover_resources_cover_fully() -> None:
    # Three resources, two targets: full coverage is possible, attacker gets max covered utility.
    g = SecurityGame.make(3, [5, 1], [-3, -1], [-1, -4], [2, 1])
    for res in (origami(g), security_sse_lps(g)):
        assert res.attacker_utility == pytest.approx(-1)  # the best the attacker can do under full cover
        assert res.defender_utility == pytest.approx(5)


games = st.integers(2, 5).flatmap(lambda n: st.tuples(
    st.integers(1, n - 1),
    *(st.lists(st.floats(0.1, 10, allow_nan=False), min_size=n, max_size=n) for _ in range(4))))


@settings(max_examples=40, deadline=None)
@given(games)
def test_origami_equals_multiple_lps_and_pure_schedule_lp(spec) -> None:
    # Three independent routes to the SSE value: ORIGAMI (closed-form level), one LP per target on the
    # coverage form, and Conitzer-Sandholm multiple LPs on the explicit pure-schedule bimatrix game.
    m, dc, du, ac, au = spec
    g = SecurityGame.make(m, dc, [-x for x in du], [-x for x in ac], au)
    a, b = origami(g), security_sse_lps(g)
    L, F, S = security_as_bimatrix(g)
    c = sse_multiple_lps(L, F)
    assert a.defender_utility == pytest.approx(b.defender_utility, abs=1e-6)
    assert c.defender_utility == pytest.approx(b.defender_utility, abs=1e-6)
    # Equilibrium conditions of ORIGAMI's answer: feasible coverage, attacked target is a best response.
    assert a.coverage.sum() <= m + 1e-9 and a.coverage.min() >= 0 and a.coverage.max() <= 1
    assert g.attacker_utility(a.coverage)[a.attacked] >= g.attacker_utility(a.coverage).max() - 1e-9


def test_origami_large_instance_matches_lps() -> None:
    rng = np.random.default_rng(3)
    n = 60
    g = SecurityGame.make(12, rng.uniform(0, 10, n), -rng.uniform(0, 10, n), -rng.uniform(0, 10, n),
                          rng.uniform(0, 10, n))
    assert origami(g).defender_utility == pytest.approx(security_sse_lps(g).defender_utility, abs=1e-7)


@pytest.mark.parametrize("data, msg", [
    ([], "instance"),
    ({"resources": 1}, "targets"),
    ({"resources": -1, "targets": [{}]}, "resources"),
    ({"resources": 1, "targets": [{"def_covered": 1, "def_uncovered": 0, "att_covered": 0}]}, "att_uncovered"),
    ({"resources": 1, "targets": [{"def_covered": 0, "def_uncovered": 1, "att_covered": 0,
                                   "att_uncovered": 1}]}, "def_covered must be"),
    ({"resources": 1, "targets": [{"def_covered": "a", "def_uncovered": 0, "att_covered": 0,
                                   "att_uncovered": 1}]}, "def_covered"),
])
def test_bad_instances(data, msg) -> None:
    with pytest.raises(FairbidError, match=msg):
        security_game_from_json(data)


def test_cli_security_json_and_bad_input(tmp_path, capsys) -> None:
    from fairbid.cli.main import main

    inst = {"resources": 1, "targets": [
        {"def_covered": 0, "def_uncovered": -3, "att_covered": 0, "att_uncovered": 2},
        {"def_covered": 0, "def_uncovered": -1, "att_covered": 0, "att_uncovered": 1}]}
    f = tmp_path / "g.json"
    f.write_text(json.dumps(inst))
    assert main(["games", "security", "--instance", str(f), "--json", "--out", str(tmp_path / "run")]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    res = json.loads(lines[0])
    # The hand-solved game of test_sse_two_target_game_by_hand.
    assert res["attacked"] == 1 and res["defender_utility"] == pytest.approx(-2 / 3)
    assert res["coverage"] == pytest.approx([2 / 3, 1 / 3])
    assert (tmp_path / "run" / "figures" / "coverage.png").exists()
    assert main(["games", "security", "--instance", str(f), "--solver", "lps", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["defender_utility"] == pytest.approx(-2 / 3)
    for doc in ('{"resources": 1, "targets": [{"def_covered": NaN}]}', '{"resources": 1e999, "targets": []}',
                '[1, 2', '{"resources": 1, "targets": [[1, 2]]}'):
        bad = tmp_path / "bad.json"
        bad.write_text(doc)
        assert main(["games", "security", "--instance", str(bad), "--json"]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        err = captured.err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error:")
