"""Tests of fairbid.markets: hand-solved instances, independent checker, solver agreement, bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.core.errors import FairbidError
from fairbid.markets import (check_equilibrium, fisher_linear, fisher_satiation, arrow_debreu_linear, make_instance,
                             instance_from_dict, mixture_outcome, pacing_fp, pacing_sp, proportional_response,
                             random_instance, sal_outcome, simulate_psp_licence, throttling_fp, throttling_sp)


# ---------------------------------------------------------------- Fisher
def test_fisher_2x2_by_hand():
    # v = [[1, 1], [1, 3]], B = [1, 1]. At p = (1, 1) buyer 1's bang is (1, 3): she buys good 1 with her 1;
    # buyer 0 is indifferent (bang 1, 1) and buys good 0 with her 1; both goods sold. Any other price ratio
    # sends both budgets (2) to one good priced at most 1 or leaves a good unsold, so p = (1, 1).
    inst = make_instance([[1.0, 1.0], [1.0, 3.0]], [1.0, 1.0])
    for method in ("eg", "pr"):
        r = fisher_linear(inst, method=method, tol=1e-9)
        assert np.allclose(r.prices, [1.0, 1.0], atol=1e-4), method
        assert r.allocation[0, 0] == pytest.approx(1.0, abs=1e-4) and r.allocation[1, 1] == pytest.approx(1.0, abs=1e-4)
        assert check_equilibrium("fisher-linear", inst, r)["max"] < 1e-4


def test_fisher_3x2_by_hand():
    # v = [[2, 1], [1, 2], [1, 1]], B = 1 each. Symmetry gives p1 = p2 = 3/2 (total money 3). Buyer 0 only
    # wants good 0 (bang 4/3 > 2/3), buyer 1 good 1, buyer 2 is indifferent and spends 1/2 on each:
    # good 0 gets 1 + 1/2 = 3/2 = p1. Shares: x00 = 2/3, x20 = 1/3, x11 = 2/3, x21 = 1/3.
    inst = make_instance([[2.0, 1.0], [1.0, 2.0], [1.0, 1.0]], [1.0, 1.0, 1.0])
    r = fisher_linear(inst, method="eg")
    assert np.allclose(r.prices, [1.5, 1.5], atol=1e-6)
    assert np.allclose(r.allocation, [[2 / 3, 0], [0, 2 / 3], [1 / 3, 1 / 3]], atol=1e-6)
    assert r.violation < 1e-9
    p = proportional_response(inst, tol=1e-10)
    assert np.allclose(p.prices, [1.5, 1.5], atol=1e-6)


def test_checker_flags_wrong_prices():
    # The 2x2 market above at p = (0.5, 1.5): buyer 0 (bang 2 vs 2/3) must put all her money on good 0,
    # which then collects 1 > 0.5: spend/price inconsistent and the budget not exhausted.
    inst = make_instance([[1.0, 1.0], [1.0, 3.0]], [1.0, 1.0])
    bad = {"prices": [0.5, 1.5], "allocation": [[1.0, 0.0], [0.0, 1.0]], "spend": [1.0, 1.0]}
    d = check_equilibrium("fisher-linear", inst, bad)
    assert d["spend"] == pytest.approx(0.5) and d["max"] >= 0.5


@settings(max_examples=8, deadline=None)
@given(n=st.integers(2, 12), m=st.integers(1, 6), seed=st.integers(0, 10**6))
def test_fisher_solvers_agree(n, m, seed):
    # Equilibrium prices of a linear Fisher market are unique (Eisenberg-Gale: strictly concave in u,
    # prices = duals); EG and proportional response must agree and both pass the checker.
    inst = random_instance(n, m, seed=seed)
    a = fisher_linear(inst, method="eg")
    b = fisher_linear(inst, method="pr", tol=1e-8)
    assert a.violation < 1e-5 and b.violation < 1e-5
    assert np.allclose(a.prices, b.prices, rtol=1e-3, atol=1e-4)


def test_pr_medium_agrees_with_eg():
    inst = random_instance(200, 30, seed=7)
    a = fisher_linear(inst, method="eg")
    b = proportional_response(inst, tol=1e-6)
    assert b.status == "ok" and check_equilibrium("fisher-linear", inst, b)["max"] <= 1e-6
    assert np.abs(a.prices - b.prices).max() / a.prices.max() < 1e-2


# ---------------------------------------------------------------- satiation
def test_satiation_by_hand():
    # v = [[2, 1], [1, 1]], B = [1, 1], cap c_0 = 1. Buyer 1 has no cap and must buy whatever buyer 0 leaves,
    # on both goods, so p1 = p2 = p. Buyer 0 (bang 2/p on good 0) stops at utility 1 = half of good 0,
    # spending p/2. Buyer 1 buys 1/2 + 1 units for 1: p = 2/3; buyer 0 spends 1/3 < 1 (satiated).
    inst = make_instance([[2.0, 1.0], [1.0, 1.0]], [1.0, 1.0], caps=[1.0, None])
    r = fisher_satiation(inst)
    assert np.allclose(r.prices, [2 / 3, 2 / 3], atol=1e-4)
    assert np.allclose(r.spend, [1 / 3, 1.0], atol=1e-4)
    assert check_equilibrium("fisher-satiation", inst, r)["max"] < 1e-4


@settings(max_examples=6, deadline=None)
@given(n=st.integers(2, 10), m=st.integers(1, 5), seed=st.integers(0, 10**6), c=st.floats(0.3, 2.0))
def test_satiation_checker_holds(n, m, seed, c):
    inst = random_instance(n, m, seed=seed, caps=c)
    r = fisher_satiation(inst)
    assert r.violation < 1e-4
    assert (r.spend <= inst.budgets * (1 + 1e-6)).all()


# ---------------------------------------------------------------- Arrow-Debreu
def test_arrow_debreu_by_hand():
    # Agent 0 owns good 0 and values (1, 2); agent 1 owns good 1 and values (3, 1). With r = p0 / p1, agent 0
    # prefers good 1 iff r > 1/2, agent 1 prefers good 0 iff r < 3; in that range agent 0 spends her income
    # p0 on good 1, which must equal p1: r = 1. Normalized (sum p = 1): p = (1/2, 1/2).
    inst = make_instance([[1.0, 2.0], [3.0, 1.0]], endowments=[[1.0, 0.0], [0.0, 1.0]])
    r = arrow_debreu_linear(inst)
    assert np.allclose(r.prices, [0.5, 0.5], atol=1e-6)
    assert np.allclose(r.allocation, [[0, 1], [1, 0]], atol=1e-6)
    assert check_equilibrium("arrow-debreu-linear", inst, r)["max"] < 1e-6


def test_arrow_debreu_refuses_disconnected():
    # Agent 1 values only good 1, which she owns: nobody's income can reach agent 0 -> not strongly connected.
    inst = make_instance([[1.0, 1.0], [0.0, 1.0]], endowments=[[1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(FairbidError, match="strongly connected"):
        arrow_debreu_linear(inst)


@settings(max_examples=6, deadline=None)
@given(n=st.integers(2, 8), m=st.integers(2, 5), seed=st.integers(0, 10**6))
def test_arrow_debreu_checker_holds(n, m, seed):
    inst = random_instance(n, m, seed=seed, endowments=True)
    r = arrow_debreu_linear(inst)
    assert r.violation < 1e-6


# ---------------------------------------------------------------- pacing
def test_pacing_fp_by_hand():
    # Buyer 1 (B = 10) values only good 0 at 1 and bids 1 there (unpaced). Buyer 0 (B = 1/2) values both at 1:
    # alone on good 1 she pays her own paced bid alpha_0, so alpha_0 = 1/2 exhausts her budget; on good 0 she
    # loses to 1. Prices (1, 1/2), buyer 1 spends 1 <= 10.
    inst = make_instance([[1.0, 1.0], [1.0, 0.0]], [0.5, 10.0])
    r = pacing_fp(inst, method="eg")
    assert np.allclose(r.pacing, [0.5, 1.0], atol=1e-6)
    assert np.allclose(r.prices, [1.0, 0.5], atol=1e-6)
    assert check_equilibrium("pacing-fp", inst, r)["max"] < 1e-6


@settings(max_examples=5, deadline=None)
@given(n=st.integers(2, 8), m=st.integers(2, 12), seed=st.integers(0, 10**6))
def test_pacing_fp_solvers_agree(n, m, seed):
    # The FPPE is unique (Conitzer et al. 2022): the EG program and quasi-linear proportional response agree.
    inst = random_instance(n, m, seed=seed)
    a = pacing_fp(inst, method="eg")
    b = pacing_fp(inst, method="pr", tol=1e-6)
    assert b.violation <= 1e-6 and a.violation < 1e-4
    assert np.allclose(a.pacing, b.pacing, atol=1e-3)


def test_pacing_sp_by_hand():
    # v = [[1, 1/2], [1/2, 1]], B = 1/5 each. Buyer 0 wins good 0 and pays buyer 1's paced bid alpha_1 / 2;
    # budget exhaustion gives alpha_1 = 2/5 and symmetrically alpha_0 = 2/5 (bids 2/5 > 1/5 keep the winners).
    inst = make_instance([[1.0, 0.5], [0.5, 1.0]], [0.2, 0.2])
    r = pacing_sp(inst)
    assert r.status == "ok"
    assert np.allclose(r.pacing, [0.4, 0.4], atol=1e-7)
    assert check_equilibrium("pacing-sp", inst, r)["max"] < 1e-7


@settings(max_examples=5, deadline=None)
@given(n=st.integers(2, 4), m=st.integers(2, 5), seed=st.integers(0, 10**6))
def test_pacing_sp_mip_checker_holds(n, m, seed):
    inst = random_instance(n, m, seed=seed)
    r = pacing_sp(inst, time_limit=20)
    assert r.status == "ok" and r.violation < 1e-6


# ---------------------------------------------------------------- throttling
def test_throttling_by_hand():
    # One good, v = (1, 1/2), B = (1/4, 1). First price: buyer 0 wins whenever she takes part and pays 1:
    # theta_0 = 1/4; buyer 1 wins w.p. 3/4 paying 1/2 -> 3/8 <= 1, theta_1 = 1.
    # Second price: buyer 0 pays 1/2 (buyer 1 always there): theta_0 / 2 = 1/4 -> theta_0 = 1/2; buyer 1 pays 0.
    inst = make_instance([[1.0], [0.5]], [0.25, 1.0])
    f = throttling_fp(inst)
    assert np.allclose(f.throttling, [0.25, 1.0], atol=1e-7) and np.allclose(f.spend, [0.25, 0.375], atol=1e-7)
    s = throttling_sp(inst)
    assert np.allclose(s.throttling, [0.5, 1.0], atol=1e-6) and np.allclose(s.spend, [0.25, 0.0], atol=1e-6)
    assert check_equilibrium("throttling-sp", inst, s)["max"] < 1e-6


@settings(max_examples=8, deadline=None)
@given(n=st.integers(2, 10), m=st.integers(1, 12), seed=st.integers(0, 10**6))
def test_throttling_checker_holds(n, m, seed):
    # The checker recomputes the expected outcome from theta by explicit pairwise products, independently
    # of the solver's sorted recursion.
    inst = random_instance(n, m, seed=seed)
    f = throttling_fp(inst)
    assert f.status == "ok" and check_equilibrium("throttling-fp", inst, f)["max"] <= 1e-6
    s = throttling_sp(inst)
    if s.status == "ok":
        assert check_equilibrium("throttling-sp", inst, s)["max"] <= 1e-6


def test_throttling_sp_converges_often():
    ok = sum(throttling_sp(random_instance(8, 10, seed=s)).status == "ok" for s in range(20))
    assert ok >= 18


# ---------------------------------------------------------------- licences
def test_sal_by_hand():
    # n = 10, k = 3, U[0,1]: E[v_(r)] = (11 - r)/11. SAL(k1 = 2): top two 19/11, lottery 1 of the 8 others,
    # whose values sum to 5 - 19/11 in expectation: efficiency 19/11 + (5 - 19/11)/8 = 2.13636...; equality 1/8.
    o = sal_outcome(10, 3, 2)
    assert o.efficiency == pytest.approx(19 / 11 + (5 - 19 / 11) / 8, rel=1e-9)
    assert o.equality == pytest.approx(1 / 8)
    # The whole-mechanism mixture at the same equality (lambda * 3/10 = 1/8) is less efficient.
    lam = (1 / 8) / (3 / 10)
    mix = mixture_outcome(10, 3, lam)
    assert mix.efficiency == pytest.approx((1 - lam) * 27 / 11 + lam * 1.5, rel=1e-9)
    assert o.efficiency > mix.efficiency


def test_psp_licence_matches_closed_form():
    # k = 1: the mixture is fairbid.auctions' pSP(0, 0, lambda). Closed form U[0,1], n = 5, lambda = 0.3:
    # efficiency 0.7 * 5/6 + 0.3 * 1/2 = 0.7333; lowest player's chance 0.3 / 5 = 0.06.
    mc = simulate_psp_licence(5, 0.3, samples=200_000, seed=3)
    assert mixture_outcome(5, 1, 0.3).efficiency == pytest.approx(0.7 * 5 / 6 + 0.15, rel=1e-9)
    assert mc["efficiency"] == pytest.approx(0.7 * 5 / 6 + 0.15, abs=4 * 0.3 / np.sqrt(200_000))
    assert mc["equality"] == pytest.approx(0.06, abs=4 * np.sqrt(0.06 * 0.94 / 200_000))


# ---------------------------------------------------------------- input
@pytest.mark.parametrize("doc, field", [
    ({"valuations": [[1, -1]]}, "valuations[0][1]"),
    ({"valuations": [[1, 2], [1]]}, "valuations[1]"),
    ({"valuations": [[0, 0], [1, 1]]}, "valuations[0]"),
    ({"valuations": [[1, 1]], "budgets": [float("nan")]}, "budgets[0]"),
    ({"valuations": [[1, 1]], "budgets": [0]}, "budgets[0]"),
    ({"valuations": [[1, 1]], "supply": [1]}, "supply"),
    ({"valuations": [[1, 1]], "extra": 1}, "instance.extra"),
])
def test_bad_instances(doc, field):
    with pytest.raises(FairbidError) as exc:
        instance_from_dict(doc)
    assert str(exc.value).startswith(field)


def test_cli_solve_and_bad_input(tmp_path):
    good = tmp_path / "m.json"
    good.write_text(json.dumps({"valuations": [[2, 1], [1, 2], [1, 1]], "budgets": [1, 1, 1]}))
    cmd = [sys.executable, "-m", "fairbid.cli.main", "markets", "solve", "--model", "fisher-linear",
           "--instance", str(good), "--json"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert np.allclose(doc["prices"], [1.5, 1.5], atol=1e-6) and doc["violation"] < 1e-6
    bad = tmp_path / "b.json"
    bad.write_text('{"valuations": [[1, NaN]]}')
    cmd[cmd.index(str(good))] = str(bad)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and out.stderr.startswith("error:")


def test_fisher_large_agrees_with_eg():
    # Proportional response + restricted convex program + LP polish reaches the unique equilibrium prices.
    from fairbid.markets.fisher import fisher_large

    inst = random_instance(400, 40, seed=11)
    a = fisher_linear(inst, method="eg")
    b = fisher_large(inst)
    assert b.status == "ok" and b.violation <= 1e-6
    assert np.allclose(a.prices, b.prices, rtol=1e-6)
