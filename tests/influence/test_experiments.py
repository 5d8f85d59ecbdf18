"""The registered experiments, run end to end on a tiny graph."""

import numpy as np

from fairbid.core.executor import Executor
from fairbid.core.experiments import ExperimentContext
from fairbid.core.rundir import RunDir
from fairbid.influence import experiments as exp
from fairbid.influence import load_graph, spread, top_degree

SPEC = "synthetic:powerlaw:300:1500:1"


def context(tmp_path):
    return ExperimentContext("quick", 0, Executor("serial"), RunDir(tmp_path))


def test_experiments_write_tables_that_match_direct_estimates(tmp_path, monkeypatch):
    monkeypatch.setattr(exp, "DEFAULT_SPEC", SPEC)
    monkeypatch.setattr(exp, "find_dataset", lambda name: None)
    ctx = context(tmp_path)
    exp.spread_vs_k(ctx)
    table = ctx.out.read_table("spread_vs_k")
    g = load_graph(SPEC)
    rows = [i for i, (m, k) in enumerate(zip(table["method"], table["k"])) if m == "degree" and k == 10]
    assert table["spread"][rows[0]] == spread(g, [top_degree(g, 10)], "ic", 100, 0).mean[0]
    assert {"degree", "degree-discount", "opim", "imm", "celf"} == set(table["method"])  # n <= 5000: CELF too
    exp.clt_competitors(ctx)
    clt = ctx.out.read_table("clt_competitors")
    assert len(clt["spread"]) == 2 * (2 + 3 + 4 + 5)
    totals = {}
    for mode, k, s in zip(clt["thresholds"], clt["competitors"], clt["spread"]):
        totals[(mode, k)] = totals.get((mode, k), 0.0) + s
    sets = [top_degree(g, 50)[c::3] for c in range(3)]
    assert np.isclose(totals[("fixed", 3)], spread(g, sets, "clt", 50, 0, thresholds="fixed").total)
    assert {p.name for p in ctx.out.figures()} >= {"spread_vs_k_synthetic_ic.png", "clt_competitors_synthetic.png"}
