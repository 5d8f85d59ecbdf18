"""CLI: `influence select --method opim` and one-line errors for bad input (issue 9 and hardening)."""

from __future__ import annotations

import json
import math

import pytest

from fairbid.cli.main import main
from fairbid.influence import load_graph
from fairbid.influence.reference import brute_force_best, exact_ic_spread


def run(capsys, *args):
    rc = main(list(args))
    out = capsys.readouterr()
    return rc, out.out, out.err


@pytest.fixture
def edge_file(tmp_path):
    p = tmp_path / "g.txt"
    p.write_text("10 20\n20 30\n10 40\n50 60\n60 70\n70 10\n")
    return p


def test_select_opim_json(capsys, edge_file):
    rc, out, err = run(capsys, "influence", "select", "--graph", str(edge_file), "--k", "2", "--method", "opim",
                       "--weights", "uniform:0.5", "--sims", "2000", "--json")
    assert rc == 0 and err == ""
    res = json.loads(out)
    assert {"approx", "rr_sets", "seeds", "spread", "prepare_seconds"} <= set(res) and res["rr_sets"] > 0
    assert 0.0 < res["approx"] <= 1.0
    # The seeds' exact spread is within (1 - 1/e - 0.1) of the brute-force optimum.
    g = load_graph(str(edge_file), weights="uniform:0.5")
    value = lambda s: exact_ic_spread(g, list(s))  # noqa: E731
    _, opt = brute_force_best(g.n, 2, value)
    assert value(g.index_of(res["seeds"]).tolist()) >= (1 - 1 / math.e - 0.1) * opt
    rc, out2, _ = run(capsys, "influence", "select", "--graph", str(edge_file), "--k", "2", "--method", "opim",
                      "--weights", "uniform:0.5", "--sampling", "vanilla", "--no-evaluate", "--json")
    res2 = json.loads(out2)
    assert rc == 0 and res2["spread"] is None and res2["approx"] > 0


@pytest.mark.parametrize("args, message", [
    (["--k", "99"], "k: must be at most 7"),
    (["--k", "2", "--method", "opim", "--delta", "0"], "delta"),
    (["--k", "2", "--method", "opim", "--sampling", "bucket"], "sampling"),
    (["--k", "2", "--method", "magic"], "method"),
    (["--k", "2", "--sims", "1e11"], "--sims"),
    (["--k", "2", "--sims", "100000000000"], "--sims"),
    (["--k", "2", "--eps", "nan"], "--eps"),
])
def test_select_errors_are_one_line(capsys, edge_file, args, message):
    rc, out, err = run(capsys, "influence", "select", "--graph", str(edge_file), *args, "--json")
    assert rc == 2 and out == "" and err.startswith("error: ") and err.count("\n") == 1 and message in err


@pytest.mark.parametrize("content, message", [
    (b"1 2\n\xff\xfe 3\n", "cannot read"),  # not UTF-8
    (bytes(range(256)) * 4, "cannot read"),  # binary
    (b"1 2 0.5\n2 3 -0.25\n", "line 2"),  # negative weight
    (b"1 2 0.5\n2 3 nan\n", "line 2"),  # NaN weight
    (b"1 2\n2 3 4 5\n", "line 2"),  # malformed line
])
def test_bad_edge_lists_are_one_line(capsys, tmp_path, content, message):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    for cmd in (["spread", "--seeds", "1"], ["select", "--k", "1"]):
        rc, out, err = run(capsys, "influence", *cmd, "--graph", str(p), "--weights", "column")
        assert rc == 2 and err.startswith("error: ") and err.count("\n") == 1 and message in err, err


def test_huge_synthetic_graph_is_refused_by_available_memory(capsys):
    rc, _, err = run(capsys, "influence", "spread", "--graph", "synthetic:powerlaw:1000000000:30000000000:1",
                     "--seeds", "1")
    assert rc == 2 and "memory is available" in err and err.count("\n") == 1


def test_giant_node_id_is_one_line(capsys, tmp_path):
    p = tmp_path / "big.txt"
    p.write_text("1 2\n99999999999999999999999 1\n")
    rc, _, err = run(capsys, "influence", "select", "--graph", str(p), "--k", "1")
    assert rc == 2 and "line 2" in err and "64 bits" in err and err.count("\n") == 1
