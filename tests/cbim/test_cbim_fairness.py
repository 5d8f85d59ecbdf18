import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.cbim.fairness import fairness_index, fairness_values, generalized_entropy
from fairbid.core.errors import FairbidError


def test_ge2_is_half_squared_cv_by_hand():
    # x = [1, 2, 3, 6]: mean 3, population variance (4 + 1 + 0 + 9) / 4 = 3.5, CV^2 / 2 = 3.5 / 9 / 2
    assert generalized_entropy([1.0, 2.0, 3.0, 6.0], 2.0) == pytest.approx(3.5 / 9 / 2, rel=1e-12)


def test_theil_and_mld_limits_by_hand():
    # r = x / mean = [0.5, 1.5]; Theil = mean(r ln r), MLD = -mean(ln r)
    theil = (0.5 * math.log(0.5) + 1.5 * math.log(1.5)) / 2
    mld = -(math.log(0.5) + math.log(1.5)) / 2
    assert generalized_entropy([1.0, 3.0], 1.0) == pytest.approx(theil, rel=1e-12)
    assert generalized_entropy([1.0, 3.0], 0.0) == pytest.approx(mld, rel=1e-12)
    # the general formula converges to both limits
    assert generalized_entropy([1.0, 3.0], 1.0 + 1e-7) == pytest.approx(theil, rel=1e-5)
    assert generalized_entropy([1.0, 3.0], 1e-7) == pytest.approx(mld, rel=1e-5)


def test_zero_values_edge_cases():
    assert generalized_entropy([0.0, 0.0]) == 0.0
    assert generalized_entropy([0.0, 2.0], 0.0) == math.inf
    # x = [0, 2]: r = [0, 2]; GE(2) = ((0 - 1) + (4 - 1)) / (2 * 2 * 1) = 0.5
    assert generalized_entropy([0.0, 2.0], 2.0) == pytest.approx(0.5)
    with pytest.raises(FairbidError):
        generalized_entropy([-1.0, 2.0])


def test_both_readings_by_hand():
    spreads, costs = np.array([10.0, 4.0, 3.0]), np.array([2.0, 4.0, 0.0])
    assert fairness_values(spreads, costs).tolist() == [5.0, 1.0, 0.0]
    assert fairness_values(spreads, costs, "unit-cost").tolist() == [0.2, 1.0, 0.0]
    # cost-effectiveness [5, 1, 0]: mean 2, var ((9 + 1 + 4) / 3), GE(2) = var / mean^2 / 2
    assert fairness_index(spreads, costs) == pytest.approx((14 / 3) / 4 / 2)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.01, 1e4), min_size=2, max_size=12), st.floats(0.1, 100.0))
def test_ge2_matches_cv_and_is_scale_invariant(xs, c):
    x = np.array(xs)
    cv2 = x.var() / x.mean() ** 2
    assert generalized_entropy(x, 2.0) == pytest.approx(cv2 / 2, rel=1e-9, abs=1e-12)
    assert generalized_entropy(c * x, 2.0) == pytest.approx(generalized_entropy(x, 2.0), rel=1e-9, abs=1e-12)
