"""Every command given --out leaves a run directory: config, versions, Parquet, PNG, summary, report."""

import json
from pathlib import Path

import pytest

from fairbid.cli.main import main

EXAMPLE = str(Path(__file__).resolve().parents[2] / "src/fairbid/diffusion/data/example.json")
GRAPH = "synthetic:powerlaw:300:1500:1"

COMMANDS = {
    "influence-spread": ["influence", "spread", "--graph", GRAPH, "--seeds", "1,2;7", "--model", "clt",
                         "--sims", "50"],
    "influence-select": ["influence", "select", "--graph", GRAPH, "--k", "3", "--method", "degree-discount",
                         "--sims", "50"],
    "diffusion-run": ["diffusion", "run", "--mechanism", "idm", "--network", EXAMPLE],
    "diffusion-audit": ["diffusion", "audit", "--mechanism", "sp-all", "--network", EXAMPLE],
    "diffusion-protocol": ["diffusion", "protocol", "--network", EXAMPLE],
    "auctions-analyze": ["auctions", "analyze", "--mechanism", "sp", "--bidders", "3", "--values", "uniform:0:1"],
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_out_writes_a_complete_run_directory(name, tmp_path, capsys):
    out = tmp_path / name
    assert main([*COMMANDS[name], "--seed", "3", "--out", str(out), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)  # stdout is exactly one JSON object
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert {"config.json", "versions.json", "summary.json", "report.html"} <= files
    assert any(f.startswith("results/") and f.endswith(".parquet") for f in files)
    assert any(f.startswith("figures/") and f.endswith(".png") for f in files)
    config = json.loads((out / "config.json").read_text())
    assert config["seed"] == 3
    summary = json.loads((out / "summary.json").read_text())
    shared = set(summary) & set(printed)
    assert shared and all(summary[k] == printed[k] for k in shared)
