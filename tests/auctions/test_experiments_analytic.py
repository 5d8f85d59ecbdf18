"""The analytic paper experiments (Figs. 1-8) run at quick scale and report the seed's numbers."""

import pytest

from fairbid.auctions.experiments import algorithms, contour_lines, lemma3_cases
from fairbid.core.executor import Executor
from fairbid.core.experiments import ExperimentContext
from fairbid.core.rundir import RunDir


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = {}
    for fn in (lemma3_cases, contour_lines, algorithms):
        rd = RunDir(tmp_path_factory.mktemp(fn.__name__))
        out[fn.__name__] = (fn(ExperimentContext("quick", 0, Executor("serial"), rd)), rd)
    return out


def test_lemma3_experiment(results):
    summary, rd = results["lemma3_cases"]
    # Seed §IV-C: ξ1 = (1/5)^{1/4}, ξ2 = (0.02/5)^{1/4}; r1 = 0.2, ξ2, 0.28 are cases 1, 2, 3.
    assert summary["xi1"] == pytest.approx(0.2**0.25) and summary["xi2"] == pytest.approx(0.004**0.25)
    assert [v for k, v in summary.items() if k.startswith("case")] == [
        "sme-friendly", "sme-friendly", "semi-sme-friendly"]
    assert len(rd.figures()) == 4 and (rd.path / "notes.html").is_file()
    table = rd.read_table("winning_rates")
    i = table["x"].index(0.5)
    assert table["psp_case1"][i] == pytest.approx(0.02 / 5 + 0.98 * 0.5**4)  # Eq. 13


def test_contour_experiment(results):
    summary, rd = results["contour_lines"]
    # Lemma 5: λ* = N F(r*)^{N−1} = 5 r*^4 at each peak.
    for r1 in ("0.15", "0.18", "0.20"):
        assert summary[f"r1={r1}: lambda*"] == pytest.approx(5 * summary[f"r1={r1}: r*"] ** 4, rel=1e-12)
    assert [p.name for p in rd.figures()] == ["fig5_contour_profit.png"]


def test_algorithms_experiment(results):
    summary, rd = results["algorithms"]
    assert summary["alg1 r1"] == pytest.approx(0.001**0.25)  # F(r1)^4 = θ
    assert summary["alg1 share >= theta"] == pytest.approx(0.9)
    assert abs(summary["alg2 profit change %"]) < 1e-9
    # Fig. 7: the largest loss over r ∈ [0, θ^{1/4}) is at r = 0: 1 − 0.995 R(θ^{1/4}) / R(0).
    r1 = 0.001**0.25
    loss = 100 * (1 - 0.995 * (2 / 3 + r1**5 - 5 / 3 * r1**6) / (2 / 3))
    assert summary["alg1 max profit loss over r in [0, 0.178] %"] == pytest.approx(loss, rel=1e-9)
    designs = rd.read_table("designs")
    assert sorted(set(designs["distribution"])) == ["beta:2:5", "lognormal:0:0.5", "uniform:0:1"]
    assert len(rd.figures()) == 3
