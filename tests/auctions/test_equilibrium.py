"""Equilibrium bids (Eq. 2) against textbook closed forms, and the numerical check of Theorem 1."""

import numpy as np
import pytest

from fairbid.auctions.equilibrium import (
    bid_function,
    deviation_gain,
    equilibrium_bids,
    first_price_bid,
)
from fairbid.auctions.mechanisms import EqualPossible, FirstPrice, Mixture, SecondPrice
from fairbid.auctions.spec import MechanismSpec
from fairbid.core.errors import FairbidError


@pytest.mark.parametrize("n", [2, 5, 10])
def test_fp_bid_uniform_no_reserve(n):
    # Krishna, Auction Theory (2nd ed.), §2.3: U[0, 1], β(x) = (N − 1)/N · x.
    x = np.linspace(0.0, 1.0, 101)
    np.testing.assert_allclose(first_price_bid(x, "uniform:0:1", n), (n - 1) / n * x, atol=5e-7)
    assert first_price_bid(0.73, "uniform:0:1", n) == pytest.approx((n - 1) / n * 0.73, abs=1e-12)


@pytest.mark.parametrize(("n", "r"), [(2, 0.3), (5, 0.1), (5, 0.5)])
def test_fp_bid_uniform_with_reserve(n, r):
    # Krishna §2.5 (reserve prices), U[0, 1]: β(x) = (N − 1)/N · x + r^N / (N x^{N−1}) for x >= r.
    x = np.linspace(r, 1.0, 81)
    expected = (n - 1) / n * x + r**n / (n * x ** (n - 1))
    np.testing.assert_allclose(first_price_bid(x, "uniform:0:1", n, r), expected, atol=2e-7)
    np.testing.assert_allclose(first_price_bid(x, "uniform:0:1", n, r, method="quad"), expected, atol=1e-10)
    # Below the reserve a bidder does not take part: her bid stays below r.
    assert np.all(first_price_bid(np.array([0.0, r / 2]), "uniform:0:1", n, r) < r)


def test_fp_bid_exponential_closed_form():
    # F(t) = 1 − e^{−t}, N = 2: β(x) = x − ∫_0^x F / F(x) = x − (x − 1 + e^{−x}) / (1 − e^{−x}).
    x = np.linspace(0.05, 8.0, 60)
    expected = x - (x - 1 + np.exp(-x)) / (1 - np.exp(-x))
    np.testing.assert_allclose(first_price_bid(x, "expon:1", 2), expected, atol=1e-6)


@pytest.mark.parametrize("dist", ["beta:2:5", "lognormal:0:0.5", "truncnorm:0.5:0.2:0.1:1"])
def test_fp_bid_grid_agrees_with_quad(dist):
    from fairbid.auctions.distributions import parse_distribution

    x = np.asarray(parse_distribution(dist).ppf(np.linspace(0.05, 0.99, 15)))
    grid = first_price_bid(x, dist, 5, 0.2)
    quad = first_price_bid(x, dist, 5, 0.2, method="quad")
    np.testing.assert_allclose(grid, quad, atol=1e-6)


def test_bids_of_probabilistic_mechanisms_follow_theorem_1():
    # Eqs. 11-12: pFP bids the FP equilibrium with reserve r1, pSP bids truthfully.
    x = np.linspace(0, 1, 41)
    pfp_bids = equilibrium_bids(x, MechanismSpec.pfp(0.3, 0.1, 0.2), "uniform:0:1", 4)
    fp_bids = first_price_bid(x, "uniform:0:1", 4, 0.3)
    np.testing.assert_allclose(pfp_bids, fp_bids, atol=1e-12)
    np.testing.assert_allclose(pfp_bids[x < 0.3], x[x < 0.3])  # r2 <= x < r1 bid truthfully (§IV-B)
    np.testing.assert_array_equal(equilibrium_bids(x, MechanismSpec.psp(0.3, 0.1, 0.2), "uniform:0:1", 4), x)


def test_deviation_utilities_match_hand_computation():
    # N = 2, U[0, 1], FP: against an opponent bidding y/2, bid b wins with prob 2b, so
    # U(b) = 2b(x − b), maximised at b = x/2 with U = x²/2.
    x = np.array([0.2, 0.5, 0.9])
    rep = deviation_gain(MechanismSpec.fp(0.0), None, "uniform:0:1", 2, values=x)
    np.testing.assert_allclose(rep.candidate_utility, x**2 / 2, atol=1e-8)
    np.testing.assert_allclose(rep.best_bids, x / 2, atol=2 * x.max() / 800)


@pytest.mark.parametrize(
    "mechanism",
    [
        MechanismSpec.fp(0.0), MechanismSpec.fp(0.2), MechanismSpec.sp(0.1),
        MechanismSpec.pfp(0.3, 0.1, 0.2), MechanismSpec.pfp(0.2, 0.0, 0.6), MechanismSpec.psp(0.3, 0.1, 0.2),
        Mixture(((0.5, FirstPrice(0.1)), (0.5, EqualPossible(0.05, pool="eligible")))),
    ],
    ids=str,
)
@pytest.mark.parametrize("dist", ["uniform:0:1", "beta:2:5"])
def test_theorem1_mixture_with_simple_mechanism_keeps_equilibrium(mechanism, dist):
    # Theorem 1: FP/SP mixed with a simple mechanism (EP) keeps the base equilibrium: no gain.
    rep = deviation_gain(mechanism, None, dist, 4)
    assert rep.max_gain < 1e-7


@pytest.mark.parametrize("weight_sp", [0.1, 0.5])
def test_theorem1_fails_for_mixture_with_non_simple_mechanism(weight_sp):
    # FP mixed with SP (not simple): the FP bid is no longer a best response; bidding higher pays.
    mix = Mixture(((1 - weight_sp, FirstPrice()), (weight_sp, SecondPrice())))
    fp_strategy = bid_function(MechanismSpec.fp(0.0), "uniform:0:1", 4)
    rep = deviation_gain(mix, fp_strategy, "uniform:0:1", 4)
    assert rep.max_gain > 1e-4
    worst = int(np.argmax(rep.gain))
    assert rep.best_bids[worst] > rep.candidate_bids[worst]


def test_truthful_bidding_in_first_price_is_not_an_equilibrium():
    rep = deviation_gain(MechanismSpec.fp(0.0), lambda x: np.asarray(x), "uniform:0:1", 3)
    # Against two truthful opponents (N = 3) bid b wins with prob b², U(b) = b²(x − b), best at
    # b = 2x/3 with U = 4x³/27; bidding x gives 0. Largest at the top value checked, x = 0.98.
    assert rep.max_gain == pytest.approx(4 * 0.98**3 / 27, rel=1e-4)


def test_equilibrium_bad_inputs():
    with pytest.raises(FairbidError, match="values"):
        first_price_bid([-0.1], "uniform:0:1", 3)
    with pytest.raises(FairbidError, match="N"):
        first_price_bid(0.5, "uniform:0:1", 0)
    with pytest.raises(FairbidError, match="strategy"):
        deviation_gain(MechanismSpec.fp(), lambda x: 1 - np.asarray(x), "uniform:0:1", 3)
