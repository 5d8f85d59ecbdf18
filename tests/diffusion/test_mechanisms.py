"""Vickrey among neighbours, SP-all, network VCG and IDM against hand computations.

Definitions: ../shared/notes/recovered-definitions.md, section 003 (IDM of Li et al. 2017; VCG on the
network; Vickrey among the seller's neighbours).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from fairbid.diffusion import dominator_tree, idm, normalise_idom, run_mechanism, sp_all, vcg, vickrey_neighbours
from fairbid.diffusion.reference import reference_idm_chain_prices

from .conftest import connected_networks


def test_example_by_hand(example):
    # example.json: a .3, b .5, c .4, d .6, e .7, f .55, g .9; dominators: c of {d..g}, d of {e,f,g}.
    # m = g, C_m = (c, d, g). v*(N\d_c) = max(a,b) = .5; v*(N\d_d) = max(a,b,c) = .5;
    # v*(N\d_g) = max(a..f) = .7. c: .4 < .5 passes on; d: .6 < .7 passes on; g wins, pays .7;
    # c is paid .5-.5 = 0, d is paid .7-.5 = .2; seller revenue v*(N\d_c) = .5.
    out = idm(example)
    assert out.winner == "g"
    assert out.payments["g"] == pytest.approx(0.7)
    assert out.payments["d"] == pytest.approx(-0.2)
    assert out.payments["c"] == pytest.approx(0.0)
    assert out.revenue == pytest.approx(0.5)
    assert out.utilities["g"] == pytest.approx(0.2) and out.utilities["d"] == pytest.approx(0.2)
    # VCG: g pays .7; c and d are each paid v_g - v*(N\d_x) = .9 - .5 = .4; revenue .7 - .8 = -.1.
    v = vcg(example)
    assert v.winner == "g"
    assert (v.payments["g"], v.payments["c"], v.payments["d"]) == pytest.approx((0.7, -0.4, -0.4))
    assert v.revenue == pytest.approx(-0.1)
    # Vickrey among s's neighbours a (.3), b (.5): b pays .3.  SP among all: g pays .7.
    vn = vickrey_neighbours(example)
    assert (vn.winner, vn.payments["b"], vn.revenue) == ("b", pytest.approx(0.3), pytest.approx(0.3))
    sp = sp_all(example)
    assert (sp.winner, sp.payments["g"]) == ("g", pytest.approx(0.7))


def test_idm_stops_at_a_critical_ancestor(small):
    # values a1 b2 c3 d4 e5; C_e = (c, d, e). v*(N\d_d) = max(a,b,c) = 3 = v_c, so c keeps the item
    # and pays v*(N\d_c) = max(a,b) = 2; nobody else pays.
    out = idm(small)
    assert out.winner == "c"
    assert out.payments == {"a": 0.0, "b": 0.0, "c": 2.0, "d": 0.0, "e": 0.0}


def test_invalid_buyers_get_nothing(small):
    out = run_mechanism(small.with_report("c", neighbours=[]), "sp-all")
    # d, e invalid: c (3) wins against b (2)
    assert out.winner == "c" and out.payments["c"] == 2.0 and out.win_probability["e"] == 0.0


def test_single_buyer_pays_zero():
    from fairbid.diffusion import make_network

    net = make_network("s", [("s", "a")], {"a": 2.0})
    for m in ("vickrey-neighbours", "sp-all", "vcg", "idm"):
        out = run_mechanism(net, m)
        assert (out.winner, out.payments["a"], out.utilities["a"]) == ("a", 0.0, 2.0)


def test_normalise_idom_handles_both_networkx_formats():
    assert normalise_idom({0: 0, 1: 0, 2: 1}, 3).tolist() == normalise_idom({1: 0, 2: 1}, 3).tolist() == [-1, 0, 1]


@settings(max_examples=40, deadline=None)
@given(connected_networks(max_buyers=8))
def test_idm_chain_matches_brute_force_reachability(net):
    cn = net.compiled
    m = int(cn.bids.argmax())
    chain, prices = reference_idm_chain_prices(cn, m)
    dt = dominator_tree(cn)
    assert dt.chain(m) == chain
    from fairbid.diffusion.idm import outside_prices

    assert outside_prices(dt, cn.bids, chain).tolist() == pytest.approx(prices)


@settings(max_examples=40, deadline=None)
@given(connected_networks(max_buyers=8, misreports=False))
def test_idm_and_vcg_budget_identities(net):
    i, v = idm(net), vcg(net)
    # IDM: revenue >= Vickrey among neighbours (Li et al. 2017); every truthful buyer's utility >= 0.
    assert i.revenue >= vickrey_neighbours(net).revenue - 1e-12
    assert min(i.utilities.values()) >= -1e-12 and min(v.utilities.values()) >= -1e-12
    # VCG allocates to the highest bidder
    cn = net.compiled
    assert v.winner == cn.ids[int(cn.bids.argmax())]


@settings(max_examples=40, deadline=None)
@given(connected_networks(max_buyers=9))
def test_numba_dominators_equal_networkx(net):
    from fairbid.diffusion import immediate_dominators

    cn = net.compiled
    assert immediate_dominators(cn, "numba").tolist() == immediate_dominators(cn, "networkx").tolist()


def test_sra_run_count_is_bounded(small):
    """10^5 protocol runs are minutes; one more is refused before the first run (no hang)."""
    import pytest

    from fairbid.core.errors import FairbidError
    from fairbid.diffusion.mechanisms import MAX_SRA_RUNS, run_mechanism, sra_expected

    with pytest.raises(FairbidError, match="--samples: must be at most 100000"):
        sra_expected(small, samples=MAX_SRA_RUNS + 1)
    with pytest.raises(FairbidError, match="--samples: must be at most 100000"):
        run_mechanism(small, "sra", samples=10**12)
