"""``fairbid elicitation audit`` through ``fairbid.cli.main.main`` (JSON contract, errors exit 2 with one line)."""

from __future__ import annotations

import json

import pytest

from fairbid.cli.main import main


def test_audit_contract(tmp_path, capsys):
    p = tmp_path / "prior.json"
    p.write_text(json.dumps({"joint": [[0.4, 0.1], [0.1, 0.4]]}))
    assert main(["elicitation", "audit", "--prior", str(p), "--mode", "collective", "--json",
                 "--out", str(tmp_path / "run")]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    res = json.loads(lines[0])["mechanisms"]
    # By hand (tests/elicitation/test_elicitation.py::test_payments_by_hand): OA 0.8, PTS 0.6, DMI 0.09.
    assert res["oa"]["truthful"] == pytest.approx(0.8) and res["oa"]["best_deviation_payment"] == pytest.approx(1.0)
    assert res["pts"]["truthful"] == pytest.approx(0.6) and not res["pts"]["truthful_best"]
    assert res["dmi"]["truthful"] == pytest.approx(0.09) and res["dmi"]["truthful_best"]
    assert (tmp_path / "run" / "results" / "payments.parquet").exists()


def test_random_prior_is_seeded(capsys):
    outs = []
    for _ in range(2):
        assert main(["elicitation", "audit", "--signals", "3", "--seed", "4", "--json"]) == 0
        outs.append(json.loads(capsys.readouterr().out)["prior"])
    assert outs[0] == outs[1]


@pytest.mark.parametrize("doc,args,text", [
    ('{"joint": [[0.4, 0.1], [0.1]]}', [], "joint[1]"),
    ('{"joint": [[0.4, 0.2], [0.0, 0.4]]}', [], "symmetric"),
    ('{"joint": [[0.4, 0.1], [0.1, NaN]]}', [], "NaN"),
    ('{"jont": 1}', [], "joint"),
    ('{"joint": [[0.4, 0.1], [0.1, 0.4]]}', ["--mechanism", "bts"], "--mechanism"),
    ('{"joint": [[0.4, 0.1], [0.1, 0.4]]}', ["--tasks", "5"], "--tasks"),
    ('{"joint": [[0.4, 0.1], [0.1, 0.4]]}', ["--signals", "3"], "exactly one"),
])
def test_bad_inputs_exit_2(tmp_path, capsys, doc, args, text):
    p = tmp_path / "prior.json"
    p.write_text(doc)
    assert main(["elicitation", "audit", "--prior", str(p), *args, "--json"]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert captured.out == "" and len(err) == 1 and err[0].startswith("error: ") and text in err[0]
