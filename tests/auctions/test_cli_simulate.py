"""``fairbid auctions simulate``: JSON contract, run directory, one-line errors."""

import json

import numpy as np
import pytest

from fairbid.auctions.platform import PlatformConfig, resolve_mechanism, simulate_platform
from fairbid.cli.main import main
from fairbid.core.rundir import read_parquet

ARGS = ["auctions", "simulate", "--advertisers", "12", "--per-click", "4", "--clicks", "3000",
        "--theta", "0.05", "--window", "100", "--seed", "3"]


def test_simulate_json_contract(capsys):
    rc = main(ARGS + ["--mechanism", "sp,psp-alg1", "--json"])
    out, err = capsys.readouterr()
    assert rc == 0
    result = json.loads(out)  # stdout holds exactly one JSON object
    assert set(result["mechanisms"]) == {"sp", "psp-alg1"}
    # The numbers are the library's for the same seed and settings.
    cfg = PlatformConfig(advertisers=12, per_click=4, clicks=3000, theta=0.05, window=100)
    for label in ("sp", "psp-alg1"):
        lib = simulate_platform(resolve_mechanism(label, "uniform:0:1", 4, 0.0, 0.05), cfg, seed=3)
        got = result["mechanisms"][label]
        assert got["final_remaining"] == lib.final_remaining
        assert got["total_profit"] == pytest.approx(lib.total_profit, rel=1e-12)
    assert result["value_draw"] == "fixed" and result["window_unit"] == "participations"
    assert result["values"] == "uniform:0:1"


def test_simulate_writes_series_parquet(tmp_path, capsys):
    out_dir = tmp_path / "run"
    rc = main(ARGS + ["--mechanism", "sp,psp:0.4:0.0:0.2", "--value-draw", "per-click", "--shortage", "shrink",
                      "--window-unit", "clicks", "--out", str(out_dir), "--json"])
    result = json.loads(capsys.readouterr().out)
    assert rc == 0 and result["run_dir"] == str(out_dir)
    series = read_parquet(out_dir / "results" / "series.parquet")
    assert len(series["click"]) == 2 * 3000
    for label in ("sp", "psp:0.4:0.0:0.2"):
        rows = np.array(series["mechanism"]) == label
        profit = np.array(series["profit"])[rows]
        assert profit[-1] == pytest.approx(result["mechanisms"][label]["total_profit"])
        np.testing.assert_allclose(profit, np.cumsum(np.array(series["payment"])[rows]))
    assert (out_dir / "config.json").exists() and (out_dir / "results" / "advertisers.parquet").exists()


@pytest.mark.parametrize(
    ("extra", "what"),
    [
        (["--theta", "1.5"], "theta"),
        (["--per-click", "20"], "per_click"),
        (["--mechanism", "nosuch"], "--mechanism"),
        (["--value-draw", "sometimes"], "values"),
        (["--values", "nosuch:1"], "--values"),
        # Algorithm 2 has no solution at N = 10, θ = 0.1% (no r1 <= r̄ recovers SP(0)'s profit).
        (["--mechanism", "psp-alg2", "--per-click", "10", "--theta", "0.001"], "theta"),
    ],
)
def test_simulate_bad_input_one_line_error(extra, what, capsys):
    rc = main(ARGS + extra + ["--json"])
    captured = capsys.readouterr()
    assert rc == 2 and captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {what}: ")


def test_out_directory_holds_config_versions_parquet_png_report(tmp_path, capsys):
    from fairbid.cli.main import main

    out = tmp_path / "run"
    code = main(["auctions", "simulate", "--mechanism", "sp", "--clicks", "2000", "--window", "100",
                 "--advertisers", "12", "--per-click", "3", "--out", str(out), "--json"])
    assert code == 0
    names = {p.relative_to(out).as_posix() for p in out.rglob("*")}
    assert {"config.json", "versions.json", "report.html", "summary.json", "results/series.parquet",
            "figures/platform.png"} <= names
