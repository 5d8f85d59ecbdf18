"""``fairbid diffusion`` through ``fairbid.cli.main.main`` (JSON contract, errors)."""

from __future__ import annotations

import json

import pytest

from fairbid.cli.main import main

from .conftest import EXAMPLE

RUN_KEYS = {"winner", "win_probability", "payments", "utilities", "revenue"}
AUDIT_KEYS = {"max_gain", "buyer", "deviation", "individually_rational", "revenue", "vickrey_neighbours_revenue"}


def _json(capsys):
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    return json.loads(out[0])


@pytest.mark.parametrize("mechanism", ["vickrey-neighbours", "sp-all", "vcg", "idm", "sra-crm", "sra"])
def test_run_contract(capsys, mechanism):
    assert main(["diffusion", "run", "--mechanism", mechanism, "--network", str(EXAMPLE), "--json"]) == 0
    res = _json(capsys)
    assert RUN_KEYS <= set(res)
    assert set(res["payments"]) == set("abcdefg")
    assert res["revenue"] == pytest.approx(sum(res["payments"].values()))
    if mechanism == "sra-crm":
        assert res["winner"] is None and res["trees"] == "uniform"
    else:
        assert res["win_probability"][res["winner"]] == 1.0
    if mechanism == "idm":  # hand computation in test_mechanisms.test_example_by_hand
        assert res["winner"] == "g" and res["revenue"] == pytest.approx(0.5)


def test_run_sampled_random_parent(capsys):
    assert main(["diffusion", "run", "--mechanism", "sra-crm", "--network", str(EXAMPLE), "--trees",
                 "random-parent", "--samples", "200", "--json"]) == 0
    res = _json(capsys)
    assert res["trees"] == "random-parent" and res["exact"] is False and res["n_trees"] == 200
    assert sum(res["win_probability"].values()) == pytest.approx(1.0)


def test_audit_contract(capsys):
    assert main(["diffusion", "audit", "--mechanism", "sp-all", "--network", str(EXAMPLE), "--json"]) == 0
    res = _json(capsys)
    assert AUDIT_KEYS <= set(res)
    assert res["buyer"] == "d" and res["max_gain"] == pytest.approx(0.1)
    assert res["vickrey_neighbours_revenue"] == pytest.approx(0.3)


def test_protocol_prints_log_and_verified_ledger(capsys):
    assert main(["diffusion", "protocol", "--network", str(EXAMPLE), "--trace"]) == 0
    out = capsys.readouterr().out
    assert "message log:" in out and "s -> a: invite" in out
    assert "ledger check: verified" in out


def test_protocol_json(capsys):
    assert main(["diffusion", "protocol", "--network", str(EXAMPLE), "--json", "--trace"]) == 0
    res = _json(capsys)
    assert res["ledger_verified"] is True and res["ledger"][0]["seller"] == "s"
    assert len(res["log"]) == res["messages"]


@pytest.mark.parametrize("args, fragment", [
    (["--mechanism", "foo", "--network", str(EXAMPLE)], "--mechanism: unknown name"),
    (["--mechanism", "idm", "--network", "/nonexistent.json"], "--network: file not found"),
    (["--mechanism", "sra-crm", "--network", str(EXAMPLE), "--trees", "bfs"], "--trees: unknown name"),
])
def test_errors_are_one_line_exit_2(capsys, args, fragment):
    assert main(["diffusion", "run", *args, "--json"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and fragment in err[0]


def test_bad_network_file(capsys, tmp_path):
    p = tmp_path / "n.json"
    p.write_text(json.dumps({"seller": "s", "edges": [["s", "a"]], "values": {"a": -1}}))
    assert main(["diffusion", "run", "--mechanism", "idm", "--network", str(p)]) == 2
    assert "values.a: must be >= 0" in capsys.readouterr().err


def test_audit_finding_file(capsys):
    finding = EXAMPLE.parent / "sra_finding.json"
    assert main(["diffusion", "audit", "--mechanism", "sra-crm", "--trees", "random-parent", "--network",
                 str(finding), "--json"]) == 0
    res = _json(capsys)
    # hand computation in tests/diffusion/test_audit.py (FINDING): z gains .4 - .2 = .2
    assert res["buyer"] == "z" and res["max_gain"] == pytest.approx(0.2) and res["profitable"]
