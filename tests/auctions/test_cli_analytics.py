"""``fairbid auctions design`` and ``fairbid auctions analyze``: the JSON contract and error lines."""

import json

import pytest

from fairbid.cli.main import main

DESIGN_KEYS = [
    "r1", "r2", "lambda", "revenue", "baseline_revenue", "profit_change_pct",
    "share_above_theta", "baseline_share_above_theta",
]
ANALYZE_KEYS = ["xi1", "xi2", "revenue", "optimal_reserve", "classification", "winning_rate", "payoff"]


def run_json(capsys, *args):
    code = main(list(args) + ["--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 1  # exactly one JSON object on stdout
    return json.loads(lines[0])


def test_design_algorithm1_contract(capsys):
    res = run_json(capsys, "auctions", "design", "--algorithm", "1", "--bidders", "5",
                   "--values", "uniform:0:1", "--reserve", "0.1", "--theta", "0.001")
    assert list(res) == DESIGN_KEYS
    # Seed §V-A: r2 = r = 0.1, λ = Nθ, r1 = θ^{1/(N−1)}; shares 90 % vs 1 − θ^{1/4}.
    assert res["r1"] == pytest.approx(0.001**0.25, abs=1e-12)
    assert (res["r2"], res["lambda"]) == (0.1, 0.005)
    assert res["share_above_theta"] == pytest.approx(0.9)
    assert res["baseline_share_above_theta"] == pytest.approx(1 - 0.001**0.25)
    base = 4 / 6 + 0.1**5 - 10 / 6 * 0.1**6  # Krishna §2.5 for U[0,1], N = 5
    assert res["baseline_revenue"] == pytest.approx(base, abs=1e-12)
    assert res["profit_change_pct"] == pytest.approx(100 * (res["revenue"] / base - 1), abs=1e-9)


def test_design_algorithm2_non_uniform_keeps_profit(capsys, tmp_path):
    res = run_json(capsys, "auctions", "design", "--algorithm", "2", "--bidders", "4",
                   "--values", "beta:2:5", "--reserve", "0", "--theta", "0.0005", "--out", str(tmp_path / "run"))
    assert res["revenue"] == pytest.approx(res["baseline_revenue"], rel=1e-9)
    assert abs(res["profit_change_pct"]) < 1e-6
    saved = json.loads((tmp_path / "run" / "design.json").read_text())
    assert saved["r1"] == res["r1"] and saved["algorithm"] == 2
    assert (tmp_path / "run" / "results" / "winning_rate.parquet").is_file()
    assert json.loads((tmp_path / "run" / "config.json").read_text())["theta"] == 0.0005


def test_analyze_psp_contract(capsys):
    res = run_json(capsys, "auctions", "analyze", "--mechanism", "psp", "--bidders", "5",
                   "--values", "uniform:0:1", "--r1", "0.2", "--r2", "0.1", "--lam", "0.02", "--points", "5")
    assert list(res) == ANALYZE_KEYS
    # recovered-definitions.md (004): ξ1 ≈ 0.6687, ξ2 ≈ 0.2515; Myerson r̄ = 1/2 for U[0,1].
    assert res["xi1"] == pytest.approx(0.2**0.25) and res["xi2"] == pytest.approx(0.004**0.25)
    assert res["optimal_reserve"] == pytest.approx(0.5)
    assert res["classification"] == "sme-friendly"  # seed Fig. 1
    # Eq. 15: λ r2(1 − r2) + (1 − λ) R^II(r1).
    want = 0.02 * 0.09 + 0.98 * (4 / 6 + 0.2**5 - 10 / 6 * 0.2**6)
    assert res["revenue"] == pytest.approx(want, abs=1e-12)
    xs = [0.0, 0.25, 0.5, 0.75, 1.0]
    assert [pt[0] for pt in res["winning_rate"]] == xs
    # Eq. 13 and Eq. 14 (interim EP reading) at x = 0.5.
    assert res["winning_rate"][2][1] == pytest.approx(0.02 / 5 + 0.98 * 0.5**4)
    assert res["payoff"][2][1] == pytest.approx(0.02 * 0.4 / 5 + 0.98 * (0.5**5 - 0.2**5) / 5)


def test_analyze_simple_mechanism_has_null_xi2_and_class(capsys):
    res = run_json(capsys, "auctions", "analyze", "--mechanism", "sp", "--bidders", "3",
                   "--values", "expon:1", "--reserve", "0")
    assert res["xi2"] is None and res["classification"] is None
    assert res["revenue"] == pytest.approx(1 / 3 + 1 / 2)  # second highest of 3 Exp(1): 1/3 + 1/2
    assert res["optimal_reserve"] == pytest.approx(1.0)  # r − 1 = 0 (Myerson, constant hazard)
    assert len(res["winning_rate"]) == 101


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["analyze", "--mechanism", "sp", "--bidders", "1"], "error: --bidders: must be at least 2 (got 1)"),
        (["analyze", "--mechanism", "psp", "--bidders", "3", "--r1", "0.2", "--r2", "0.1", "--lam", "1.5"],
         "error: lambda: must be <= 1.0 (got 1.5)"),
        (["analyze", "--mechanism", "psp", "--bidders", "3", "--r1", "0.2", "--r2", "0.3", "--lam", "0.1"],
         "error: r2: must not exceed r1 = 0.2 (got 0.3)"),
        (["analyze", "--mechanism", "sp", "--bidders", "3", "--values", "nosuch:1"],
         "error: --values: unknown distribution name (got 'nosuch:1')"),
        (["analyze", "--mechanism", "sp", "--bidders", "3", "--reserve", "-0.5"],
         "error: reserve: must be >= 0.0 (got -0.5)"),
        (["analyze", "--mechanism", "vcg", "--bidders", "3"], "error: --mechanism: unknown name"),
        (["design", "--algorithm", "3", "--bidders", "5"], "error: --algorithm: unknown name"),
        (["design", "--algorithm", "1", "--bidders", "5", "--theta", "0.5"], "error: theta: must be <= 0.2"),
        (["design", "--algorithm", "2", "--bidders", "5", "--values", "beta:2:5", "--theta", "0.01"],
         "error: theta: too large for Algorithm 2"),
    ],
)
def test_bad_input_one_line_exit_2(capsys, args, message):
    code = main(["auctions", *args, "--json"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.startswith(message) and err.count("\n") == 1
