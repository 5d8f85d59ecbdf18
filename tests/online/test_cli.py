"""``fairbid online`` through ``fairbid.cli.main.main`` (JSON contract, errors exit 2 with one line)."""

from __future__ import annotations

import json

import pytest

from fairbid.cli.main import main


def _json(capsys):
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def test_prophet_contract(capsys, tmp_path):
    assert main(["online", "prophet", "--k", "1", "--n", "1", "--values", "uniform:0:1", "--json"]) == 0
    res = _json(capsys)
    # Median rule: price 1/2, policy value 3/8, prophet 1/2, ratio 3/4, guarantee 1/2.
    assert {"price", "policy_value", "prophet_value", "ratio", "guarantee"} <= set(res)
    assert res["price"] == pytest.approx(0.5) and res["policy_value"] == pytest.approx(0.375)
    assert res["ratio"] == pytest.approx(0.75) and res["guarantee"] == pytest.approx(0.5)
    f = tmp_path / "v.json"
    f.write_text(json.dumps({"values": ["uniform:0:1", "uniform:0:1"]}))
    assert main(["online", "prophet", "--k", "2", "--values-file", str(f), "--json"]) == 0
    res = _json(capsys)
    # k = n = 2, U[0,1]: q = P(X >= p); mu = E[B]/2 = q, delta = P(B < 2) = 1 - q^2, so q = (sqrt5 - 1)/2;
    # both units can always be sold, value 2 q E[X | X >= p] = q (1 + p); prophet E[X1 + X2] = 1.
    q = (5 ** 0.5 - 1) / 2
    assert res["price"] == pytest.approx(1 - q) and res["prophet_value"] == pytest.approx(1.0)
    assert res["ratio"] == pytest.approx(q * (2 - q))


def test_reusable_contract(capsys):
    assert main(["online", "reusable", "--resources", "4", "--requests", "200", "--reps", "5", "--json"]) == 0
    res = _json(capsys)
    for p in ("greedy", "balance", "rank"):
        assert 0 < res[p]["ratio"] <= 1.05


@pytest.mark.parametrize("argv", [
    ["online", "prophet", "--k", "0", "--n", "3", "--values", "uniform:0:1"],
    ["online", "prophet", "--k", "1", "--n", "0", "--values", "uniform:0:1"],
    ["online", "prophet", "--k", "1", "--n", "3", "--values", "norm:0:1"],
    ["online", "prophet", "--k", "1"],
    ["online", "reusable", "--durations", "fixed:-1"],
    ["online", "reusable", "--requests", "0"],
    ["online", "reusable", "--durations", "uniform:-1:1"],
    ["online", "dynamic", "--d", "50"],
    ["online", "dynamic", "--m", "nan"],
    ["online", "dynamic", "--horizon", "-5"],
    ["online", "inspections", "--alpha", "x"],
    ["online", "inspections", "--alpha", "-1"],
    ["online", "inspections", "--n", "0"],
    ["online", "fairness", "--offline", "0"],
    ["online", "fairness", "--density", "0"],
])
def test_bad_input_exit_2(argv, capsys):
    assert main([*argv, "--json"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:")


def test_empty_values_file(tmp_path, capsys):
    f = tmp_path / "v.json"
    f.write_text(json.dumps({"values": []}))
    assert main(["online", "prophet", "--k", "1", "--values-file", str(f), "--json"]) == 2
    assert capsys.readouterr().err.strip().startswith("error:")


def test_dynamic_contract(capsys):
    assert main(["online", "dynamic", "--m", "3", "--d", "3", "--horizon", "0", "--json"]) == 0
    res = _json(capsys)
    # Same p = 1 birth-death closed form as tests/online/test_dynamic.py, m = 3.
    import numpy as np

    ks = np.arange(200)
    w = np.concatenate([[1.0], np.cumprod(3 / (3 + ks[1:]))])
    pi = np.concatenate([w[:0:-1], w])
    pi /= pi.sum()
    assert res["greedy"]["unmatched_fraction"] == pytest.approx(
        float(pi @ np.abs(np.concatenate([-ks[:0:-1], ks]))) / 6, rel=1e-8)
    assert res["patient"]["unmatched_fraction"] < res["greedy"]["unmatched_fraction"]


def test_inspections_contract(capsys):
    assert main(["online", "inspections", "--n", "1000", "--alpha", "1,2", "--degree", "10", "--reps", "1",
                 "--json"]) == 0
    res = _json(capsys)
    # Dense markets (degree 10) deadlock at alpha = 1 and 2 (Immorlica-Kanoria-Lu; cf. test_deadlock_regimes).
    assert res["alpha"] == [1.0, 2.0] and min(res["stuck_women"]) > 0.3 and res["threshold"] is None


def test_fairness_contract(capsys):
    assert main(["online", "fairness", "--offline", "5", "--types", "3", "--reps", "500", "--json"]) == 0
    res = _json(capsys)
    assert 0 < res["lambda_lp"] <= 1
    # Non-boosted sampling keeps at least (1 - 1/e) lambda* in expectation (LP-sampling bound), MC slack 0.05.
    assert res["sampling"]["ratio"] >= 1 - 1 / 2.718281828459045 - 0.05
