import numpy as np

from fairbid.cbim import experiments as ex
from fairbid.core.executor import Executor
from fairbid.core.experiments import ExperimentContext, load_all
from fairbid.core.rundir import RunDir


def test_registered():
    assert "cbim.learning" in load_all()


def test_quick_grid_covers_all_algorithms_with_equal_budgets():
    tasks = ex.grid("quick", "/nowhere")
    assert {t.algorithm for t in tasks} == set(ex.ALGOS)
    assert all(t.competitors == 2 and t.budget == np.ceil(t.seeds / 2) for t in tasks)
    # 2 seed counts x 2 replicates x 6 algorithms on the synthetic graph alone
    assert sum(t.graph == ex.QUICK_SYNTHETIC for t in tasks) == 24


def test_learning_writes_tables_and_curves(tmp_path, monkeypatch):
    tiny = lambda scale, out: [ex.Task("synthetic:powerlaw:150:600:2", 2, 3, 2.0, alg, 4, 0, 5, 4, out)
                               for alg in ("mcbim", "random")]
    monkeypatch.setattr(ex, "grid", tiny)
    ctx = ExperimentContext("quick", 0, Executor("serial"), RunDir(tmp_path))
    summary = ex.learning(ctx)
    assert summary["runs"] == 2
    runs = ctx.out.read_table("runs")
    assert runs["algorithm"] == ["mcbim", "random"] and runs["rounds"] == [4, 4]
    assert all(0 <= s <= 1 for s in runs["success_ratio"])
    assert [p.name for p in ctx.out.figures()] == ["curves_synthetic_powerlaw_150_600_2_K2_M3_B2.png"]
    assert (tmp_path / "notes.html").exists()
