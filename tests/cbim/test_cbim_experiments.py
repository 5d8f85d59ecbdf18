import numpy as np
import pytest

from fairbid.cbim import experiments as ex
from fairbid.core.executor import Executor
from fairbid.core.experiments import ExperimentContext, load_all
from fairbid.core.rundir import RunDir


def test_registered():
    assert "cbim.learning" in load_all()


def test_quick_profile_has_three_seeds_of_every_algorithm_and_equal_budgets():
    tasks = ex.grid("quick", "/nowhere")
    assert {t.algorithm for t in tasks} == set(ex.ALGOS)
    assert all(t.competitors == 2 and t.budget == np.ceil(t.seeds / 2) for t in tasks)
    # one cell x 3 replicates x 6 algorithms, 1000 rounds each
    assert len(tasks) == 18 and {t.replicate for t in tasks} == {0, 1, 2} and {t.rounds for t in tasks} == {1000}


def test_paper_grid_size_and_slices():
    full = ex.grid("paper", "/nowhere", graphs=["gnutella09"])
    # 6 (K, M) x 3 budget multipliers x 3 seeds x 6 algorithms
    assert len(full) == 6 * 3 * 3 * 6
    part = ex.grid("paper", "/nowhere", graphs=["gnutella09"], km=[(2, 5)], multipliers=[1], replicates=2)
    assert len(part) == 12 and {t.budget for t in part} == {3.0}


def test_mean_ci_by_hand():
    # mean 2, sd 1, n 3: half-width t_{0.975,2} / sqrt(3) = 4.302653 / 1.732051 = 2.484138
    m, h = ex.mean_ci([1.0, 2.0, 3.0])
    assert m == 2.0 and h == pytest.approx(2.484138, rel=1e-6)
    assert np.isnan(ex.mean_ci([4.0])[1])


def test_learning_writes_tables_and_curves(tmp_path, monkeypatch):
    tiny = lambda scale, out: [ex.Task("synthetic:powerlaw:150:600:2", 2, 3, 2.0, alg, 6, rep, 5, out,
                                       {} if alg == "random" else {"batch_size": 4, "update_every": 1})
                               for rep in range(2) for alg in ("mcbim", "random")]
    monkeypatch.setattr(ex, "grid", tiny)
    ctx = ExperimentContext("quick", 0, Executor("serial"), RunDir(tmp_path))
    summary = ex.learning(ctx)
    assert summary["runs"] == 4
    runs = ctx.out.read_table("runs")
    assert runs["algorithm"] == ["mcbim", "random"] * 2 and runs["rounds"] == [6] * 4
    assert all(0 <= s <= 1 for s in runs["success_ratio"] + runs["fair_ratio"])
    agg = ctx.out.read_table("by_algorithm")
    # aggregate = mean over the two replicates of each algorithm
    sr = np.array(runs["success_ratio"])
    assert agg["success_ratio"] == pytest.approx([sr[[0, 2]].mean(), sr[[1, 3]].mean()])
    assert [p.name for p in ctx.out.figures()] == ["curves_synthetic_powerlaw_150_600_2_K2_M3_B2.png"]
    assert (tmp_path / "notes.html").exists()
    # a second call reads the finished runs back instead of retraining: same table
    again = ex.learning(ExperimentContext("quick", 0, Executor("serial"), RunDir(tmp_path)))
    assert again == summary
