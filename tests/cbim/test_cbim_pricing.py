import numpy as np
import pytest

from fairbid.cbim.pricing import adjust_prices, contribution_degree, initial_prices, price_floor
from fairbid.core.errors import FairbidError


def test_initial_price_is_total_budget_over_seeds():
    # Eq. 3: budgets 3 + 4 + 5 = 12 over 8 seeds
    assert initial_prices(np.array([3.0, 4.0, 5.0]), 8).tolist() == [1.5] * 8


def test_eq4_hand_example():
    # beta = 0.3: PE 2 -> x1.3 (capped), PE 1.1 -> x1.1, PE 0.5 sold -> unchanged, unsold -> x0.7
    got = adjust_prices(np.array([10.0, 20.0, 30.0, 40.0]), np.array([True, True, True, False]),
                        np.array([2.0, 1.1, 0.5, 0.0]), beta=0.3)
    assert got == pytest.approx([13.0, 22.0, 30.0, 28.0])


def test_contribution_degree_history_reading():
    # seed 0: past spreads sum 10 over 1 sale, now 20 -> mean 15 -> PE 4/3
    # seed 1: first sale -> PE 1; seed 2: unsold -> 0; seed 3: past 12 over 2 sales, now 3 -> mean 5 -> 0.6
    pe = contribution_degree(np.array([20.0, 7.0, 0.0, 3.0]), np.array([True, True, False, True]),
                             np.array([10.0, 0.0, 9.0, 12.0]), np.array([1.0, 0.0, 2.0, 2.0]))
    assert pe == pytest.approx([4 / 3, 1.0, 0.0, 0.6])


def test_contribution_degree_cross_section_reading():
    # sold spreads 20, 7, 3 -> mean 10
    pe = contribution_degree(np.array([20.0, 7.0, 0.0, 3.0]), np.array([True, True, False, True]),
                             np.zeros(4), np.zeros(4), "cross-section")
    assert pe == pytest.approx([2.0, 0.7, 0.0, 0.3])


def test_price_floor_stops_the_decay():
    # floor "fair-share" = mean budget / M = 5 / 10 = 0.5 (the initial price 1.0 of Eq. 3 divided by K = 2)
    b = np.array([5.0, 5.0])
    floor = price_floor(b, 10)
    assert floor == 0.5 and price_floor(b, 10, "none") == 0.0 and price_floor(b, 10, 0.2) == 0.2
    p = initial_prices(b, 10)[:1]
    seen = []
    for _ in range(4):  # unsold four times: 1.0 -> 0.7 -> 0.5 (not 0.49) -> 0.5 -> 0.5
        p = adjust_prices(p, np.array([False]), np.array([0.0]), 0.3, floor)
        seen.append(round(float(p[0]), 12))
    assert seen == [0.7, 0.5, 0.5, 0.5]
    # without a floor, the seed's rule as printed: 0.7^4
    q = initial_prices(b, 10)[:1]
    for _ in range(4):
        q = adjust_prices(q, np.array([False]), np.array([0.0]), 0.3)
    assert q[0] == pytest.approx(0.7**4)
    # sold seeds are never touched by the floor; a price already below it is not raised
    assert adjust_prices(np.array([0.1, 0.1]), np.array([True, False]), np.array([2.0, 0.0]), 0.3, 0.5).tolist() \
        == pytest.approx([0.13, 0.1])
    with pytest.raises(FairbidError):
        price_floor(b, 10, "lots")
