"""Costly compatibility inspections and deadlock (Immorlica-Kanoria-Lu, seed 002)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.core.errors import FairbidError
from fairbid.online.inspections import deadlock_threshold, run_market, simulate_inspections


def test_pointing_cycle_is_a_deadlock():
    # w0 -> m0 -> w1 -> m1 -> w0: nobody is anybody's mutual favourite, so no inspection ever happens and
    # all four agents are stuck (the abstract's information deadlock, by hand).
    r = run_market([[0, 1], [1, 0]], [[1, 0], [0, 1]])
    assert r == {"matched": 0, "stuck_women": 2, "stuck_men": 2, "inspections": 0}


def test_chain_resolves():
    # w1-m0 are mutual favourites (round 1, success); then w0's favourite left, m1 becomes w0's favourite
    # and m1 already prefers w0: matched in round 2. Two inspections, nobody stuck (by hand).
    r = run_market([[0, 1], [0]], [[1, 0], [0]])
    assert r == {"matched": 2, "stuck_women": 0, "stuck_men": 0, "inspections": 2}


def test_failed_inspection_moves_on():
    # w0 and m0 mutual favourites but incompatible (draw 0.9 >= success 0.5): the pair is dropped, then
    # w0-m1 are mutual favourites and succeed (draw 0.1).
    r = run_market([[0, 1]], [[0], [0]], {(0, 0): 0.9, (0, 1): 0.1}, success=0.5)
    assert r == {"matched": 1, "stuck_women": 0, "stuck_men": 0, "inspections": 2}


def _reference(w_lists, m_lists, draws, success):
    # Independent plain-Python implementation with sets (a different code path from the numba kernel).
    alive = {(w, m) for w, lst in enumerate(w_lists) for m in lst}
    wm, mm = set(), set()
    ins = 0

    def top_w(w):
        return next((m for m in w_lists[w] if (w, m) in alive and m not in mm), None)

    def top_m(m):
        return next((w for w in m_lists[m] if (w, m) in alive and w not in wm), None)

    while True:
        pairs = [(w, top_w(w)) for w in range(len(w_lists)) if w not in wm]
        pairs = [(w, m) for w, m in pairs if m is not None and top_m(m) == w]
        if not pairs:
            break
        for w, m in pairs:
            ins += 1
            if draws[(w, m)] < success:
                wm.add(w)
                mm.add(m)
            else:
                alive.discard((w, m))
    sw = sum(1 for w in range(len(w_lists)) if w not in wm and top_w(w) is not None)
    sm = sum(1 for m in range(len(m_lists)) if m not in mm and top_m(m) is not None)
    return {"matched": len(wm), "stuck_women": sw, "stuck_men": sm, "inspections": ins}


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), nw=st.integers(1, 7), nm=st.integers(1, 7))
def test_kernel_matches_reference(seed, nw, nm):
    rng = np.random.default_rng(seed)
    adj = rng.random((nw, nm)) < 0.6
    w_lists = [list(rng.permutation(np.flatnonzero(adj[w]))) for w in range(nw)]
    m_lists = [list(rng.permutation(np.flatnonzero(adj[:, m]))) for m in range(nm)]
    draws = {(w, int(m)): float(rng.random()) for w in range(nw) for m in w_lists[w]}
    w_lists = [[int(m) for m in lst] for lst in w_lists]
    m_lists = [[int(w) for w in lst] for lst in m_lists]
    assert run_market(w_lists, m_lists, draws, 0.5) == _reference(w_lists, m_lists, draws, 0.5)


def test_deadlock_regimes():
    # Abstract: well-connected markets deadlock, and for fixed women's degree there is deadlock for alpha
    # below a threshold. Sparse (degree 2) markets: almost nobody stuck for alpha >= 1.5; dense
    # (degree 10): a large stuck fraction at alpha = 1; stuck fraction falls as alpha grows.
    sparse = simulate_inspections(3000, 1.5, degree=2, success=0.5, seed=1)["stuck_women"]
    dense = [simulate_inspections(3000, a, degree=10, success=0.5, seed=2)["stuck_women"] for a in (1.0, 3.0, 8.0)]
    assert sparse < 0.01
    assert dense[0] > 0.5 and dense[0] > dense[1] > dense[2]
    t = deadlock_threshold([0.8, 1.5, 3, 6, 12], n=1500, degree=5, reps=1, seed=0)
    assert t["threshold"] is not None and t["threshold"] > 0.8


def test_bad_inputs():
    with pytest.raises(FairbidError):
        simulate_inspections(0, 1.0)
    with pytest.raises(FairbidError):
        simulate_inspections(10, -1.0)
    with pytest.raises(FairbidError):
        simulate_inspections(10, 1.0, success=0)
    with pytest.raises(FairbidError):
        run_market([[0]], [[]])
