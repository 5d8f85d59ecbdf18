"""The ``auctions.optimal-correlated`` reproduce experiment at quick scale."""

from __future__ import annotations

from fairbid.auctions.experiments_optimal import optimal_correlated
from fairbid.core.executor import Executor
from fairbid.core.experiments import ExperimentContext, load_all
from fairbid.core.rundir import RunDir


def test_experiment_quick(tmp_path):
    assert "auctions.optimal-correlated" in load_all()
    rd = RunDir(tmp_path)
    summary = optimal_correlated(ExperimentContext("quick", 0, Executor("serial"), rd))
    # EPIR is a restriction of EIIR: every ratio lies in (0, 1]; random Dirichlet pmfs are full rank almost
    # surely, so Crémer-McLean says the EIIR optimum extracts the whole welfare.
    assert 0 < summary["min_ratio"] <= summary["median_ratio"] <= 1 + 1e-9
    assert abs(summary["median_eiir_share_of_welfare"] - 1) < 1e-6
    # Chen-Hu-Wang minimax theorem: robust-mechanism LP = minimax-pricing LP at every point of the sweep.
    assert summary["screening_max_minimax_gap"] < 1e-6
    assert (tmp_path / "figures" / "robust_screening.png").exists()
    assert (tmp_path / "figures" / "epir_vs_eiir.png").exists() and (tmp_path / "notes.html").exists()
