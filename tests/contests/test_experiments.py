"""The ``fairbid reproduce`` experiment of fairbid.contests at quick scale: files written, summary consistent."""

from __future__ import annotations

from fairbid.contests.experiments import thresholds
from fairbid.core.executor import Executor
from fairbid.core.experiments import ExperimentContext, load_all
from fairbid.core.rundir import RunDir


def test_experiment_quick(tmp_path):
    assert any(name.startswith("contests.") for name in load_all())
    rd = RunDir(tmp_path)
    summary = thresholds(ExperimentContext("quick", 0, Executor("serial"), rd))
    # Elkind-Ghosh-Goldberg: the best simple contest is within a factor 2 of the optimum (linear threshold);
    # the best k falls as the binary threshold rises (a high bar needs one big prize).
    assert 0.5 <= summary["min_simple_ratio_linear"] <= 1 + 1e-9
    assert summary["best_k_at_lowest_threshold"] > summary["best_k_at_highest_threshold"] == 1
    assert {"binary_threshold", "linear_threshold"} <= {p.stem for p in rd.tables()}
    assert (tmp_path / "figures" / "thresholds.png").exists() and (tmp_path / "notes.html").exists()
