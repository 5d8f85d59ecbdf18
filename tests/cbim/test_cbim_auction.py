import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.cbim.auction import run_auction


def reference_auction(bids, prices, budgets):
    """Plain-Python transcription of the §III-A rules (ties go to the lowest index)."""
    remaining = list(budgets)
    winners, payments = [], []
    for j, p in enumerate(prices):
        valid = [(b[j], i) for i, b in enumerate(bids) if b[j] > 0 and b[j] >= p and b[j] <= remaining[i]]
        if not valid:
            winners.append(-1)
            payments.append(0.0)
            continue
        valid.sort(key=lambda t: (-t[0], t[1]))
        win_bid, win = valid[0]
        pay = valid[1][0] if len(valid) > 1 else p
        remaining[win] -= pay
        winners.append(win)
        payments.append(pay)
    return winners, payments, remaining


def test_hand_example():
    # seed 0: bids 5, 3 (price 2) -> 0 wins, pays 3; budgets left 3, 6
    # seed 1: bids 4 (> remaining 3: void), 4 -> 1 wins alone, pays price 2.5
    # seed 2: bids 1 (< price 2: void), 0 -> unsold
    r = run_auction(np.array([[5.0, 4.0, 1.0], [3.0, 4.0, 0.0]]), np.array([2.0, 2.5, 2.0]),
                    np.array([6.0, 6.0]), seed=0)
    assert r.winners.tolist() == [0, 1, -1]
    assert r.payments.tolist() == [3.0, 2.5, 0.0]
    assert r.costs.tolist() == [3.0, 2.5]
    assert r.remaining.tolist() == [3.0, 3.5]
    assert r.effective_bids.tolist() == [[5.0, 0.0, 0.0], [3.0, 4.0, 0.0]]


bid_values = st.one_of(st.floats(0.0, 12.0), st.sampled_from([0.0, 1.0, 2.0, 3.0, 5.0, 10.0]))


@st.composite
def auctions(draw):
    k = draw(st.integers(2, 5))
    m = draw(st.integers(1, 8))
    bids = np.array(draw(st.lists(st.lists(bid_values, min_size=m, max_size=m), min_size=k, max_size=k)))
    prices = np.array(draw(st.lists(st.sampled_from([0.5, 1.0, 2.0, 3.0]), min_size=m, max_size=m)))
    budgets = np.array(draw(st.lists(st.sampled_from([1.0, 3.0, 5.0, 10.0]), min_size=k, max_size=k)))
    return bids, prices, budgets


@settings(max_examples=150, deadline=None)
@given(auctions(), st.integers(0, 2**31))
def test_invariants_and_reference(case, seed):
    bids, prices, budgets = case
    r = run_auction(bids, prices, budgets, seed=seed)
    sold = r.winners >= 0
    # no budget is overspent; money paid equals money received
    assert (r.costs <= budgets + 1e-12).all() and (r.remaining >= -1e-12).all()
    assert r.costs.sum() == pytest.approx(r.payments.sum())
    # each payment at least the starting price and at most the winning bid
    win_bid = bids[r.winners[sold], np.flatnonzero(sold)]
    assert (r.payments[sold] >= prices[sold] - 1e-12).all()
    assert (r.payments[sold] <= win_bid + 1e-12).all()
    assert (r.payments[~sold] == 0).all()
    # same outcome as the reference up to tie-breaking: payments and winning bids agree
    ref_w, ref_p, _ = reference_auction(bids.tolist(), prices.tolist(), budgets.tolist())
    if len(set(map(tuple, bids.T.tolist()))) == bids.shape[1] and not _has_ties(bids):
        assert r.winners.tolist() == ref_w
        assert r.payments.tolist() == pytest.approx(ref_p)


def _has_ties(bids):
    return any(len(set(col)) < len(col) for col in bids.T.tolist())


def test_ties_are_broken_at_random_and_pay_the_tied_bid():
    wins = [run_auction(np.array([[4.0], [4.0]]), np.array([1.0]), np.array([5.0, 5.0]), seed=s).winners[0]
            for s in range(200)]
    # fair coin: 200 draws, P(|share - 0.5| > 0.15) < 1e-5
    assert abs(np.mean(wins) - 0.5) < 0.15
    assert run_auction(np.array([[4.0], [4.0]]), np.array([1.0]), np.array([5.0, 5.0]), seed=0).payments[0] == 4.0
