"""The ``fairbid reproduce`` experiment of fairbid.elicitation at quick scale: files written, summary consistent."""

from __future__ import annotations

from fairbid.elicitation.experiments import truthfulness
from fairbid.core.executor import Executor
from fairbid.core.experiments import ExperimentContext, load_all
from fairbid.core.rundir import RunDir


def test_experiment_quick(tmp_path):
    assert any(name.startswith("elicitation.") for name in load_all())
    rd = RunDir(tmp_path)
    summary = truthfulness(ExperimentContext("quick", 0, Executor("serial"), rd))
    # DMI is dominantly truthful (Kong 2020): truth pays most on every prior in both modes; coordinated
    # constant reports beat OA on every prior (they pay 1 > P(match)).
    for key in ("dmi_unilateral_noisy-state", "dmi_unilateral_dirichlet", "dmi_collective_noisy-state",
                "dmi_collective_dirichlet"):
        assert summary[key] == 1.0
    assert summary["oa_collective_noisy-state"] == 0.0 and summary["oa_collective_dirichlet"] == 0.0
    assert summary["max_sim_z"] < 4.5
    assert {"audits", "simulation_check"} <= {p.stem for p in rd.tables()}
    assert (tmp_path / "figures" / "truthfulness.png").exists() and (tmp_path / "notes.html").exists()
