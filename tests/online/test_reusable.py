"""Online allocation of reusable resources (Goyal-Iyengar-Udwani, seed 002)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.core.errors import FairbidError
from fairbid.online import (
    POLICIES,
    brute_force_optimum,
    expected_reward,
    lp_upper_bound,
    make_instance,
    random_instance,
    simulate,
)


def test_simulation_by_hand():
    # One unit, duration 1, requests at 0, .5, 1, 1.5, 2: the unit is taken at 0, back at 1 (free at
    # exactly its return time), taken at 1, back at 2, taken at 2: 3 allocations (hand count).
    inst = make_instance([0, 0.5, 1, 1.5, 2], [[0]] * 5, [2.0], [1], "fixed:1")
    for p in POLICIES:
        assert simulate(inst, p, seed=0)["reward"] == 6.0
    assert brute_force_optimum(inst) == 6.0
    assert lp_upper_bound(inst, integral=True)["value"] == pytest.approx(6.0)


def test_lp_all_at_once():
    # T requests at time 0 on one resource of capacity c: the LP can serve exactly min(T, c) of them.
    inst = make_instance([0.0] * 7, [[0]] * 7, [1.5], [3], "exponential:1")
    assert lp_upper_bound(inst)["value"] == pytest.approx(1.5 * 3, abs=1e-7)


def _tiny(seed):
    rng = np.random.default_rng(seed)
    T, m = 7, 3
    elig = [list(rng.choice(m, size=rng.integers(1, 3), replace=False)) for _ in range(T)]
    return make_instance(np.sort(rng.uniform(0, 3, T)), elig, rng.uniform(0.5, 2.0, m),
                         rng.integers(1, 3, m), [f"fixed:{d:.3f}" for d in rng.uniform(0.2, 2.0, m)])


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_mip_equals_brute_force(seed):
    # Deterministic durations: the clairvoyant MIP is the exact offline optimum (checked by enumerating all
    # (|E_t|+1)^T assignments); the LP relaxation bounds it from above.
    inst = _tiny(seed)
    opt = brute_force_optimum(inst)
    assert lp_upper_bound(inst, integral=True)["value"] == pytest.approx(opt, abs=1e-6)
    assert lp_upper_bound(inst)["value"] >= opt - 1e-7


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_greedy_half_competitive(seed):
    # Greedy is 1/2-competitive against the clairvoyant optimum (recalled in the abstract; Gong et al. 2019);
    # no online policy beats the offline optimum.
    inst = _tiny(seed)
    opt = brute_force_optimum(inst)
    for p in POLICIES:
        v = simulate(inst, p, seed=0)["reward"]
        assert v <= opt + 1e-9
        if p == "greedy":
            assert v >= 0.5 * opt - 1e-9


def test_policies_below_lp():
    # The expected-usage LP upper-bounds every online policy's expected reward (it relaxes the sample
    # path capacity to expectation); the empirical ratio is in (0, 1] up to Monte Carlo error.
    inst = random_instance(8, 300, degree=2, capacity=2, durations="exponential:2", seed=3)
    lp = lp_upper_bound(inst)["value"]
    for p in POLICIES:
        mean, se = expected_reward(inst, p, reps=40, seed=1)
        assert 0.3 * lp < mean <= lp + 4 * se


def test_common_random_numbers_reproducible():
    inst = random_instance(5, 200, seed=1)
    a = simulate(inst, "rank", seed=5)
    b = simulate(inst, "rank", seed=5)
    assert a["reward"] == b["reward"] and np.array_equal(a["choice"], b["choice"])


def test_rank_without_penalty_is_greedy():
    # penalty "none" removes the unit-index discount, so the ranking policy's choices are greedy's.
    inst = random_instance(6, 400, seed=2)
    g = simulate(inst, "greedy", seed=3)
    r = simulate(inst, "rank", penalty="none", seed=3)
    assert np.array_equal(g["choice"], r["choice"])


def test_bad_inputs():
    with pytest.raises(FairbidError, match="no requests"):
        make_instance([], [], [1.0], [1], "fixed:1")
    with pytest.raises(FairbidError, match="non-negative"):
        make_instance([0.0], [[0]], [1.0], [1], "fixed:-2")
    with pytest.raises(FairbidError):
        make_instance([0.0], [[0]], [1.0], [1], "norm:0:1")
    with pytest.raises(FairbidError, match="capacity"):
        make_instance([0.0], [[0]], [1.0], [0], "fixed:1")
    with pytest.raises(FairbidError, match="eligible"):
        make_instance([0.0], [[3]], [1.0], [1], "fixed:1")


def test_recursive_lp_equals_window_lp():
    # Exponential durations are memoryless, so the recursive usage rows are the window rows summed in
    # closed form: the two LPs have the same optimum (window with a negligible tail cut).
    inst = random_instance(10, 400, degree=3, capacity=2, durations="exponential:1.5", seed=4)
    w = lp_upper_bound(inst, formulation="window", tail_tol=1e-13)["value"]
    r = lp_upper_bound(inst, formulation="recursive")["value"]
    assert r == pytest.approx(w, rel=1e-7)
    with pytest.raises(FairbidError, match="recursive"):
        lp_upper_bound(random_instance(3, 10, durations="fixed:1", seed=0), formulation="recursive")


@pytest.mark.parametrize("c", [1, 5, 20])
def test_adversarial_family_greedy_half(c):
    # Two-phase family (docstring of adversarial_instance): greedy = c (1 + eps), optimum = LP = c (2 + eps),
    # greedy ratio (1 + eps) / (2 + eps) -> 1/2, the bound the abstract recalls for greedy.
    from fairbid.online import adversarial_instance

    eps = 0.05
    inst = adversarial_instance(c, eps=eps)
    lp = lp_upper_bound(inst)["value"]
    assert lp == pytest.approx(c * (2 + eps), rel=1e-9)
    assert simulate(inst, "greedy", seed=0)["reward"] == pytest.approx(c * (1 + eps))
    if c >= 5:  # large capacities: the ranking-based policy keeps at least 1 - 1/e (abstract's guarantee)
        assert simulate(inst, "rank", seed=0)["reward"] / lp >= 1 - 1 / np.e
