import numpy as np
import pytest

from fairbid.cbim.pricing import adjust_prices, contribution_degree, initial_prices


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
