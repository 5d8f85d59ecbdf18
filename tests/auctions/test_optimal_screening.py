"""Screening with limited information (Chen-Hu-Wang): robust mechanism LP vs minimax pricing LP."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.auctions.screening import minimax_pricing, robust_screening
from fairbid.core.errors import FairbidError


def _menu_worst_case(grid, mean, variance, price) -> float:
    # Independent primal: min over pmfs f on the grid with the moment constraints of sum f t (HiGHS).
    from scipy.optimize import linprog

    g = np.asarray(grid, float)
    A_ub = None if variance is None else [g**2]
    b_ub = None if variance is None else [mean**2 + variance]
    res = linprog(price, A_ub=A_ub, b_ub=b_ub, A_eq=[np.ones_like(g), g], b_eq=[1, mean], bounds=(0, None),
                  method="highs")
    return float(res.fun)


def test_by_hand_mean_only() -> None:
    # Grid {0, 1, 2}, mean 1: pmfs (a, 1 - 2a, a). Price 1 earns 1 - a, price 2 earns 2a; the adversary
    # sets a = 1/3 where they meet: minimax value 2/3, worst pmf uniform (by hand).
    primal, dual = robust_screening([0, 1, 2], 1.0), minimax_pricing([0, 1, 2], 1.0)
    assert primal.revenue == pytest.approx(2 / 3) and dual.revenue == pytest.approx(2 / 3)
    np.testing.assert_allclose(dual.worst_pmf, [1 / 3, 1 / 3, 1 / 3], atol=1e-9)
    # Grid {1, 2}, mean 1.5: the ambiguity set is the single pmf (1/2, 1/2): Myerson price 1 or 2 -> 1.
    assert robust_screening([1, 2], 1.5).revenue == pytest.approx(1.0)


@settings(max_examples=25, deadline=None)
@given(k=st.integers(2, 12), seed=st.integers(0, 10**6), with_var=st.booleans())
def test_minimax_theorem_and_menu(k: int, seed: int, with_var: bool) -> None:
    # Chen-Hu-Wang: robust mechanism value = minimax pricing value (strong duality). The menu the primal
    # returns must be IC and IR (brute force over all type pairs) and its worst case, computed by a
    # separate primal LP over distributions, must equal the reported value.
    rng = np.random.default_rng(seed)
    grid = np.sort(rng.choice(np.arange(0, 50), k, replace=False)).astype(float)
    mean = float(rng.uniform(grid[0], grid[-1]))
    var = None
    if with_var:
        # Smallest variance with this mean on the grid: the two adjacent grid points around the mean;
        # largest: the two extreme points. A bound between keeps the set non-empty.
        b = int(np.searchsorted(grid, mean))
        a = max(b - 1, 0)
        lo = (mean - grid[a]) * (grid[b] - mean)
        hi = (mean - grid[0]) * (grid[-1] - mean)
        var = float(lo + rng.uniform(0.05, 1.0) * (hi - lo)) + 1e-9
    primal, dual = robust_screening(grid, mean, var), minimax_pricing(grid, mean, var)
    assert primal.revenue == pytest.approx(dual.revenue, rel=1e-6, abs=1e-7)
    q, t = primal.allocation, primal.price
    util = grid[:, None] * q[None, :] - t[None, :]
    assert (util.max(axis=1) - np.diag(util)).max() <= 1e-6
    assert np.diag(util).min() >= -1e-6
    assert _menu_worst_case(grid, mean, var, t) == pytest.approx(primal.revenue, rel=1e-6, abs=1e-7)
    # Tightening the set (a variance bound) can only raise the robust revenue.
    if var is not None:
        assert primal.revenue >= robust_screening(grid, mean).revenue - 1e-7


@pytest.mark.parametrize("kw, msg", [
    ({"grid": [0, 1], "mean": 2.0}, "mean"),
    ({"grid": [1, 0], "mean": 0.5}, "strictly increasing"),
    ({"grid": [0, 1, 2], "mean": 1.0, "variance": -1}, "variance"),
    ({"grid": [0, 1, 2], "mean": 0.5, "variance": 0.0}, "empty"),
])
def test_bad_input(kw, msg) -> None:
    with pytest.raises(FairbidError, match=msg):
        robust_screening(**kw)
