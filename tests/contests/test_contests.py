"""All-pay contests and prize design (seed 002, Elkind-Ghosh-Goldberg) against textbook values."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.contests import (
    MixedBid,
    allpay,
    complete_info_equilibrium,
    equilibrium_gap,
    iid_allpay,
    iid_contest,
    make_objective,
    optimal_prizes,
    simple_contest,
)
from fairbid.core.errors import FairbidError


@pytest.mark.parametrize("v1,v2", [(1.0, 0.5), (2.0, 2.0), (3.0, 1.0)])
def test_bkv_two_players(v1, v2):
    # Baye, Kovenock, de Vries (1996), Theorem 1 with two players: E[b1] = v2/2, E[b2] = v2^2/(2 v1).
    res = allpay([v1, v2], [1.0])
    assert res["expected_effort"] == pytest.approx([v2 / 2, v2 ** 2 / (2 * v1)])
    assert res["total_effort"] == pytest.approx(v2 / 2 * (1 + v2 / v1))
    # Binary threshold tau: P(b1 >= tau) + P(b2 >= tau) = (1 - tau/v2)(1 + v2/v1) (uniform bids, by hand).
    tau = 0.3 * v2
    r = allpay([v1, v2], [1.0], make_objective("binary", threshold=tau))
    assert r["designer_objective"] == pytest.approx((1 - tau / v2) * (1 + v2 / v1))
    # Linear threshold [lo, hi]: integral of P(b > t) over [lo, hi] for each player (by hand).
    lo, hi = 0.2 * v2, 0.6 * v2
    r = allpay([v1, v2], [1.0], make_objective("linear", lower=lo, upper=hi))
    per1 = (hi - lo) - (hi ** 2 - lo ** 2) / (2 * v2)
    assert r["designer_objective"] == pytest.approx(per1 * (1 + v2 / v1))


def test_bkv_third_player_inactive_and_prize_scaling():
    # BKV: with v1 >= v2 > v3 only the two strongest are active; a prize P scales values to v_i P.
    res = allpay([0.5, 2.0, 1.0], [3.0])
    assert res["expected_effort"] == pytest.approx([0.0, 1.5, 0.75])


@pytest.mark.parametrize("values,prizes", [([1.0, 0.5, 0.3], [1.0]), ([1.0, 1.0], [1.0]),
                                           ([1.0] * 4, [0.6, 0.3, 0.1]), ([2.0] * 3, [1.0, 1.0, 0.5])])
def test_complete_info_is_equilibrium(values, prizes):
    # Independent check: no pure bid beats a player's expected equilibrium payoff (integrated numerically).
    strategies = complete_info_equilibrium(values, prizes)
    assert equilibrium_gap(values, prizes, strategies) < 1e-6
    # The check can fail: if the strong player bid U[0, v2/2] instead, the weak one gains by bidding above it.
    if values == [1.0, 0.5, 0.3]:
        bad = list(strategies)
        bad[0] = MixedBid(lambda b: float(np.clip(b / 0.25, 0, 1)), 0.25, 0.0, 0.125)
        assert equilibrium_gap(values, prizes, bad) > 0.05


@pytest.mark.parametrize("n,prizes", [(3, [0.6, 0.3, 0.1]), (4, [1.0, 0.5]), (5, [1.0, 1.0, 1.0, 0.2])])
def test_barut_kovenock_dissipation(n, prizes):
    # Barut and Kovenock (1998): equal values v, prizes w_1 >= ... >= w_n: each player's expected payoff is
    # v w_n, so total expected effort = v (sum w - n w_n) (full rent dissipation).
    v = 1.7
    w = np.concatenate([prizes, np.zeros(n - len(prizes))])
    res = allpay([v] * n, prizes)
    assert res["total_effort"] == pytest.approx(v * (w.sum() - n * w[-1]))
    # The symmetric CDF's mean, computed from the CDF by quadrature, agrees with the closed form.
    from scipy.integrate import quad

    s = complete_info_equilibrium([v] * n, prizes)[0]
    assert quad(s.sf, 0, s.top, limit=200)[0] == pytest.approx(s.mean, rel=1e-6)


@pytest.mark.parametrize("n", [2, 3, 5, 8])
def test_iid_winner_take_all_bid_function(n):
    # Krishna, Auction Theory, all-pay auction with U[0,1] values: b(v) = (n-1)/n v^n.
    c = iid_contest(n, "uniform:0:1")
    b = c.bids([1.0])
    for i in (400, 1000, 2500, 3900):  # exactly on grid points (no interpolation error)
        assert b[i] == pytest.approx((n - 1) / n * c.q[i] ** n, rel=1e-7, abs=1e-14)
    # Expected total effort (n-1)/(n+1) (integral of n (n-1)/n v^n over [0,1]).
    assert iid_allpay(n, [1.0])["total_effort"] == pytest.approx((n - 1) / (n + 1), rel=1e-6)


def test_iid_two_prizes_by_hand():
    # n = 3, U[0,1]: pi_1 = q^2, pi_2 = 2q(1-q); b(q) = w1 (2/3) q^3 + w2 (q^2 - (4/3) q^3) (by hand).
    c = iid_contest(3, "uniform:0:1")
    w1, w2 = 0.7, 0.3
    b = c.bids([w1, w2])
    for i in (500, 1500, 3500):
        q = c.q[i]
        assert b[i] == pytest.approx(w1 * 2 / 3 * q ** 3 + w2 * (q ** 2 - 4 / 3 * q ** 3), rel=1e-7)


def test_iid_equilibrium_by_simulation():
    # Independent check by Monte Carlo: against 4 opponents playing b(.) with abilities ~ beta(2,5), the
    # best bid on a grid for ability v is close to b(v), and gains at most Monte Carlo noise.
    from math import comb

    n, w = 5, np.array([0.5, 0.3, 0.2, 0.0, 0.0])
    c = iid_contest(n, "beta:2:5")
    rng = np.random.default_rng(7)
    abilities = rng.beta(2, 5, 400_000)
    others = np.sort(np.interp(c.distribution.cdf(abilities), c.q, c.bids(w)))
    grid = np.linspace(0, others[-1] * 1.05, 2001)
    p = np.searchsorted(others, grid) / others.size  # P(opponent bids below x)
    rank = np.stack([comb(n - 1, j) * (1 - p) ** j * p ** (n - 1 - j) for j in range(n)], axis=1)
    for v in (0.15, 0.3, 0.5):
        pay = v * rank @ w - grid
        b_eq = float(np.interp(c.distribution.cdf(v), c.q, c.bids(w)))
        eq_pay = float(np.interp(b_eq, grid, pay))
        assert pay.max() - eq_pay < 2e-3
        assert abs(grid[np.argmax(pay)] - b_eq) < 0.05 * max(b_eq, 0.02) + 2e-3


def test_total_effort_prefers_winner_take_all():
    # Moldovanu and Sela (2001), linear costs: winner-take-all maximises total effort; with U[0,1] and
    # n = 5 the total is (n-1)/(n+1) = 2/3 (Krishna).
    d = optimal_prizes(5, make_objective("total"))
    assert d.prizes.tolist() == [1.0, 0.0, 0.0, 0.0, 0.0]
    assert d.value == pytest.approx(2 / 3, rel=1e-6)
    assert np.all(np.diff(d.simple_values) < 0)


def _grid_best(n, obj, dist="uniform:0:1", step=0.02):
    c = iid_contest(n, dist)
    best = -np.inf
    for a1 in np.arange(0, 1 + 1e-9, step):
        for a2 in np.arange(0, 1 - a1 + 1e-9, step):
            a = np.array([a1, a2, max(0.0, 1 - a1 - a2)])
            w = sum(a[k] * simple_contest(k + 1, n) for k in range(n))
            best = max(best, c.objective(c.bids(w), obj))
    return best


@pytest.mark.parametrize("obj", [make_objective("binary", threshold=0.12), make_objective("binary", threshold=0.3),
                                 make_objective("linear", lower=0.02, upper=0.1),
                                 make_objective("linear", lower=0.1, upper=0.25)])
def test_optimal_prizes_beat_grid(obj):
    # Brute force over every non-increasing prize vector on a 0.02 grid of the simplex (n = 3): the
    # optimiser is never worse, and not better than the grid by more than the grid's resolution allows.
    d = optimal_prizes(3, obj, seed=0)
    grid = _grid_best(3, obj)
    assert d.value >= grid - 1e-9
    assert d.value <= grid + 0.05 * max(grid, 1e-3)
    assert d.prizes.sum() == pytest.approx(1.0) and np.all(np.diff(d.prizes) <= 1e-12)


@settings(max_examples=12, deadline=None)
@given(st.integers(2, 6), st.floats(0.0, 0.3), st.floats(0.01, 0.4))
def test_simple_contest_two_approximation(n, lower, width):
    # Elkind-Ghosh-Goldberg: for the linear threshold objective an equal split among the top k is a
    # factor-2 approximation of the optimal rank-order contest.
    obj = make_objective("linear", lower=lower, upper=lower + width)
    d = optimal_prizes(n, obj, seed=1, restarts=3)
    assert d.best_simple_value >= d.value / 2 - 1e-12
    assert d.value >= d.best_simple_value - 1e-12


def test_bad_inputs():
    for args, text in [(([1.0], [1.0]), "2 and"), (([1.0, 0.5], [0.5, 1.0]), "non-increasing"),
                       (([1.0, -1.0], [1.0]), ">= 0"), (([1.0, 0.5], [0.0]), "first prize"),
                       (([1.0, 0.5, 0.2], [1.0, 0.5]), "equal --values"), (([1.0, np.nan], [1.0]), "NaN")]:
        with pytest.raises(FairbidError, match=text):
            allpay(*args)
    with pytest.raises(FairbidError, match="--players"):
        iid_allpay(1, [1.0])
    with pytest.raises(FairbidError, match="--upper"):
        make_objective("linear", lower=0.5, upper=0.2)


def test_large_contests_do_not_overflow():
    # Binomial coefficients C(n-1, j-1) overflow floats beyond n ~ 1030; the log-space pmf does not.
    # Winner-take-all total effort (n-1)/(n+1) (Krishna) and Barut-Kovenock full dissipation still hold.
    n = 1000
    assert iid_allpay(n, [1.0])["total_effort"] == pytest.approx((n - 1) / (n + 1), rel=1e-4)
    res = allpay([1.0] * 3000, [0.5, 0.3, 0.2], make_objective("binary", threshold=1e-4))
    assert res["total_effort"] == pytest.approx(1.0)
    assert 0 < res["designer_objective"] < 3000
