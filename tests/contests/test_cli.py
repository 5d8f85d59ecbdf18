"""``fairbid contests`` through ``fairbid.cli.main.main`` (JSON contract, errors exit 2 with one line)."""

from __future__ import annotations

import json

import pytest

from fairbid.cli.main import main


def _json(capsys):
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def test_allpay_contract(capsys, tmp_path):
    assert main(["contests", "allpay", "--values", "1,0.5", "--prizes", "1", "--json"]) == 0
    res = _json(capsys)
    # BKV 1996: efforts v2/2 and v2^2/(2 v1).
    assert res["expected_effort"] == pytest.approx([0.25, 0.125])
    assert res["total_effort"] == pytest.approx(0.375) and res["designer_objective"] == pytest.approx(0.375)
    assert main(["contests", "allpay", "--model", "iid", "--players", "4", "--prizes", "1", "--json",
                 "--out", str(tmp_path / "r")]) == 0
    assert _json(capsys)["total_effort"] == pytest.approx(3 / 5, rel=1e-6)  # (n-1)/(n+1), Krishna
    assert (tmp_path / "r" / "figures" / "efforts.png").exists()


def test_design_contract(capsys):
    assert main(["contests", "design", "--players", "4", "--objective", "total", "--json"]) == 0
    res = _json(capsys)
    assert res["prizes"] == [1.0, 0.0, 0.0, 0.0] and res["designer_objective"] == pytest.approx(0.6, rel=1e-6)


@pytest.mark.parametrize("args,text", [
    (["allpay", "--values", "1,x", "--prizes", "1"], "--values"),
    (["allpay", "--values", "1,nan", "--prizes", "1"], "--values"),
    (["allpay", "--values", "1,0.5", "--prizes", "1,2"], "non-increasing"),
    (["allpay", "--prizes", "1"], "--values"),
    (["allpay", "--model", "iid", "--prizes", "1"], "--players"),
    (["allpay", "--model", "iid", "--players", "3", "--prizes", "1", "--distribution", "nosuch:1"], "--distribution"),
    (["allpay", "--values", "1,0.5", "--prizes", "1", "--objective", "binary"], "--threshold"),
    (["allpay", "--values", "1,0.5", "--prizes", "1", "--objective", "binary", "--threshold", "-1"], "--threshold"),
    (["allpay", "--values", "1,0.5", "--prizes", "1", "--objective", "binary", "--threshold", "inf"], "finite"),
    (["allpay", "--values", "1,0.5", "--prizes", "1", "--objective", "linear", "--lower", "inf", "--upper", "inf"],
     "--lower"),
    (["allpay", "--values", "1,0.5", "--prizes", "1", "--distribution", "zz"], "only used with --model iid"),
    (["allpay", "--values", "1,0.5", "--prizes", "1", "--players", "3"], "only used with --model iid"),
    (["allpay", "--model", "iid", "--players", "3", "--values", "1,2,3", "--prizes", "1"], "--values"),
    (["allpay", "--values", "1,0.5", "--prizes", "1", "--threshold", "0.3"], "not used by the total"),
    (["allpay", "--values", "1,0.5", "--prizes", "1", "--objective", "binary", "--threshold", "0.1",
      "--lower", "0"], "--lower"),
    (["design", "--players", "100000"], "--players"),
    (["design", "--players", "3", "--budget", "0"], "--budget"),
    (["design", "--players", "101", "--objective", "linear", "--lower", "0.1", "--upper", "0.2"], "at most 100"),
])
def test_bad_inputs_exit_2(capsys, args, text):
    assert main(["contests", *args, "--json"]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert captured.out == "" and len(err) == 1 and err[0].startswith("error: ") and text in err[0]
