"""Mechanisms: vectorized outcomes against brute-force per-auction Python, mixtures, bad bids."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from fairbid.auctions.mechanisms import (
    EqualPossible,
    FirstPrice,
    Mixture,
    SecondPrice,
    flat_components,
    from_spec,
    pfp,
    psp,
    run_auctions,
)
from fairbid.auctions.spec import MechanismSpec
from fairbid.core.errors import FairbidError


def brute_first_price(row, r):
    """Def. 1 with reserve, one auction at a time: highest bid >= r wins (lowest index on ties)."""
    best, who = None, -1
    for i, b in enumerate(row):
        if b >= r and (best is None or b > best):
            best, who = b, i
    return who, (best if who >= 0 else 0.0)


def brute_second_price(row, r):
    """Def. 2 with reserve: the winner pays max(r, highest other bid >= r)."""
    who, _ = brute_first_price(row, r)
    if who < 0:
        return -1, 0.0
    others = [b for i, b in enumerate(row) if i != who and b >= r]
    return who, max([r] + others)


@pytest.mark.parametrize("reserve", [0.0, 0.35, 0.9])
def test_fp_sp_match_brute_force(reserve):
    rng = np.random.default_rng(11)
    bids = np.round(rng.random((300, 4)), 2)  # rounding creates ties, checking the tie rule too
    fp, sp = FirstPrice(reserve).run(bids), SecondPrice(reserve).run(bids)
    for row, wf, pf, ws, ps in zip(bids, fp.winner, fp.payment, sp.winner, sp.payment):
        assert (wf, pf) == brute_first_price(row, reserve)
        assert (ws, ps) == brute_second_price(row, reserve)


def test_ep_matches_brute_force_with_the_same_uniforms():
    # Def. 3: bidder j = floor(u N) is drawn; she wins and pays r if her bid >= r, else no sale.
    rng = np.random.default_rng(5)
    bids = rng.random((200, 5))
    out = EqualPossible(0.4).run(bids, seed=9)
    u = np.random.default_rng(9).random(200)
    for row, ui, w, p in zip(bids, u, out.winner, out.payment):
        j = int(ui * 5)
        assert (w, p) == ((j, 0.4) if row[j] >= 0.4 else (-1, 0.0))


def test_ep_winning_rate_is_one_over_n_whatever_the_bid():
    # Eq. 6: p^0(x; r) = 1/N for every bidder at/above r, independent of the bid's size.
    bids = np.tile([0.05, 0.3, 0.6, 0.99, 0.2], (200_000, 1))
    alloc = EqualPossible(0.25).run(bids, seed=3).allocation(5).mean(axis=0)
    se = np.sqrt(0.2 * 0.8 / 200_000)
    assert alloc[0] == 0.0 and alloc[4] == 0.0
    assert np.all(np.abs(alloc[1:4] - 0.2) < 4 * se)


def test_ep_quality_weights_and_eligible_pool():
    # Footnote 5: bidder i drawn with probability q_i / sum q (all bidders bid above the reserve here).
    q = np.array([1.0, 2.0, 3.0, 4.0])
    bids = np.full((200_000, 4), 0.5)
    freq = EqualPossible(0.1, weights=q).run(bids, seed=1).allocation(4).mean(axis=0)
    target = q / q.sum()
    assert np.all(np.abs(freq - target) < 4 * np.sqrt(target * (1 - target) / 200_000))
    # 'eligible' pool: uniform among the two bids >= r, and every auction sells.
    bids2 = np.tile([0.05, 0.5, 0.7, 0.01], (100_000, 1))
    out = EqualPossible(0.1, pool="eligible").run(bids2, seed=2)
    assert np.all(out.winner >= 0)
    f = out.allocation(4).mean(axis=0)
    assert f[0] == 0 and f[3] == 0 and abs(f[1] - 0.5) < 4 * np.sqrt(0.25 / 100_000)


def test_mixture_draws_components_per_auction_and_delegates():
    bids = np.random.default_rng(0).random((100_000, 3))
    mix = Mixture(((0.3, FirstPrice(0.2)), (0.7, SecondPrice(0.1))))
    out = mix.run(bids, seed=4)
    share = (out.component == 0).mean()
    assert abs(share - 0.3) < 4 * np.sqrt(0.21 / 100_000)
    for j, mech in enumerate((FirstPrice(0.2), SecondPrice(0.1))):
        rows = out.component == j
        ref = mech.run(bids[rows])
        np.testing.assert_array_equal(out.winner[rows], ref.winner)
        np.testing.assert_array_equal(out.payment[rows], ref.payment)


def test_pfp_psp_put_r1_on_the_classical_part_and_lambda_on_ep():
    # Defs. 4-5 and §IV-B: M^pA(r1, r2, λ) = (AP(r1), EP(r2); (1 − λ, λ)).
    assert flat_components(psp(0.4, 0.1, 0.25)) == [(0.75, "sp", 0.4, "all"), (0.25, "ep", 0.1, "all")]
    assert flat_components(pfp(0.4, 0.1, 0.25)) == [(0.75, "fp", 0.4, "all"), (0.25, "ep", 0.1, "all")]
    # A bidder at 0.2 (between r2 and r1) can only win in the EP part, paying r2.
    bids = np.tile([0.2, 0.05], (50_000, 1))
    out = run_auctions(MechanismSpec.psp(0.4, 0.1, 0.25), bids, seed=8)
    assert set(np.unique(out.payment)) <= {0.0, 0.1}
    assert np.all(out.component[out.winner == 0] == 1)
    assert abs((out.winner == 0).mean() - 0.25 / 2) < 4 * np.sqrt(0.125 * 0.875 / 50_000)


def test_allocation_and_payment_helpers():
    bids = np.random.default_rng(1).random((1000, 6))
    out = from_spec(MechanismSpec.psp(0.3, 0.05, 0.4)).run(bids, seed=2)
    alloc, pay = out.allocation(6), out.payments(6)
    assert np.all(alloc.sum(axis=1) == (out.winner >= 0))
    np.testing.assert_allclose(pay.sum(axis=1), out.payment)
    assert np.all(pay[alloc == 0] == 0)


@pytest.mark.parametrize("bad", [[[0.1, -0.2]], [[0.1, np.nan]], [[np.inf, 0.2]], [["a", 0.1]]])
def test_bad_bids_raise_naming_bids(bad):
    with pytest.raises(FairbidError, match=r"^bids: "):
        SecondPrice().run(np.asarray(bad, dtype=object))


def test_bad_mixture_and_weights():
    with pytest.raises(FairbidError, match="sum to 1"):
        Mixture(((0.5, FirstPrice()), (0.2, SecondPrice())))
    with pytest.raises(FairbidError, match="weights"):
        EqualPossible(weights=[1.0, -1.0])
    with pytest.raises(FairbidError, match="reserve"):
        FirstPrice(-0.1)


@settings(max_examples=60, deadline=None)
@given(
    bids=arrays(np.float64, st.tuples(st.integers(1, 20), st.integers(1, 6)), elements=st.floats(0, 10)),
    r=st.floats(0, 5),
)
def test_price_rules_properties(bids, r):
    fp, sp = FirstPrice(r).run(bids), SecondPrice(r).run(bids)
    np.testing.assert_array_equal(fp.winner, sp.winner)  # same allocation rule
    sold = fp.winner >= 0
    assert np.all(sold == (bids.max(axis=1) >= r))
    rows = np.flatnonzero(sold)
    # Each winner holds the highest bid; r <= second price <= first price = winning bid.
    np.testing.assert_array_equal(bids[rows, fp.winner[sold]], bids.max(axis=1)[sold])
    assert np.all((r <= sp.payment[sold]) & (sp.payment[sold] <= fp.payment[sold]))
    assert np.all(fp.payment[~sold] == 0) and np.all(sp.payment[~sold] == 0)
