"""Tests of the large-market Fisher path: fisher_large (proportional response, smoothed-dual Newton, exact
forest finish) and its primitives in fairbid.markets.polish.

References: hand-solved markets (derivations in the comments), the Eisenberg-Gale convex program solved
by cvxpy/Clarabel (equilibrium prices of a linear Fisher market are unique, Eisenberg and Gale 1959), and
the independent checker fairbid.markets.check_equilibrium on the full valuation matrix.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.core.errors import FairbidError
from fairbid.markets import check_equilibrium, fisher_linear, make_instance, random_instance
from fairbid.markets.fisher import AUTO_LARGE_CELLS, fisher_large
from fairbid.markets.polish import forest_equilibrium, lp_polish_edges, spanning_forest, transport_polish


def _eg_prices(inst):
    # The reference: the Eisenberg-Gale program (cvxpy/Clarabel) with the LP polish on its support
    # (fisher_linear(method="eg")); Clarabel alone is only accurate to ~1e-6 on some small instances.
    ref = fisher_linear(inst, method="eg")
    assert ref.violation <= 1e-9, ref.violation
    return ref.prices


def _assert_verified(inst, r, tol=1e-6):
    d = check_equilibrium("fisher-linear", inst, r)
    assert r.status == "ok" and d["max"] <= tol, (r.status, d)
    assert d["max"] == pytest.approx(r.violation, abs=1e-15)


# ---------------------------------------------------------------- hand-solved 2 x 2
@pytest.mark.parametrize("budgets, prices, spend", [
    # v = [[1, 2], [1, 1]], B = (1, 2). Try p0 = p1 = p (buyer 1 indifferent): money 3 gives p = 3/2.
    # Buyer 0's bang is 1/p on good 0 and 2/p on good 1, so she spends her 1 on good 1; good 1 still
    # needs 1/2, which buyer 1 pays, and her other 3/2 buys good 0. All spending non-negative, every
    # buyer on her max bang-per-buck goods, both goods sold: the equilibrium.
    ((1.0, 2.0), (1.5, 1.5), ((0.0, 1.0), (1.5, 0.5))),
    # Same values, B = (1, 0.2). Buyer 1 cannot hold p0 = p1 (1.2 / 2 = 0.6 < buyer 0's 1 on good 1), so
    # buyer 0 splits: p1 = 2 p0 and buyer 1 (bang 1/p0 > 1/p1) spends 0.2 on good 0. Money 1.2 = 3 p0:
    # p = (0.4, 0.8); buyer 0 pays 0.4 - 0.2 = 0.2 for good 0 and 0.8 for good 1 (total 1).
    ((1.0, 0.2), (0.4, 0.8), ((0.2, 0.8), (0.2, 0.0))),
])
def test_fisher_large_2x2_by_hand(budgets, prices, spend):
    inst = make_instance([[1.0, 2.0], [1.0, 1.0]], list(budgets))
    r = fisher_large(inst)
    assert np.allclose(r.prices, prices, rtol=1e-12)
    assert np.allclose(r.allocation * r.prices[None, :], spend, atol=1e-12)
    _assert_verified(inst, r, tol=1e-12)


def test_forest_equilibrium_by_hand():
    # The first 2 x 2 above on its spending tree {(0,1), (1,0), (1,1)}: buyer 1's edges tie p0 = p1, the
    # component's prices add to 1 + 2 = 3, so p = (1.5, 1.5); peeling the leaf buyer 0 (1 on good 1) and the
    # leaf good 0 (1.5 from buyer 1) leaves 2 - 1.5 = 0.5 for edge (1, 1).
    P, beta, spend, ok = forest_equilibrium(np.array([0, 1, 1]), np.array([1, 0, 1]), np.array([2.0, 1.0, 1.0]),
                                            np.array([1.0, 2.0]), 2)
    assert ok and np.allclose(P, [1.5, 1.5]) and np.allclose(spend, [1.0, 1.5, 0.5])
    # beta_i = p_j / v_ij on her edges: buyer 0 1.5 / 2, buyer 1 1.5 / 1.
    assert np.allclose(beta, [0.75, 1.5])
    # A wrong tree {(0,0), (1,0), (1,1)} gives p1 = p0, total 3, buyer 0 a leaf on good 0 (1), good 1 a leaf
    # on buyer 1 (1.5): buyer 1 has 2 - 1.5 = 0.5 for good 0, which collects 1.5 = p0. Feasible spending,
    # but buyer 0's bang on good 1 (2 / 1.5) beats good 0's (1 / 1.5): only the MBB check rejects it.
    P, beta, spend, ok = forest_equilibrium(np.array([0, 1, 1]), np.array([0, 0, 1]), np.array([1.0, 1.0, 1.0]),
                                            np.array([1.0, 2.0]), 2)
    assert ok and np.allclose(spend, [1.0, 0.5, 1.5]) and 2.0 / P[1] > 1.0 / beta[0]
    # A cycle is refused.
    *_, ok = forest_equilibrium(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]), np.ones(4), np.ones(2), 2)
    assert not ok


def test_repair_drops_the_negative_edge():
    # v = [[1, 1], [1, 3]], B = (1, 1); proposed tree {(0,0), (1,0), (1,1)}: p1 = 3 p0, total 2 -> p = (0.5,
    # 1.5), buyer 1 must pay 1.5 for good 1 and so -0.5 for good 0. Dropping that edge leaves two trees,
    # each balancing alone: p = (1, 1), buyer 0 on good 0, buyer 1 on good 1, the equilibrium
    # (test_markets.py::test_fisher_2x2_by_hand derives it).
    from fairbid.markets.fisher import _repair_forest

    V, B = np.array([[1.0, 1.0], [1.0, 3.0]]), np.ones(2)
    rows, idx = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])       # all candidate edges, CSR order
    er, ec = np.array([0, 1, 1]), np.array([0, 0, 1])
    P, beta, spend, ok = forest_equilibrium(er, ec, V[er, ec], B, 2)
    assert ok and spend.min() == pytest.approx(-0.5)
    er, ec, P, beta, spend = _repair_forest(V, B, rows, idx, er, ec, P, beta, spend, 5)
    assert sorted(zip(er.tolist(), ec.tolist())) == [(0, 0), (1, 1)]
    assert np.allclose(P, [1.0, 1.0]) and np.allclose(spend, [1.0, 1.0])


def test_spanning_forest_drops_the_lightest_cycle_edge():
    # 2 buyers x 2 goods, all 4 edges form one cycle of length 4; Kruskal keeps the 3 heaviest.
    keep = spanning_forest(2, 2, np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]), np.array([4.0, 1.0, 3.0, 2.0]))
    assert keep.tolist() == [True, False, True, True]


def test_lp_polish_edges_on_a_degenerate_cycle():
    # Identical buyers v = (1, 2), B = 1 each: p1 = 2 p0 (both goods MBB for both), total 2 -> p = (2/3, 4/3).
    # The support is the whole 4-cycle; any split with column sums (2/3, 4/3) is an equilibrium.
    rows, cols = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    got = lp_polish_edges(2, 2, rows, cols, np.array([1.0, 2.0, 1.0, 2.0]), np.ones(2), np.ones(4, dtype=bool))
    assert got is not None
    spend, P, beta = got
    assert np.allclose(P, [2 / 3, 4 / 3]) and np.allclose(np.bincount(rows, spend), [1, 1])
    assert np.allclose(np.bincount(cols, spend), P) and np.allclose(beta, [2 / 3, 2 / 3])


def test_transport_polish_by_hand():
    # Prices known, split wanted: the identical-buyer market above, p = (2/3, 4/3). Row sums 1 and 1,
    # column sums 2/3 and 4/3 on the 4-cycle: feasible (e.g. both buyers 1/3 and 2/3).
    rows, cols = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    b = transport_polish(2, 2, rows, cols, np.ones(2), np.array([2 / 3, 4 / 3]))
    assert b is not None and (b >= 0).all()
    assert np.allclose(np.bincount(rows, b), [1, 1]) and np.allclose(np.bincount(cols, b), [2 / 3, 4 / 3])
    # Edges (0,0), (1,1) only with p = (0.5, 1.5): buyer 0 must put her 1 into good 0, which takes 0.5.
    assert transport_polish(2, 2, np.array([0, 1]), np.array([0, 1]), np.ones(2), np.array([0.5, 1.5])) is None


# ---------------------------------------------------------------- agreement with Eisenberg-Gale
@pytest.mark.parametrize("n, m, seed", [(200, 20, 0), (200, 20, 1), (500, 50, 2), (500, 50, 3)])
def test_fisher_large_agrees_with_eg(n, m, seed):
    inst = random_instance(n, m, seed=seed)
    r = fisher_large(inst)
    _assert_verified(inst, r)
    assert "exact-forest" in r.solver          # the combinatorial finish, not a fallback
    assert np.allclose(r.prices, _eg_prices(inst), rtol=1e-6, atol=0)


@settings(max_examples=12, deadline=None)
@given(n=st.integers(1, 40), m=st.integers(1, 8), seed=st.integers(0, 10**6),
       density=st.sampled_from([1.0, 0.5]), budgets=st.sampled_from(["uniform", "equal"]))
def test_fisher_large_property(n, m, seed, density, budgets):
    inst = random_instance(n, m, seed=seed, density=density, budgets=budgets)
    r = fisher_large(inst)
    _assert_verified(inst, r)
    assert np.allclose(r.prices, _eg_prices(inst), rtol=1e-6, atol=1e-9)


def test_fisher_large_scaling_and_supply():
    # Equilibrium prices are homogeneous of degree 1 in the budgets and of degree 0 in a common scale
    # of the values (the conditions are unchanged by either rescaling): exact checks across 14 decades.
    base = random_instance(300, 30, seed=9)
    r0 = fisher_large(base)
    for b_scale, v_scale in [(1e6, 1.0), (1e-6, 1.0), (1.0, 1e-4), (1e8, 1e-8)]:
        inst = make_instance(base.valuations * v_scale, base.budgets * b_scale)
        r = fisher_large(inst)
        _assert_verified(inst, r)
        assert np.allclose(r.prices, r0.prices * b_scale, rtol=1e-12, atol=0)
    # Non-unit supply: per-unit prices against the reference.
    inst = make_instance(base.valuations, base.budgets, np.random.default_rng(1).uniform(0.5, 3.0, 30))
    r = fisher_large(inst)
    _assert_verified(inst, r)
    assert np.allclose(r.prices, _eg_prices(inst), rtol=1e-6)


def test_fisher_large_more_goods_than_buyers():
    # n < m: the Newton systems are solved in buyer space (Woodbury); same answer as the reference.
    inst = random_instance(30, 150, seed=12)
    r = fisher_large(inst)
    _assert_verified(inst, r)
    assert np.allclose(r.prices, _eg_prices(inst), rtol=1e-6)


def test_buyer_system_matches_the_textbook_capacitance_matrix():
    # K = W^-1 - S^T D^-1 S formed densely with numpy (no cancellation trouble at tau = 0.1) must equal the
    # kernel's cancellation-free form; and H^-1 by Woodbury must invert H = D - S W S^T.
    from fairbid.markets.fisher import _buyer_system

    rng = np.random.default_rng(3)
    n, m, tau = 5, 9, 0.1
    mask = rng.random((n, m)) < 0.5
    mask[np.arange(n), rng.integers(0, m, n)] = True
    mask[rng.integers(0, n, m), np.arange(m)] = True
    rows, idx = np.nonzero(mask)
    z = rng.random(rows.size)
    s = np.exp(z) / np.bincount(rows, np.exp(z))[rows]                  # shares sum to 1 per buyer
    B, P = rng.uniform(0.5, 1.5, n), rng.uniform(0.5, 2.0, m)
    S = np.zeros((m, n))
    S[idx, rows] = s
    W = np.diag(B / tau)
    D = P + S @ (B / tau)
    K_ref = np.linalg.inv(W) - S.T @ np.diag(1 / D) @ S
    order = np.argsort(idx, kind="stable")
    gstart = np.r_[0, np.cumsum(np.bincount(idx, minlength=m))]
    K = _buyer_system(order, gstart, rows, idx, B, s, tau, P, D, 0.0)
    assert np.allclose(K, K_ref, rtol=1e-12, atol=1e-14)
    H = np.diag(D) - S @ W @ S.T
    Hinv = np.diag(1 / D) + np.diag(1 / D) @ S @ np.linalg.inv(K) @ S.T @ np.diag(1 / D)
    assert np.allclose(Hinv @ H, np.eye(m), atol=1e-10)


def test_fisher_large_column_generation():
    # One PR round and a zero band leave most equilibrium edges out of the candidates: the full-matrix
    # check must find the better goods and add them until the forest is the equilibrium's.
    inst = random_instance(300, 30, seed=5)
    r = fisher_large(inst, pr_rounds=1, sparse_rounds=0, band=0.0, min_band=0.0)
    _assert_verified(inst, r)
    assert np.allclose(r.prices, _eg_prices(inst), rtol=1e-6)


def test_fisher_large_medium_market():
    # 3000 x 300 (10^6 cells): the same path as the 10^7-cell benchmark; the checker on the full matrix
    # is the reference (EG is too slow here to be a unit-test reference).
    inst = random_instance(3000, 300, seed=4)
    r = fisher_large(inst)
    _assert_verified(inst, r, tol=1e-9)


# ---------------------------------------------------------------- degenerate markets
@pytest.mark.parametrize("seed", range(4))
def test_fisher_large_identical_buyers(seed):
    # Three copies of each of 10 buyers: the spending graph has cycles, so spending is not unique but
    # prices are (Eisenberg-Gale); the answer must be checker-verified or an honest failure.
    v = np.random.default_rng(seed).random((10, 5))
    inst = make_instance(np.vstack([v, v, v]), np.ones(30))
    r = fisher_large(inst)
    if r.status.startswith("failed"):
        assert r.violation > 1e-6
    else:
        _assert_verified(inst, r)
        assert np.allclose(r.prices, _eg_prices(inst), rtol=1e-6)


def test_fisher_large_identical_buyers_regression():
    # 17 buyer types x 3 copies, 18 goods, from a randomized stress run (seed 654, draw 243) whose
    # restricted proportional response once drove a price to 0 (ZeroDivisionError); bids now have a floor.
    rng = np.random.default_rng(654)
    for k in range(244):
        n, m = int(rng.integers(1, 120)), int(rng.integers(1, 40))
        if k % 5 == 2:
            rng.integers(1, 4, (n, m)), rng.integers(1, 3, n)
        elif k % 5 == 3:
            v = rng.random((max(1, n // 3), m))
    assert v.shape == (17, 18)
    inst = make_instance(np.vstack([v, v, v]), np.ones(51))
    r = fisher_large(inst)
    _assert_verified(inst, r)
    assert np.allclose(r.prices, _eg_prices(inst), rtol=1e-6)


@pytest.mark.parametrize("seed", range(4))
def test_fisher_large_tied_integer_values(seed):
    # Values in {1, 2, 3}: many exact ties in bang-per-buck.
    inst = make_instance(np.random.default_rng(seed).integers(1, 4, (60, 8)).astype(float), np.ones(60))
    r = fisher_large(inst)
    if r.status.startswith("failed"):
        assert r.violation > 1e-6
    else:
        _assert_verified(inst, r)
        assert np.allclose(r.prices, _eg_prices(inst), rtol=1e-6)


def test_fisher_large_all_equal_values():
    # 4 identical buyers valuing 3 goods equally, B = 1: by symmetry every price is 4/3.
    inst = make_instance(np.ones((4, 3)), np.ones(4))
    r = fisher_large(inst)
    assert np.allclose(r.prices, 4 / 3, rtol=1e-12)
    _assert_verified(inst, r)


def test_fisher_large_good_nobody_values():
    # A good with an all-zero column is free and unsold; the rest is the market without it.
    v = np.random.default_rng(0).random((50, 6))
    v[:, 2] = 0.0
    inst = make_instance(v, np.ones(50))
    r = fisher_large(inst)
    assert r.prices[2] == 0.0 and r.allocation[:, 2].sum() == 0.0
    _assert_verified(inst, r)
    sub = make_instance(np.delete(v, 2, axis=1), np.ones(50))
    assert np.allclose(np.delete(r.prices, 2), _eg_prices(sub), rtol=1e-6)


def test_fisher_large_out_of_time_is_an_honest_failure():
    inst = random_instance(300, 30, seed=6)
    r = fisher_large(inst, time_limit=0.0)
    assert r.status.startswith("failed") and r.violation > 1e-6
    assert r.violation == pytest.approx(check_equilibrium("fisher-linear", inst, r)["max"])


# ---------------------------------------------------------------- API
def test_auto_picks_the_fast_path_for_large_markets():
    small = random_instance(50, 20, seed=0)          # 10^3 cells: the convex program
    big = random_instance(1000, 20, seed=0)          # 2 * 10^4 cells > AUTO_LARGE_CELLS: the fast path
    assert small.valuations.size <= AUTO_LARGE_CELLS < big.valuations.size
    a, b = fisher_linear(small), fisher_linear(big)
    assert a.solver.startswith("cvxpy") and "smoothed-dual-Newton" in b.solver
    _assert_verified(big, b)
    assert np.allclose(b.prices, _eg_prices(big), rtol=1e-6)


@pytest.mark.parametrize("kw", [dict(tol=-1.0), dict(tau_start=1e-6, tau_min=1e-3), dict(tau_factor=1.0),
                                dict(band=2.0), dict(pr_rounds=0), dict(tau_start=float("nan"))])
def test_fisher_large_bad_options(kw):
    with pytest.raises(FairbidError):
        fisher_large(random_instance(5, 3, seed=0), **kw)
