"""Numba spread estimates against exact live-edge enumeration and the pure-Python references."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairbid.core.errors import FairbidError
from fairbid.influence import fixed_thresholds, from_edges, spread
from fairbid.influence.reference import (
    counts_per_competitor,
    exact_ic_spread,
    exact_lt_spread,
    simulate_cascade,
    simulate_threshold,
)

from .conftest import random_graph


def test_diamond_ic_matches_hand_computation(diamond):
    # Seed 0, p = 1/2: E = 1 + 1/2 + 1/2 + P(3) (1 + 1/2), P(3) = 1 - (1 - 1/4)^2 = 7/16.
    exact = 1 + 0.5 + 0.5 + (7 / 16) * 1.5
    assert exact_ic_spread(diamond, [0]) == pytest.approx(exact)
    res = spread(diamond, [0], "ic", sims=20000, seed=1)
    assert abs(res.mean[0] - exact) < 4 * res.stderr[0]


@pytest.mark.parametrize("case", range(4))
def test_ic_matches_live_edge_enumeration(case):
    rng = np.random.default_rng(100 + case)
    g = random_graph(rng, n=6, m=11)
    seeds = [0] if case % 2 == 0 else [0, 3]
    exact = exact_ic_spread(g, seeds)
    res = spread(g, [seeds], "ic", sims=20000, seed=case)
    assert abs(res.mean[0] - exact) < 4 * res.stderr[0]


@pytest.mark.parametrize("case", range(4))
def test_lt_matches_live_edge_enumeration(case):
    rng = np.random.default_rng(200 + case)
    g = random_graph(rng, n=7, m=12, weights="wc")
    if case >= 2:  # in-weights summing below 1: half of WC
        g = g.with_weights(g.edges()[2] * 0.5)
    exact = exact_lt_spread(g, [1])
    res = spread(g, [1], "lt", sims=20000, seed=case)
    assert abs(res.mean[0] - exact) < 4 * res.stderr[0]


def test_reference_models_match_exact_spreads():
    rng = np.random.default_rng(7)
    g = random_graph(rng, n=6, m=10, weights="wc")
    ic = [len(simulate_cascade(g, [[0]], rng)) for _ in range(6000)]
    lt = [len(simulate_threshold(g, [[0]], rng)) for _ in range(6000)]
    for draws, exact in ((ic, exact_ic_spread(g, [0])), (lt, exact_lt_spread(g, [0]))):
        assert abs(np.mean(draws) - exact) < 4 * np.std(draws) / np.sqrt(len(draws))


def test_clt_one_competitor_is_lt_simulation_by_simulation():
    import fairbid.influence.estimation as est

    rng = np.random.default_rng(3)
    g = random_graph(rng, n=40, m=160, weights="wc")
    a = spread(g, [[0, 5]], "lt", sims=300, seed=11)
    # The general CLT kernel itself with one competitor, bypassing spread()'s reduction to LT.
    job = est._Job("clt", g, np.array([0, 5], np.int32), np.zeros(2, np.int32), 1, est.seed_int(11), -1, False, None)
    counts, _ = est._run_block(job, 0, 300)
    assert np.array_equal(a.samples, counts)
    # Same thresholds, different code path: the pure-Python CLT with one competitor.
    thr = fixed_thresholds(g, 5)
    ref = len(simulate_threshold(g, [[0, 5]], rng, thresholds=thr))
    assert spread(g, [[0, 5]], "clt", sims=3, seed=5, thresholds="fixed").mean[0] == ref


def test_cic_one_competitor_is_ic():
    import fairbid.influence.estimation as est

    rng = np.random.default_rng(4)
    g = random_graph(rng, n=40, m=160)
    a = spread(g, [[2, 9]], "ic", sims=300, seed=1)
    job = est._Job("cic", g, np.array([2, 9], np.int32), np.zeros(2, np.int32), 1, est.seed_int(1), -1, False, None)
    counts, _ = est._run_block(job, 0, 300)
    assert np.array_equal(a.samples, counts)


@pytest.fixture(params=["dense", "slots"])
def clt_store(request, monkeypatch):
    """Run a CLT test with the dense per-competitor store and with the O(m) slot store."""
    import fairbid.influence.estimation as est

    if request.param == "slots":
        monkeypatch.setattr(est, "DENSE_LIMIT", 0)
    return request.param


# The fixture only sets a module constant for the whole test, so sharing it across examples is fine.
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(graph_seed=st.integers(0, 10_000), ncomp=st.integers(2, 4))
def test_clt_fixed_thresholds_equal_reference_exactly(clt_store, graph_seed, ncomp):
    # Random real weights make exact ties impossible, so CLT with fixed thresholds is deterministic
    # and the kernel must reproduce the dictionary-based reference node for node.
    rng = np.random.default_rng(graph_seed)
    g = random_graph(rng, n=25, m=90)
    nodes = rng.permutation(g.n)[: 2 * ncomp]
    sets = [nodes[2 * c : 2 * c + 2] for c in range(ncomp)]
    thr = 1.0 - rng.random(g.n)
    ref = counts_per_competitor(simulate_threshold(g, sets, rng, thresholds=thr), ncomp)
    got = spread(g, sets, "clt", sims=2, seed=graph_seed, thresholds=thr)
    assert got.samples[0].tolist() == ref.tolist() == got.samples[1].tolist()


@pytest.mark.parametrize("model", ["clt", "cic"])
def test_competitive_models_match_reference_in_law(model, clt_store):
    rng = np.random.default_rng(9)
    g = random_graph(rng, n=12, m=40, weights="wc")
    sets = [[0, 1], [2], [3]]
    sim = simulate_threshold if model == "clt" else simulate_cascade
    ref = np.array([counts_per_competitor(sim(g, sets, rng), 3) for _ in range(4000)])
    got = spread(g, sets, model, sims=8000, seed=2)
    se = np.sqrt(got.stderr**2 + ref.std(axis=0, ddof=1) ** 2 / len(ref))
    assert np.all(np.abs(got.mean - ref.mean(axis=0)) < 4.5 * se)


def test_clt_exact_tie_is_a_fair_coin(clt_store):
    # a (competitor 0) and b (competitor 1) both point to v with WC weight 1/2 each; any threshold
    # <= 1/2 lets both qualify with equal weight 1/2: v goes to each with probability theta<=1/2 * 1/2.
    # P(theta <= 1/2) = 1/2, so E[count_0] = 1 + 1/4 = E[count_1].
    g = from_edges([0, 1], [2, 2])
    res = spread(g, [[0], [1]], "clt", sims=40000, seed=3)
    assert np.all(np.abs(res.mean - 1.25) < 4 * res.stderr)


def test_cic_tie_is_uniform_among_successful_attempts():
    # Seeds a (comp 0) and b (comp 1) reach v with p = 1; v -> w with p = 1. Whoever wins v also
    # gets w, each with probability 1/2: E = 1 + 2 * 1/2 = 2 for both.
    g = from_edges([0, 1, 2], [2, 2, 3], weights="uniform:1.0")
    res = spread(g, [[0], [1]], "cic", sims=20000, seed=4)
    assert np.all(np.abs(res.mean - 2.0) < 4 * res.stderr)
    assert np.all(res.samples.sum(axis=1) == 4)


@pytest.mark.parametrize("model", ["ic", "lt"])
def test_max_steps_on_a_certain_chain(model):
    g = from_edges(np.arange(9), np.arange(1, 10), weights="uniform:1.0")
    for steps, expected in ((0, 1), (3, 4), (None, 10)):
        assert spread(g, [0], model, sims=5, seed=0, max_steps=steps).mean[0] == expected


def test_fixed_thresholds_make_lt_deterministic_and_match_reference():
    rng = np.random.default_rng(12)
    g = random_graph(rng, n=30, m=120, weights="wc")
    res = spread(g, [3], "lt", sims=50, seed=8, thresholds="fixed")
    assert res.stderr[0] == 0.0
    ref = len(simulate_threshold(g, [[3]], rng, thresholds=fixed_thresholds(g, 8)))
    assert res.mean[0] == ref


def test_origins_partition_the_spread():
    # Chain 0 -> 1 -> 2 and 5 -> 6, p = 1: seed 0 accounts for 3 nodes, seed 5 for 2.
    g = from_edges([0, 1, 5], [1, 2, 6], weights="uniform:1.0", labels=np.arange(7))
    res = spread(g, [[0, 5]], "ic", sims=10, return_origins=True)
    assert res.origin_mean[0].tolist() == [3.0, 2.0]
    rng = np.random.default_rng(5)
    g = random_graph(rng, n=30, m=120, weights="wc")
    for model, sets in (("cic", [[0, 1], [2]]), ("clt", [[0, 1], [2]]), ("lt", [[0, 4, 7]])):
        res = spread(g, sets, model, sims=200, seed=1, return_origins=True)
        assert [float(o.sum()) for o in res.origin_mean] == pytest.approx(res.mean.tolist())


def test_lt_origin_is_heaviest_in_neighbour():
    # v=2 has in-edges from seeds 0 (w 0.3) and 1 (w 0.7), thresholds 1: v activates after both
    # push; the heavier in-neighbour (seed 1) gets the credit.
    g = from_edges([0, 1], [2, 2], weights=np.array([0.3, 0.7]))
    res = spread(g, [[0, 1]], "lt", sims=1, thresholds=np.ones(3), return_origins=True)
    assert res.origin_mean[0].tolist() == [1.0, 2.0]


def test_same_numbers_for_any_backend_and_block_split(monkeypatch):
    import fairbid.influence.estimation as sp

    rng = np.random.default_rng(6)
    g = random_graph(rng, n=50, m=200, weights="wc")
    base = spread(g, [[0], [1, 2]], "clt", sims=600, seed=21)
    monkeypatch.setattr(sp, "BLOCK", 64)
    serial = spread(g, [[0], [1, 2]], "clt", sims=600, seed=21, executor="serial")
    assert np.array_equal(base.samples, serial.samples)
    from fairbid.core.executor import Executor

    proc = spread(g, [[0], [1, 2]], "clt", sims=600, seed=21, executor=Executor("process", 2))
    assert np.array_equal(base.samples, proc.samples)
    other = spread(g, [[0], [1, 2]], "clt", sims=600, seed=22)
    assert not np.array_equal(base.samples, other.samples)


def test_input_errors(diamond):
    with pytest.raises(FairbidError, match="disjoint"):
        spread(diamond, [[0, 1], [1]], "clt")
    with pytest.raises(FairbidError, match="not in the graph"):
        spread(diamond, [[7]], "ic")
    with pytest.raises(FairbidError, match="takes one seed set"):
        spread(diamond, [[0], [1]], "ic")
    with pytest.raises(FairbidError, match="repeated"):
        spread(diamond, [[0, 0]], "ic")
    with pytest.raises(FairbidError, match="unknown name"):
        spread(diamond, [0], "sir")
    with pytest.raises(FairbidError, match="thresholds"):
        spread(diamond, [0], "lt", thresholds=np.zeros(5))


@pytest.mark.parametrize("model", ["ic", "lt"])
def test_tracking_origins_does_not_change_the_draws(model):
    # With origins the general kernel runs; without, the specialised one: same samples.
    rng = np.random.default_rng(8)
    g = random_graph(rng, n=60, m=300, weights="wc")
    a = spread(g, [[1, 2, 3]], model, sims=200, seed=5)
    b = spread(g, [[1, 2, 3]], model, sims=200, seed=5, return_origins=True)
    assert np.array_equal(a.samples, b.samples)
    c = spread(g, [[1, 2, 3]], model, sims=200, seed=5, max_steps=2)
    d = spread(g, [[1, 2, 3]], model, sims=200, seed=5, max_steps=2, return_origins=True)
    assert np.array_equal(c.samples, d.samples) and c.mean[0] <= a.mean[0]


@pytest.mark.parametrize("model, single", [("clt", "lt"), ("cic", "ic")])
def test_empty_competitor_is_inert(model, single):
    # An empty (all seeds unsold) competitor gets 0 and leaves the other's cascade unchanged:
    # the other competitor's samples equal the single-competitor model's, draw for draw.
    rng = np.random.default_rng(10)
    g = random_graph(rng, n=40, m=160, weights="wc")
    both = spread(g, [np.array([], dtype=np.int64), [4, 9]], model, sims=200, seed=3)
    alone = spread(g, [[4, 9]], single, sims=200, seed=3)
    assert np.all(both.samples[:, 0] == 0)
    assert np.array_equal(both.samples[:, 1], alone.samples[:, 0])


def test_threshold_seed_keeps_fixed_thresholds_across_simulation_seeds():
    rng = np.random.default_rng(13)
    g = random_graph(rng, n=40, m=160, weights="wc")
    a = spread(g, [2, 3], "lt", sims=4, seed=1, thresholds="fixed", threshold_seed=99)
    b = spread(g, [2, 3], "lt", sims=4, seed=2, thresholds="fixed", threshold_seed=99)
    c = spread(g, [2, 3], "lt", sims=4, seed=3, thresholds=fixed_thresholds(g, 99))
    ref = len(simulate_threshold(g, [[2, 3]], rng, thresholds=fixed_thresholds(g, 99)))
    assert a.mean[0] == b.mean[0] == c.mean[0] == ref


@pytest.mark.parametrize("model", ["ic", "lt", "cic", "clt"])
def test_blocked_nodes_are_never_activated(model):
    # Chain 0 -> 1 -> 2 -> 3 with certain edges (IC p = 1; LT/CLT in-weight 1 >= any threshold):
    # blocking 2 stops the cascade at 1.
    # A second competitor (5 -> 6) keeps the general multi-competitor kernels in play for cic/clt.
    g = from_edges([0, 1, 2, 5], [1, 2, 3, 6], weights="uniform:1.0", labels=np.arange(7))
    sets = [[0]] if model in ("ic", "lt") else [[0], [5]]
    assert spread(g, sets, model, sims=5).mean[0] == 4
    assert spread(g, sets, model, sims=5, blocked=[2]).mean[0] == 2
    with pytest.raises(FairbidError, match="cannot also be a seed"):
        spread(g, sets, model, blocked=[0])


def test_blocked_matches_reference_on_removed_node():
    # Blocking v is the same as deleting v's edges: compare with the exact IC spread of that graph.
    rng = np.random.default_rng(14)
    g = random_graph(rng, n=6, m=11)
    src, dst, w = g.edges()
    keep = (src != 4) & (dst != 4)
    h = from_edges(src[keep], dst[keep], weights=w[keep], labels=np.arange(6))
    res = spread(g, [0], "ic", sims=20000, seed=2, blocked=[4])
    assert abs(res.mean[0] - exact_ic_spread(h, [0])) < 4 * res.stderr[0]
