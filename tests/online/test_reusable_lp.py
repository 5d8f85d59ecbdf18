"""Faster exact encodings/solvers of the reusable-resources offline LP (Goyal-Iyengar-Udwani, seed 002).

The window rows (one term per still-busy past request, any law) are the reference: the Erlang phase
recursions and the interior-point solve must give the same LP value.
"""

from __future__ import annotations

import pytest

from fairbid.core.errors import FairbidError
from fairbid.online import lp_upper_bound, random_instance


@pytest.mark.parametrize("law", ["gamma:2:0:0.5", "erlang:3", "gamma:1:0:2"])
def test_erlang_recursion_equals_window(law):
    # Erlang(k, theta): P(D > l) = e^{-l/theta} sum_{n<k} (l/theta)^n / n!, so the phase sums v^n obey the
    # binomial recursion exactly; the window rows keep every term above 1e-14, so both LPs agree to the
    # solver tolerance.
    for seed in (0, 1):
        inst = random_instance(6, 250, degree=3, capacity=2, durations=law, seed=seed)
        w = lp_upper_bound(inst, formulation="window", tail_tol=1e-14, solver="simplex")["value"]
        r = lp_upper_bound(inst, formulation="recursive")["value"]
        assert r == pytest.approx(w, rel=1e-8)


@pytest.mark.parametrize("law", ["uniform:0:2", "lognormal:0:0.5", "fixed:1"])
def test_ipm_equals_simplex(law):
    # Same LP, two HiGHS algorithms (interior point with crossover, dual simplex): same optimum.
    inst = random_instance(8, 400, degree=3, capacity=2, durations=law, seed=3)
    a = lp_upper_bound(inst, solver="ipm")
    b = lp_upper_bound(inst, solver="simplex")
    assert a["solver"] == "highs-ipm" and b["solver"] == "highs-ds"
    assert a["value"] == pytest.approx(b["value"], rel=1e-8)


def test_bad_choices():
    inst = random_instance(3, 20, durations="lognormal:0:0.5", seed=0)
    with pytest.raises(FairbidError):
        lp_upper_bound(inst, solver="barrier")
    with pytest.raises(FairbidError, match="recursive"):
        lp_upper_bound(inst, formulation="recursive")
