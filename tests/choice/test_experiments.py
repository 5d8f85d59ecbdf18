"""The ``fairbid reproduce`` experiment of fairbid.choice at quick scale: files written, summary consistent."""

from __future__ import annotations

from fairbid.choice.experiments import npr_vs_cut
from fairbid.core.executor import Executor
from fairbid.core.experiments import ExperimentContext, load_all
from fairbid.core.rundir import RunDir


def test_experiment_quick(tmp_path):
    assert any(name.startswith("choice.") for name in load_all())
    rd = RunDir(tmp_path)
    summary = npr_vs_cut(ExperimentContext("quick", 0, Executor("serial"), rd))
    # NPR spends each contribution on approved projects only (Brandl et al.): u_i >= B_i for every agent.
    assert summary["npr_min_ratio"] >= 1 - 1e-6 and summary["cut_min_ratio"] >= 1 - 1e-12
    assert summary["npr_nash_welfare"] >= summary["cut_nash_welfare"]  # NPR maximises it
    assert summary["npr_kkt_gap"] < 1e-5 and summary["npr_max_participation_gain"] <= 1e-6
    assert {"instances", "participation"} <= {p.stem for p in rd.tables()}
    assert (tmp_path / "figures" / "npr_vs_cut.png").exists() and (tmp_path / "notes.html").exists()
