"""Nash product rule and conditional utilitarian rule (seed 002, Brandl et al.) against hand solutions."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.choice import (
    FundingInstance,
    conditional_utilitarian,
    instance_from_dict,
    make_instance,
    nash_product_rule,
    nash_welfare,
    npr_dynamics,
    npr_optimality_gap,
    pareto_improvement,
    participation_audit,
    random_instance,
)
from fairbid.core.errors import FairbidError


def test_npr_by_hand():
    # Agents x (B=1, {a}), y (B=2, {b}), z (B=1, {a,b}); total 4, u_z = 4 whatever x is, so NPR maximises
    # log x_a + 2 log(4 - x_a): derivative 1/x_a = 2/(4 - x_a) gives x_a = 4/3, x_b = 8/3 (by hand).
    inst = make_instance([1, 2, 1], [[1, 0], [0, 1], [1, 1]], ["x", "y", "z"], ["a", "b"])
    out = nash_product_rule(inst)
    assert out.distribution == pytest.approx([4 / 3, 8 / 3], rel=1e-8)
    assert out.utilities == pytest.approx([4 / 3, 8 / 3, 4.0], rel=1e-8)
    # z's contribution splits in proportion x_p / u_z: 1/3 to a, 2/3 to b (B_i x_p / u_i by hand).
    assert out.contributions[2] == pytest.approx([1 / 3, 2 / 3], rel=1e-4)


def test_npr_common_project_by_hand():
    # x approves {a,b}, y approves {b,c}, equal budgets: all money on b gives u = (2, 2), and any money on
    # a or c lowers one utility by as much as it raises the other's, so x_b = 2 is the unique optimum.
    inst = make_instance([1, 1], [[1, 1, 0], [0, 1, 1]], projects=["a", "b", "c"])
    assert nash_product_rule(inst).distribution == pytest.approx([0, 2, 0], abs=1e-5)


def test_npr_identical_projects_split_equally():
    # Projects a and b have the same approvers: the ties="equal-split" reading gives them equal money.
    inst = make_instance([1, 3], [[1, 1, 0], [0, 0, 1]], projects=["a", "b", "c"])
    # Merged class {a,b} vs c: maximise log s + 3 log(4 - s): s = 1 (by hand), split 1/2 + 1/2.
    assert nash_product_rule(inst).distribution == pytest.approx([0.5, 0.5, 3.0], rel=1e-8)


def test_cut_by_hand():
    # Approval counts: a 2 (x, z), b 2 (y, z). z's top projects tie, so her 1 splits 1/2, 1/2:
    # x = (1 + 0.5, 2 + 0.5) (by hand).
    inst = make_instance([1, 2, 1], [[1, 0], [0, 1], [1, 1]], projects=["a", "b"])
    assert conditional_utilitarian(inst).distribution == pytest.approx([1.5, 2.5])
    # With score="budget" b's approvers hold 3 > 2, so z's money all goes to b.
    assert conditional_utilitarian(inst, score="budget").distribution == pytest.approx([1.0, 3.0])


def test_cut_not_pareto_efficient():
    # Five agents with budget 1 over a, b, c, d; approvals 1:{a,b} 2:{b,d} 3:{c} 4:{c,d} 5:{a,c}.
    # Counts a 2, b 2, c 3, d 2, so CUT gives x = (0.5, 1, 3, 0.5) and u = (1.5, 1.5, 3, 3.5, 3.5).
    # y = (0, 1.5, 3.5, 0) gives u = (1.5, 1.5, 3.5, 3.5, 3.5): agent 3 gains 0.5, nobody loses (by hand).
    app = [[1, 1, 0, 0], [0, 1, 0, 1], [0, 0, 1, 0], [0, 0, 1, 1], [1, 0, 1, 0]]
    inst = make_instance(np.ones(5), app)
    x = conditional_utilitarian(inst).distribution
    assert x == pytest.approx([0.5, 1.0, 3.0, 0.5])
    gain, y = pareto_improvement(inst, x)
    assert gain * inst.utilities(x).sum() == pytest.approx(0.5, abs=1e-6)  # the LP finds the hand gain
    assert (inst.utilities(y) >= inst.utilities(x) - 1e-6).all()
    # NPR on the same instance is efficient.
    npr = nash_product_rule(inst).distribution
    assert pareto_improvement(inst, npr)[0] < 1e-6


@pytest.mark.parametrize("seed,approve", [(0, 0.05), (1, 0.2), (2, 0.5)])
def test_npr_kkt_on_random_instances(seed, approve):
    # First-order conditions derived by hand (docstring of npr_optimality_gap): g_p <= 1, = 1 where funded.
    inst = random_instance(200, 30, approve=approve, seed=seed)
    out = nash_product_rule(inst)
    assert out.distribution.sum() == pytest.approx(inst.total)
    assert npr_optimality_gap(inst, out.distribution) < 1e-5
    # The convex optimum beats every other rule's Nash welfare, e.g. CUT and the uniform distribution.
    for other in (conditional_utilitarian(inst).distribution, np.full(30, inst.total / 30)):
        assert nash_welfare(inst, out.distribution) >= nash_welfare(inst, other) - 1e-7


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 8), st.integers(2, 6))
def test_npr_pareto_efficient(seed, n, m):
    # Pareto efficiency (Brandl et al.): the HiGHS LP finds no distribution that helps someone and hurts nobody.
    inst = random_instance(n, m, approve=0.5, seed=seed)
    x = nash_product_rule(inst).distribution
    assert pareto_improvement(inst, x)[0] < 1e-6


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 8), st.integers(2, 6))
def test_npr_decomposition(seed, n, m):
    # "spends each agent's contribution only on projects the agent finds acceptable": the decomposition
    # B_i x_p / u_i(x) has rows summing to B_i (by construction) and, at the optimum, columns summing to x_p.
    inst = random_instance(n, m, approve=0.4, seed=seed)
    out = nash_product_rule(inst)
    c = out.contributions
    assert (c[~inst.approvals] == 0).all()
    assert c.sum(axis=1) == pytest.approx(inst.budgets, rel=1e-6)
    assert c.sum(axis=0) == pytest.approx(out.distribution, abs=1e-4 * inst.total)
    assert (out.utilities >= inst.budgets * (1 - 1e-5)).all()  # hence u_i >= B_i


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_npr_participation(seed):
    # Participation (Brandl et al.): contributing less never raises an agent's utility. Measured also: the
    # utility lost is at least the money kept (net gain <= 0; measured <= 3e-12 on 40 random instances).
    inst = random_instance(6, 4, approve=0.4, seed=seed)
    audit = participation_audit(inst, "nash")
    assert audit.max_gain <= 1e-5
    assert audit.max_net_gain <= 1e-9
    assert len(audit.rows["gain"]) == 6 * 4


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_cut_participation(seed):
    # CUT with approval counts: an agent's money only goes to her own approved projects and nobody else's
    # choice depends on budgets, so lowering B_i by d lowers u_i by exactly d (net gain 0, by hand).
    inst = random_instance(6, 4, approve=0.4, seed=seed)
    audit = participation_audit(inst, "utilitarian")
    assert audit.max_gain < 0
    assert audit.max_net_gain == pytest.approx(0.0, abs=1e-12)


def test_instance_from_dict_and_errors():
    inst = instance_from_dict({"budgets": {"x": 1, "y": 2}, "approvals": {"x": ["a"], "y": ["a", "b"]}})
    assert isinstance(inst, FundingInstance) and inst.projects == ("a", "b")
    assert inst.approvals.tolist() == [[True, False], [True, True]]
    bad = [
        ({"budgets": {"x": 1}}, "missing field"),
        ({"budgets": {"x": 1}, "approvals": {"y": ["a"]}}, "exactly the agents"),
        ({"budgets": {"x": "1"}, "approvals": {"x": ["a"]}}, "budgets.x"),
        ({"budgets": {"x": 0}, "approvals": {"x": ["a"]}}, "all be zero"),
        ({"budgets": {"x": 1}, "approvals": {"x": []}}, "at least one project"),
        ({"budgets": {"x": 1}, "approvals": {"x": [3]}}, "approvals.x[0]"),
        ({"budgets": {"x": 1}, "approvals": {"x": ["a"]}, "projects": ["b"]}, "not in projects"),
        ({"budgets": {"x": 1}, "approvals": {"x": ["a"]}, "extra": 1}, "unknown field"),
        ([1, 2], "JSON object"),
    ]
    for doc, text in bad:
        with pytest.raises(FairbidError, match=re.escape(text)):
            instance_from_dict(doc)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 40), st.integers(2, 12), st.floats(0.05, 0.6))
def test_npr_matches_dynamics(seed, n, m, approve):
    # Independent of the convex solver: the paper's dynamic procedure (agents re-spread their money in
    # proportion to current spending; EM for the same objective) reaches the same utilities.
    inst = random_instance(n, m, approve=approve, seed=seed)
    x_dyn = npr_dynamics(inst, tol=1e-10)
    out = nash_product_rule(inst)
    assert out.utilities == pytest.approx(inst.utilities(x_dyn), rel=2e-5, abs=2e-5 * inst.total)
    assert nash_welfare(inst, out.distribution) >= nash_welfare(inst, x_dyn) - 1e-6


def test_npr_tiny_contributions_exact():
    # Disjoint ballots: NPR gives each agent exactly her own contribution (maximise sum B_i log x_i with
    # sum x = sum B: x_i = B_i, by hand), even when the budgets differ by 9 orders of magnitude.
    inst = make_instance([1.0, 1e-9, 3.0], [[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    assert nash_product_rule(inst).distribution == pytest.approx([1.0, 1e-9, 3.0], rel=1e-8)
