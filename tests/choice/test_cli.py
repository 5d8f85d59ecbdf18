"""``fairbid choice fund`` through ``fairbid.cli.main.main`` (JSON contract, errors exit 2 with one line)."""

from __future__ import annotations

import json

import pytest

from fairbid.cli.main import main

HAND = {"budgets": {"x": 1, "y": 2, "z": 1}, "approvals": {"x": ["a"], "y": ["b"], "z": ["a", "b"]}}


def _write(tmp_path, doc, name="inst.json"):
    p = tmp_path / name
    p.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return str(p)


def test_fund_contract(tmp_path, capsys):
    assert main(["choice", "fund", "--instance", _write(tmp_path, HAND), "--rule", "nash", "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    res = json.loads(lines[0])
    # Hand solution of tests/choice/test_funding.py::test_npr_by_hand.
    assert res["distribution"]["a"] == pytest.approx(4 / 3, rel=1e-5)
    assert res["utilities"]["z"] == pytest.approx(4.0)
    assert main(["choice", "fund", "--instance", _write(tmp_path, HAND), "--rule", "utilitarian", "--json",
                 "--audit", "--out", str(tmp_path / "run")]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["distribution"] == {"a": 1.5, "b": 2.5}
    assert res["participation"]["max_net_gain"] == pytest.approx(0.0, abs=1e-12)
    assert (tmp_path / "run" / "results" / "distribution.parquet").exists()
    assert (tmp_path / "run" / "figures" / "distribution.png").exists()


@pytest.mark.parametrize("doc,text", [
    ('{"budgets": {"x": NaN}, "approvals": {"x": ["a"]}}', "NaN"),
    ('{"budgets": {"x": 1}, "approvals": {"x": ["a"]', "not valid JSON"),
    ('{"budgets": {"x": 1e999}, "approvals": {"x": ["a"]}}', "finite"),
    ('{"budgets": {"x": 1}, "approvals": {"x": [["a"]]}}', "approvals.x[0]"),
    ('{"budgets": {"x": 1, "y": 1}, "approvals": {"x": ["a"], "y": "b"}}', "approvals.y"),
    (b"\xff\xfe\x00bin", "binary"),
])
def test_bad_instances_exit_2(tmp_path, capsys, doc, text):
    p = tmp_path / "bad.json"
    p.write_bytes(doc if isinstance(doc, bytes) else doc.encode())
    assert main(["choice", "fund", "--instance", str(p), "--json"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and text in err[0]


def test_bad_rule_exit_2(tmp_path, capsys):
    assert main(["choice", "fund", "--instance", _write(tmp_path, HAND), "--rule", "borda"]) == 2
    assert "--rule" in capsys.readouterr().err
