"""Sharing economy (seed 000, talks 11-12): BD equilibrium, proportional response, audit, assignment."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.cli.main import main
from fairbid.core.errors import FairbidError
from fairbid.online.sharing_assignment import (
    pair_costs,
    random_rides,
    random_roommates,
    rideshare_exact,
    rideshare_match_assign,
    roommate_welfare,
    roommates_approx,
    roommates_exact,
)
from fairbid.online.sharing_protocol import (
    audit_sharing,
    bottleneck_decomposition,
    equilibrium_allocation,
    proportional_response,
    sharing_network,
    sharing_utilities,
)


def _random_net(seed, n, p=0.45, integer=False):
    rng = np.random.default_rng(seed)
    e = np.argwhere(np.triu(rng.random((n, n)) < p, 1))
    w = rng.integers(1, 5, n).astype(float) if integer else rng.random(n) + 0.1
    return sharing_network(list(w), e)


# ------------------------------------------------------------------------------------------------
# Bottleneck decomposition: hand-solved examples
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["flow", "enumerate"])
def test_path_hand_solved(method):
    # Path a-b-c, w = (1, 2, 3). alpha: {a} 2/1, {c} 2/3, {a,c} 2/4, {b} 4/2, {a,b} 6/3, V 6/6.
    # Minimum 1/2 at B = {a, c}, C = {b}: U_a = 1/2, U_c = 3/2, U_b = 4 (= 1 + 3, all a and c own).
    net = sharing_network({"a": 1, "b": 2, "c": 3}, [("a", "b"), ("b", "c")])
    d = bottleneck_decomposition(net, method)
    assert d.alphas == [pytest.approx(0.5)]
    assert d.pairs == [([0, 2], [1])]
    np.testing.assert_allclose(d.utilities, [0.5, 4.0, 1.5], rtol=1e-14)
    # Heavy middle, w = (1, 5, 1): {b} has alpha 2/5 < {a,c}'s 5/2, so B = {b}, C = {a, c}:
    # U_b = 2/5 * 5 = 2 and U_a = U_c = 1 / (2/5) = 5/2 (b's 5 units split evenly).
    net = sharing_network({"a": 1, "b": 5, "c": 1}, [("a", "b"), ("b", "c")])
    d = bottleneck_decomposition(net, method)
    assert d.alphas == [pytest.approx(0.4)] and d.pairs == [([1], [0, 2])]
    np.testing.assert_allclose(d.utilities, [2.5, 2.0, 2.5], rtol=1e-14)


@pytest.mark.parametrize("method", ["flow", "enumerate"])
def test_star_and_components_hand_solved(method):
    # Star, centre 1 and leaves 1, 2, 3: alpha(leaves) = 1/6 is the minimum, so each leaf gets w_i / 6 and
    # the centre gets 6. A separate edge d-e with w = (1, 1) is a block with alpha = 1 (U = w).
    net = sharing_network({"c": 1, "x": 1, "y": 2, "z": 3, "d": 1, "e": 1},
                          [("c", "x"), ("c", "y"), ("c", "z"), ("d", "e")])
    dec = bottleneck_decomposition(net, method)
    assert dec.alphas == [pytest.approx(1 / 6), pytest.approx(1.0)]
    assert dec.pairs[0] == ([1, 2, 3], [0]) and dec.pairs[1] == ([4, 5], [4, 5])
    np.testing.assert_allclose(dec.utilities, [6, 1 / 6, 2 / 6, 3 / 6, 1, 1], rtol=1e-14)
    # Heavy centre 10: alpha({c}) = 6/10, B = {c}, C = leaves, leaf i gets w_i / (6/10).
    net = sharing_network({"c": 10, "x": 1, "y": 2, "z": 3}, [("c", "x"), ("c", "y"), ("c", "z")])
    np.testing.assert_allclose(bottleneck_decomposition(net, method).utilities, [6, 10 / 6, 20 / 6, 30 / 6])
    # An isolated node receives nothing (alpha = 0 pair).
    net = sharing_network({"a": 1, "b": 1, "i": 2}, [("a", "b")])
    d = bottleneck_decomposition(net, method)
    assert d.alphas[0] == 0 and d.pairs[0] == ([2], [])
    np.testing.assert_allclose(d.utilities, [1, 1, 0])


# ------------------------------------------------------------------------------------------------
# Exact flow vs enumeration, structure theorem, PR dynamics, allocation
# ------------------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(1, 8), integer=st.booleans(), p=st.sampled_from([0.3, 0.5, 0.8]))
def test_flow_matches_enumeration(seed, n, integer, p):
    # Two independent computations: parametric min cut on exact integers vs every subset in floats.
    net = _random_net(seed, n, p, integer)
    a = bottleneck_decomposition(net, "flow")
    b = bottleneck_decomposition(net, "enumerate")
    assert a.pairs == b.pairs
    np.testing.assert_allclose(a.alphas, b.alphas, rtol=1e-12)
    np.testing.assert_allclose(a.utilities, b.utilities, rtol=1e-12, atol=1e-14)
    # Wu-Zhang structure: 0 <= alpha_1 < alpha_2 < ... <= 1; for alpha < 1 B is independent and
    # disjoint from C; alpha = 1 only with B = C; total utility = total resource of non-isolated nodes.
    assert all(x < y for x, y in zip(a.alphas, a.alphas[1:])) and a.alphas[-1] <= 1
    adj = {tuple(e) for e in net.edges.tolist()}
    for al, (B, C) in zip(a.alphas, a.pairs):
        if al < 1:
            assert not set(B) & set(C)
            assert not any((min(u, v), max(u, v)) in adj for u in B for v in B)
        else:
            assert B == C
    live = net.degrees() > 0
    assert a.utilities.sum() == pytest.approx(net.weights[live].sum(), rel=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_proportional_response_converges_to_bd(seed):
    # Wu-Zhang (STOC 2007): PR utilities converge to the BD equilibrium. Generic (random real) weights
    # converge fast; we compare after 20000 rounds.
    net = _random_net(seed, 9)
    pr = proportional_response(net, iterations=20000, tol=0.0)
    np.testing.assert_allclose(pr["utilities"], bottleneck_decomposition(net, "flow").utilities, atol=1e-7)


@pytest.mark.parametrize("integer", [False, True])
def test_lp_warm_start_changes_nothing(monkeypatch, integer):
    # On 60 nodes the exact flow starts each level from an LP near-minimizer; the decomposition must be
    # the one plain Dinkelbach (from alpha(V)) finds, and PR (real weights: fast convergence) must agree.
    import fairbid.online.sharing_protocol as sp

    net = _random_net(5, 60, p=0.06, integer=integer)
    warm = bottleneck_decomposition(net, "flow")
    monkeypatch.setattr(sp, "LP_WARM_START", 10**9)
    cold = bottleneck_decomposition(net, "flow")
    assert warm.pairs == cold.pairs and warm.exact == cold.exact and len(warm.pairs) > 1
    if not integer:  # close alphas slow PR down here (7e-6 after 50000 rounds): a loose check
        pr = proportional_response(net, iterations=50000, tol=0.0)
        np.testing.assert_allclose(pr["utilities"], warm.utilities, atol=1e-4)


def test_proportional_response_slow_on_degenerate_block():
    # Integer weights with tight sets inside the alpha = 1 block converge only like 1/t (seen on this
    # instance: error ~ 9 / t); the limit is still the BD utility (U = w on that block).
    rng = np.random.default_rng(1)
    for _ in range(3):  # the 4th draw of this generator is the degenerate instance
        rng.random((10, 10)), rng.integers(1, 10, 10)
    e = np.argwhere(np.triu(rng.random((10, 10)) < 0.3, 1))
    net = sharing_network(list(rng.integers(1, 10, 10).astype(float)), e)
    bd = bottleneck_decomposition(net, "flow").utilities
    errs = [np.abs(proportional_response(net, iterations=t, tol=0.0)["utilities"] - bd).max() for t in (1000, 10000)]
    assert errs[1] < errs[0] / 5 and errs[1] < 2e-3 * net.weights.max()


@pytest.mark.parametrize("seed", range(5))
def test_allocation_is_proportional_response_fixed_point(seed):
    net = _random_net(seed, 10, integer=seed % 2 == 0)
    dec = bottleneck_decomposition(net, "flow")
    al = equilibrium_allocation(net, dec)
    assert al["residual"] < 1e-8
    # Independent check: one PR round from the equilibrium allocation leaves the utilities unchanged
    # and every node sends exactly its resource.
    x = al["x"]
    live = net.degrees() > 0
    np.testing.assert_allclose(np.bincount(al["src"], x, minlength=net.n)[live], net.weights[live], rtol=1e-8)
    pr = proportional_response(net, iterations=1, tol=0.0, x0=np.where(x > 0, x, 0.0) + 0.0)
    np.testing.assert_allclose(pr["utilities"], dec.utilities, rtol=1e-7, atol=1e-9)


def test_path_allocation_hand_solved():
    # Path a-b-c, w = (1, 2, 3): a and c send everything to b; b returns its 2 units in proportion to
    # what it received (1 : 3), i.e. 1/2 to a and 3/2 to c.
    net = sharing_network({"a": 1, "b": 2, "c": 3}, [("a", "b"), ("b", "c")])
    al = equilibrium_allocation(net)
    flows = {(net.nodes[s], net.nodes[d]): x for s, d, x in zip(al["src"], al["dst"], al["x"])}
    assert flows == pytest.approx({("a", "b"): 1, ("b", "c"): 1.5, ("b", "a"): 0.5, ("c", "b"): 3})


def test_disjoint_union_decomposes_per_component():
    # PR dynamics never move resource between components, so the BD utilities of a disjoint union are
    # those of each component alone (checked by enumeration per component against flow on the union).
    a, b = _random_net(21, 6, p=0.6), _random_net(22, 7, p=0.5)
    union = sharing_network(list(a.weights) + list(b.weights),
                            [tuple(x) for x in a.edges.tolist()] + [(x + 6, y + 6) for x, y in b.edges.tolist()])
    u = bottleneck_decomposition(union, "flow").utilities
    np.testing.assert_allclose(u[:6], bottleneck_decomposition(a, "enumerate").utilities, rtol=1e-12)
    np.testing.assert_allclose(u[6:], bottleneck_decomposition(b, "enumerate").utilities, rtol=1e-12)
    # the auditor solves only the deviator's component on large networks; same verdict and truthful
    # utilities as the per-component audit
    big = sharing_network(list(union.weights) * 1, union.edges)
    rep = audit_sharing(big, "need-weight", nodes=["7", "8"], optimise=False)
    sub = audit_sharing(b, "need-weight", nodes=["1", "2"], optimise=False)
    assert [r["truthful_utility"] for r in rep.per_node] == pytest.approx([r["truthful_utility"] for r in sub.per_node])
    assert [r["max_gain"] for r in rep.per_node] == pytest.approx([r["max_gain"] for r in sub.per_node])


# ------------------------------------------------------------------------------------------------
# Truthfulness audit
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(4))
def test_bd_no_profitable_resource_misreport(seed):
    # Cheng-Deng-Qi-Yan (IJCAI 2016): under-reporting the resource never pays. Independent check on top of
    # the audit: U_v(w') is non-decreasing in w' on a fine grid for every node.
    net = _random_net(seed, 8)
    rep = audit_sharing(net, "bd", joint=False, max_exhaustive=0, subset_samples=0)
    assert not rep.profitable and rep.max_gain <= 1e-9
    for i in range(net.n):
        us = [sharing_utilities(net.with_report(i, weight=f * net.weights[i]))[i] for f in np.linspace(0.02, 1, 25)]
        assert np.all(np.diff(us) >= -1e-12)


@pytest.mark.parametrize("seed", range(4))
def test_bd_no_profitable_edge_misreport(seed):
    # The talk's theorem: hiding edges (alone or with a lower resource report) never pays.
    net = _random_net(seed + 10, 9, p=0.5)
    rep = audit_sharing(net, "bd", optimise=False, joint=True, max_exhaustive=8)
    assert not rep.profitable and rep.max_gain <= 1e-9
    assert rep.evaluations > 9 * 20


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(2, 7), integer=st.booleans())
def test_bd_audit_property(seed, n, integer):
    # The talk's theorem as a property: no resource report and no set of hidden edges (nor both) pays.
    rep = audit_sharing(_random_net(seed, n, 0.5, integer), "bd", optimise=False)
    assert not rep.profitable and rep.max_gain <= 1e-9


def test_extreme_weights_exact():
    # Path a-b-c, w = (1e300, 1e-300, 3): B = {a, c}, alpha = 1e-300 / (1e300 + 3) underflows in floats;
    # the exact flow still gives U_b = 1e300 + 3 and U_a = 1e-300 * 1e300 / (1e300 + 3) = 1e-300.
    net = sharing_network({"a": 1e300, "b": 1e-300, "c": 3}, [("a", "b"), ("b", "c")])
    u = bottleneck_decomposition(net, "auto").utilities
    assert u[1] == pytest.approx(1e300) and u[0] == pytest.approx(1e-300) and 0 <= u[2] < 1e-299
    with pytest.raises(FairbidError, match="far apart"):
        bottleneck_decomposition(net, "enumerate")


def test_bd_audit_exact_flow_method():
    # The same verdict with the exact flow decomposition on a 12-node network (auto would enumerate).
    net = _random_net(3, 12, p=0.3, integer=True)
    rep = audit_sharing(net, "bd", method="flow", nodes=[net.nodes[k] for k in range(0, 12, 3)],
                        optimise=False, joint=False, max_exhaustive=4, subset_samples=8)
    assert not rep.profitable and rep.max_gain <= 1e-9


def test_audit_finds_planted_resource_manipulation():
    # need-weight rule: centre c (w = 4) splits in proportion to 1/w of its leaves x (1) and y (3):
    # x gets 4 * 1 / (1 + 1/3) = 3, y gets 1. y reporting w' -> 0 gets 4 (1/w') / (1/w' + 1) -> 4,
    # so y's supremum gain is 3; x's is 1.
    net = sharing_network({"c": 4, "x": 1, "y": 3}, [("c", "x"), ("c", "y")])
    np.testing.assert_allclose(sharing_utilities(net, "need-weight"), [4, 3, 1])
    rep = audit_sharing(net, "need-weight")
    assert rep.profitable and rep.node == "y" and 2.999 < rep.max_gain <= 3
    assert rep.deviation["hidden"] == [] and rep.deviation["weight"] < 1e-3
    # Equal split: what v receives does not depend on v's report, so nothing is found.
    assert not audit_sharing(net, "equal-split").profitable


def test_audit_finds_planted_edge_manipulation():
    # need-degree rule (split in proportion to 1/degree). v ~ a, v ~ b, a ~ l; w = (v 1, a 10, b 1, l 1).
    # a splits 10 over v (deg 2) and l (deg 1) as (1/2 : 1): v gets 10/3, plus b's 1: U_v = 13/3.
    # Hiding v-b makes deg v = 1: v gets 10/2 = 5, a gain of 2/3; nothing else does better.
    net = sharing_network({"v": 1, "a": 10, "b": 1, "l": 1}, [("v", "a"), ("v", "b"), ("a", "l")])
    assert sharing_utilities(net, "need-degree")[0] == pytest.approx(13 / 3)
    rep = audit_sharing(net, "need-degree")
    assert rep.profitable and rep.node == "v"
    assert rep.max_gain == pytest.approx(2 / 3, rel=1e-12) and rep.deviation["hidden"] == ["b"]


def test_withheld_resource_valued_makes_underreporting_pay():
    # If withheld resource were worth 1 per unit, BD would not be truthful. Path a-b-c (1, 1, 1): with a
    # reporting w', B = {a, c}, alpha = 1 / (1 + w'), so a gets w' / (1 + w') + (1 - w') -> 1 as w' -> 0,
    # against 1/2 truthfully: supremum gain 1/2.
    net = sharing_network({"a": 1, "b": 1, "c": 1}, [("a", "b"), ("b", "c")])
    rep = audit_sharing(net, "bd", retained_value=1.0, nodes=["a"])
    assert rep.profitable and 0.4999 < rep.max_gain <= 0.5


def test_sybil_split_is_profitable_and_recomputed_independently():
    # Outside the theorem: node 0 (w 1) ~ 1, 2, 3 and 1 ~ 3, w = (1, 1, 2, 1). Truthfully B = {2},
    # C = {0} (alpha 1/2): U_0 = 2. Split into 0a (w 0.9, edges to 1, 3) and 0b (w 0.1, edge to 2): 0b
    # still receives all of 2's 2 units, 0a sits in the triangle 0a-1-3 where alpha = 1, U = 0.9:
    # total 2.9, gain 0.9 (sup 1 as the split -> 1 : 0, ratio 1.5).
    net = sharing_network([1, 1, 2, 1], [(0, 1), (0, 2), (0, 3), (1, 3)])
    rep = audit_sharing(net, "bd", nodes=["0"], sybil=True, optimise=False, joint=False)
    assert rep.profitable and rep.max_gain == pytest.approx(0.9, rel=1e-9)
    split = sharing_network([0.9, 1, 2, 1, 0.1], [(0, 1), (0, 3), (1, 3), (2, 4)])
    u = bottleneck_decomposition(split, "enumerate").utilities
    assert u[0] + u[4] == pytest.approx(2.9)
    assert rep.per_node[0]["ratio"] == pytest.approx(1.45)


def test_sybil_ratio_observed_below_two():
    # Observed incentive ratio of Sybil splits on random small networks stays below 2 (the bound the
    # literature reports for BD); this is an observation that can fail, not a proof.
    worst = 1.0
    for seed in range(12):
        net = _random_net(seed, 5, p=0.6, integer=True)
        rep = audit_sharing(net, "bd", sybil=True, optimise=False, joint=False)
        worst = max([worst] + [r["ratio"] for r in rep.per_node if r["ratio"] is not None])
    assert 1.0 < worst <= 2.0


# ------------------------------------------------------------------------------------------------
# Roommates
# ------------------------------------------------------------------------------------------------
def test_roommates_hand_solved():
    # People 0, 2 love room 0 (2 each), 1, 3 room 1; 0 and 1 value each other 3. OPT: {0,1} in either
    # room (2 + 6) and {2,3} in the other (2): 10. Pairing-first finds it; rooms-first puts {0,2} in
    # room 0 and {1,3} in room 1: 8. Upper bound: max pairing 6 + max slots 8 = 14.
    v = np.array([[2, 0], [0, 2], [2, 0], [0, 2]], float)
    w = np.zeros((4, 4))
    w[0, 1] = w[1, 0] = 3
    a = roommates_approx(v, w)
    assert a["candidates"] == {"pairing-first": 10, "rooms-first": 8}
    assert a["welfare"] == 10 and a["upper_bound"] == 14
    assert roommates_exact(v, w, "mip")["welfare"] == 10 == roommates_exact(v, w, "brute")["welfare"]
    assert roommate_welfare(v, w, [(0, 2), (1, 3)], [0, 1]) == 8


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), rooms=st.integers(1, 5), kind=st.sampled_from(["uniform", "rooms", "mates", "sparse"]))
def test_roommates_ratio_and_mip(seed, rooms, kind):
    v, w = random_roommates(rooms, seed, kind)
    a = roommates_approx(v, w)
    opt = roommates_exact(v, w, "mip")["welfare"]
    assert opt == pytest.approx(roommates_exact(v, w, "brute")["welfare"], abs=1e-9)
    # the proof in the docstring: OPT / 2 <= max(R*, M*) <= approx <= OPT <= upper bound
    assert opt / 2 - 1e-9 <= a["welfare"] <= opt + 1e-9 <= a["upper_bound"] + 2e-9
    assert roommate_welfare(v, w, a["pairs"], a["rooms"]) == pytest.approx(a["welfare"])


def test_rooms_first_alone_can_be_arbitrarily_bad():
    # Why both candidates are needed: 0 and 1 value each other 1; tiny room values steer rooms-first to
    # put 0 with 2 (welfare 2e-3), while OPT = 2 + 1e-3 (pairing-first finds it).
    v = np.zeros((4, 2))
    v[0, 0] = v[2, 0] = 1e-3  # steer rooms-first to put 0 and 2 together
    w = np.zeros((4, 4))
    w[0, 1] = w[1, 0] = 1
    a = roommates_approx(v, w)
    assert a["candidates"]["rooms-first"] == pytest.approx(2e-3)
    assert a["welfare"] == pytest.approx(roommates_exact(v, w)["welfare"])


def test_roommates_bad_input():
    with pytest.raises(FairbidError, match="two per room"):
        roommates_approx(np.ones((3, 1)), np.zeros((3, 3)))
    with pytest.raises(FairbidError, match=">= 0"):
        roommates_approx(-np.ones((2, 1)), np.zeros((2, 2)))


# ------------------------------------------------------------------------------------------------
# Ridesharing
# ------------------------------------------------------------------------------------------------
def _route_brute(c, s, t, i, j, shared_only=False):
    pts = {"si": s[i], "sj": s[j], "ti": t[i], "tj": t[j]}
    best = np.inf
    for perm in itertools.permutations(pts):
        if perm.index("si") > perm.index("ti") or perm.index("sj") > perm.index("tj"):
            continue
        if shared_only and (perm.index("ti") < perm.index("sj") or perm.index("tj") < perm.index("si")):
            continue
        seq = [c] + [pts[x] for x in perm]
        best = min(best, sum(np.linalg.norm(seq[k + 1] - seq[k]) for k in range(4)))
    return best


@pytest.mark.parametrize("orders", ["all", "shared"])
def test_pair_costs_match_stop_enumeration(orders):
    c, s, t = random_rides(3, seed=4)
    u, cost = pair_costs(c, s, t, orders)
    for k in range(3):
        for i in range(6):
            for j in range(6):
                if i != j:
                    assert cost[k, i, j] == pytest.approx(_route_brute(c[k], s, t, i, j, orders == "shared"))
    # u(i, j) = the best route from either pick-up (as if a car stood on s_i or on s_j; by the triangle
    # inequality a detour from s_i to s_j first never beats starting at s_j)
    sh = orders == "shared"
    for i, j in [(0, 1), (2, 5), (4, 3)]:
        assert u[i, j] == pytest.approx(min(_route_brute(s[i], s, t, i, j, sh), _route_brute(s[j], s, t, i, j, sh)))


def test_rideshare_hand_solved():
    # Two cars at (0,0) and (5,5); requests on the lines above them: each car drives 0->1->2->3->4 = 4.
    c = np.array([[0, 0], [5, 5]], float)
    s = np.array([[0, 1], [0, 2], [5, 6], [5, 7]], float)
    t = np.array([[0, 3], [0, 4], [5, 8], [5, 9]], float)
    r = rideshare_match_assign(c, s, t)
    assert r["cost"] == pytest.approx(8) and r["pairing_cost"] == pytest.approx(6)
    assert rideshare_exact(c, s, t)["cost"] == pytest.approx(8)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), n=st.integers(1, 5), kind=st.sampled_from(["uniform", "clustered"]),
       orders=st.sampled_from(["all", "shared"]))
def test_rideshare_ratio_within_bei_zhang_bound(seed, n, kind, orders):
    c, s, t = random_rides(n, seed, kind=kind)
    a = rideshare_match_assign(c, s, t, orders)
    opt = rideshare_exact(c, s, t, orders, "brute")["cost"]
    assert opt == pytest.approx(rideshare_exact(c, s, t, orders, "mip")["cost"], rel=1e-9)
    assert opt - 1e-9 <= a["cost"] <= 2.5 * opt + 1e-9  # Bei-Zhang AAAI 2018: ratio <= 2.5 in a metric


# ------------------------------------------------------------------------------------------------
# CLI
# ------------------------------------------------------------------------------------------------
def _json(capsys):
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def test_cli_sharing_contract(capsys, tmp_path):
    f = tmp_path / "n.json"
    f.write_text(json.dumps({"weights": {"a": 1, "b": 2, "c": 3}, "edges": [["a", "b"], ["b", "c"]]}))
    assert main(["online", "sharing", "--instance", str(f), "--audit", "--json"]) == 0
    res = _json(capsys)
    assert res["utilities"] == pytest.approx({"a": 0.5, "b": 4.0, "c": 1.5})  # hand-solved path above
    assert res["audit"]["profitable"] is False and res["audit"]["max_gain"] <= 1e-9
    assert res["proportional_response"]["max_abs_diff"] < 1e-9


def test_cli_assignment_contracts(capsys, tmp_path):
    f = tmp_path / "r.json"
    f.write_text(json.dumps({"room_values": [[2, 0], [0, 2], [2, 0], [0, 2]],
                             "roommate_values": [[0, 3, 0, 0], [3, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]}))
    assert main(["online", "roommates", "--instance", str(f), "--json"]) == 0
    res = _json(capsys)
    assert res["welfare"] == 10 and res["optimum"]["welfare"] == pytest.approx(10)  # test_roommates_hand_solved
    g = tmp_path / "c.json"
    g.write_text(json.dumps({"cars": [[0, 0], [5, 5]], "sources": [[0, 1], [0, 2], [5, 6], [5, 7]],
                             "destinations": [[0, 3], [0, 4], [5, 8], [5, 9]]}))
    assert main(["online", "rideshare", "--instance", str(g), "--json"]) == 0
    res = _json(capsys)
    assert res["cost"] == pytest.approx(8) and res["ratio"] == pytest.approx(1)


@pytest.mark.slow
def test_sharing_experiment(tmp_path):
    from fairbid.core.executor import Executor
    from fairbid.core.experiments import ExperimentContext
    from fairbid.core.rundir import RunDir
    from fairbid.online.experiments import sharing_exp

    s = sharing_exp(ExperimentContext("quick", 0, Executor("serial"), RunDir(tmp_path)))
    # BD: no profitable resource/edge misreport (the talk); the need rules are caught; Sybil pays but stays
    # within ratio 2 here; approximation ratios inside their proven bounds (1/2 and Bei-Zhang's 2.5).
    assert s["bd_max_gain_resource_edges"] <= 1e-9
    assert s["need_weight_max_gain"] > 0.1 and s["need_degree_max_gain"] > 0.01
    assert 1 < s["bd_max_sybil_ratio"] <= 2
    assert 0.5 <= s["roommates_worst_search"] <= s["roommates_min_ratio"] <= 1 + 1e-9
    assert 1 - 1e-9 <= s["rideshare_max_ratio"] <= s["rideshare_worst_search"] <= 2.5
    assert (tmp_path / "figures" / "sharing.png").exists() and (tmp_path / "notes.html").exists()


def test_cli_audit_nodes_option(capsys, tmp_path):
    f = tmp_path / "n.json"
    f.write_text(json.dumps({"weights": {"c": 4, "x": 1, "y": 3}, "edges": [["c", "x"], ["c", "y"]]}))
    assert main(["online", "sharing", "--instance", str(f), "--audit", "--rule", "need-weight", "--nodes", "x",
                 "--json"]) == 0
    res = _json(capsys)["audit"]
    # need-weight star of test_audit_finds_planted_resource_manipulation: x's supremum gain is 4 - 3 = 1
    assert [r["node"] for r in res["per_node"]] == ["x"] and 0.999 < res["max_gain"] <= 1
    assert main(["online", "sharing", "--instance", str(f), "--audit", "--nodes", "q"]) == 2
    assert "--nodes" in capsys.readouterr().err


@pytest.mark.parametrize("cmd,payload,needle", [
    ("sharing", {"weights": {"a": -1, "b": 1}, "edges": [["a", "b"]]}, "weights['a']"),
    ("sharing", {"weights": {"a": 1, "b": 1}, "edges": [["a", "a"]]}, "self-loop"),
    ("sharing", {"weights": {"a": 1, "b": 1}, "edges": [["a", "z"]]}, "without a weight"),
    ("sharing", {"weights": {"a": 1, "b": 1}, "edges": [["a", "b"], ["b", "a"]]}, "duplicate"),
    ("roommates", {"room_values": [[1], [1], [1]], "roommate_values": [[0] * 3] * 3}, "two per room"),
    ("roommates", {"room_values": [[1], [-1]], "roommate_values": [[0, 1], [1, 0]]}, ">= 0"),
    ("rideshare", {"cars": [[0, 0]], "sources": [[0, 1]], "destinations": [[0, 2]]}, "2 requests per car"),
])
def test_cli_bad_input_one_line(capsys, tmp_path, cmd, payload, needle):
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(payload))
    assert main(["online", cmd, "--instance", str(f), "--json"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:") and needle in err[0]
