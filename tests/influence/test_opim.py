"""OPIM-C, subset sampling and the greedy's OPT bound against exact enumeration and brute force.

Independent references: every live-edge world of a <= 12-edge graph is enumerated (IC: each edge live
with its probability; LT: each node keeps at most one in-edge, edge u->v with probability w(u,v), Kempe,
Kleinberg, Tardos KDD 2003, Thm 2.5), reachability by plain BFS; OPT by trying every k-set.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy.stats import binom, chi2, chi2_contingency

from fairbid.core.errors import FairbidError
from fairbid.influence import from_edges, opim, select_seeds
from fairbid.influence.reference import brute_force_best, exact_ic_spread, exact_lt_spread
from fairbid.influence.rng import base_seed
from fairbid.influence.rrsets import RRCollection, build_buckets, max_coverage

from .conftest import random_graph


def _worlds(graph, model):
    """Yield ``(probability, live in-edge list per node)`` for every live-edge world."""
    src, dst, w = graph.edges()
    src, dst, w = src.tolist(), dst.tolist(), w.tolist()
    if model == "ic":
        for live in itertools.product((0, 1), repeat=len(src)):
            p = 1.0
            ins = [[] for _ in range(graph.n)]
            for e, on in enumerate(live):
                p *= w[e] if on else 1.0 - w[e]
                if on:
                    ins[dst[e]].append(src[e])
            yield p, ins
        return
    by_node = [[(src[e], w[e]) for e in range(len(src)) if dst[e] == v] for v in range(graph.n)]
    options = [[(None, 1.0 - sum(x for _, x in es))] + es for es in by_node]
    for pick in itertools.product(*options):
        p = math.prod(q for _, q in pick)
        yield p, [[u] if u is not None else [] for u, _ in pick]


def exact_reach_matrix(graph, model):
    """``P[u, v]`` = probability that ``v`` is activated from ``{u}`` (= u in an RR set rooted at v)."""
    n = graph.n
    P = np.zeros((n, n))
    for p, ins in _worlds(graph, model):
        for v in range(n):  # reverse BFS from v over live in-edges: who reaches v
            seen = {v}
            stack = [v]
            while stack:
                x = stack.pop()
                for u in ins[x]:
                    if u not in seen:
                        seen.add(u)
                        stack.append(u)
            for u in seen:
                P[u, v] += p
    return P


def empirical_reach(graph, model, sampling, count, seed):
    rr = RRCollection(graph, model, base_seed(seed), sampling)
    rr.grow_to(count)
    n = graph.n
    hits = np.zeros((n, n))
    roots = np.zeros(n)
    for j in range(rr.count):
        members = rr.nodes[rr.ptr[j]:rr.ptr[j + 1]]
        root = members[0]  # the generator stores the root first
        roots[root] += 1
        hits[members, root] += 1
    return hits, roots, rr


# Unequal weights for _hub_graph: the hub's in-edges fall in 4 buckets, {0.9, 0.5} (q = 1), {0.25} (q = 1/2),
# {0.12} (q = 1/8), {0.04} (q = 1/16), with bucket edges 0.5 and 0.25 exactly on a boundary 2^-j.
VARIED = np.array([0.9, 0.5, 0.25, 0.12, 0.04, 0.6, 0.35, 0.7, 0.2, 0.8, 0.45])


def _hub_graph(weights):
    # Node 5 has 5 in-edges (subset sampling's geometric skips run at >= 4 in-edges), plus a chain: 11 edges.
    src = [0, 1, 2, 3, 4, 5, 6, 0, 1, 7, 6]
    dst = [5, 5, 5, 5, 5, 6, 7, 6, 2, 0, 3]
    return from_edges(src, dst, weights=VARIED if weights == "varied" else weights, labels=np.arange(8))


def _bucketed(g):
    """``g`` with bucketed subset sampling on every node with >= 4 unequal in-edges (no cost rule), checked."""
    idx = build_buckets(g.in_indptr, g.in_indices, g.in_weights, g.in_common_p, 4, 0.0)
    node_ptr, info, edges = idx
    lo, hi, q = info[:, 0].astype(np.int64), info[:, 1].astype(np.int64), info[:, 2]
    src = (edges & np.uint64(0xFFFFFFFF)).astype(np.int64)
    prob = np.zeros(g.m)
    for b in range(len(q)):  # decode p_e = q * threshold / 2^31 (to within q 2^-31)
        prob[lo[b]:hi[b]] = q[b] * (edges[lo[b]:hi[b]] >> np.uint64(32)).astype(float) / 2.0**31
    assert node_ptr[-1] > 0
    for v in range(g.n):
        for b in range(node_ptr[v], node_ptr[v + 1]):
            assert g.in_indptr[v] <= lo[b] < hi[b] <= g.in_indptr[v + 1]
            pb = prob[lo[b]:hi[b]]
            assert np.all((pb <= q[b] + 1e-9) & (pb >= q[b] / 2 - 1e-9))
        a, z = g.in_indptr[v], g.in_indptr[v + 1]
        if node_ptr[v + 1] > node_ptr[v]:  # a permutation of v's in-edges, sorted by decreasing probability
            live = g.in_weights[a:z] > 0
            order = np.argsort(-g.in_weights[a:z], kind="stable")[: live.sum()]
            assert np.array_equal(src[a:a + live.sum()], g.in_indices[a:z][order])
            assert np.allclose(prob[a:a + live.sum()], g.in_weights[a:z][order], rtol=0, atol=1e-9)
    g.__dict__["in_buckets"] = idx  # the Graph.in_buckets cached property
    return g


@pytest.mark.parametrize("model,weights,sampling", [
    ("ic", "wc", "subset"), ("ic", "uniform:0.3", "subset"), ("ic", "uniform:0.3", "vanilla"), ("lt", "wc", "subset"),
    ("ic", "varied", "subset"), ("ic", "varied", "vanilla"), ("lt", "varied", "subset"),
])
def test_rr_membership_equals_exact_activation_probability(model, weights, sampling):
    g = _hub_graph(weights)
    if weights == "varied" and model == "lt":  # LT needs in-weights summing to <= 1 at every node
        g = g.with_weights(g.weights / np.maximum(np.bincount(g.indices, g.weights, g.n)[g.indices], 1.0))
    if weights == "varied" and sampling == "subset":
        g = _bucketed(g)  # the hub (5 in-edges, 4 buckets) takes the bucketed path
    assert g.m <= 12
    exact = exact_reach_matrix(g, model)
    hits, roots, _ = empirical_reach(g, model, sampling, 160_000, seed=11)
    emp = hits / roots[None, :]
    se = np.sqrt(np.clip(exact * (1 - exact), 1e-12, None) / roots[None, :])
    # 5 standard errors per cell, 64 cells: a false alarm has probability < 1e-4.
    assert np.all(np.abs(emp - exact) <= 5 * se + 1e-9), np.max(np.abs(emp - exact) / (se + 1e-12))
    # And the RR identity sigma({u}) = n Pr[u in RR] against the library's own exact spread.
    ref = exact_ic_spread if model == "ic" else exact_lt_spread
    for u in (0, 5, 6):
        assert exact[u].sum() == pytest.approx(ref(g, [u]), abs=1e-9)


def test_subset_and_vanilla_sampling_agree_in_distribution():
    # Chi-square homogeneity test on the full content of RR sets rooted at the hub (node 5, WC: each of its 5
    # in-edges live with probability 1/5). Fixed seeds, so the test is deterministic; a wrong skip length
    # (e.g. Geometric off by one) gives p-values around 1e-100 here.
    g = _hub_graph("wc")
    tables = []
    for sampling, seed in (("subset", 1), ("vanilla", 2)):
        rr = RRCollection(g, "ic", base_seed(seed), sampling)
        rr.grow_to(60_000)
        counts: dict[int, int] = {}
        for j in range(rr.count):
            m = rr.nodes[rr.ptr[j]:rr.ptr[j + 1]]
            if m[0] == 5:
                key = int(np.sum(1 << m.astype(np.int64)))
                counts[key] = counts.get(key, 0) + 1
        tables.append(counts)
    keys = sorted(set(tables[0]) | set(tables[1]))
    table = np.array([[t.get(k, 0) for k in keys] for t in tables], dtype=float)
    big = table.sum(axis=0) >= 40
    table = np.column_stack([table[:, big], table[:, ~big].sum(axis=1)])
    assert table.shape[1] > 10
    p = chi2_contingency(table)[1]
    assert p > 1e-3
    # And subset sampling matches the exact law: P(exactly j of 5 live) = Binomial(5, 1/5) on a bare 5-leaf star.
    star = from_edges([0, 1, 2, 3, 4], [5, 5, 5, 5, 5], weights="wc", labels=np.arange(6))
    sizes = np.zeros(6)
    rr = RRCollection(star, "ic", base_seed(3), "subset")
    rr.grow_to(60_000)
    for j in range(rr.count):
        m = rr.nodes[rr.ptr[j]:rr.ptr[j + 1]]
        if m[0] == 5:
            sizes[np.count_nonzero(m < 5)] += 1
    expected = binom.pmf(np.arange(6), 5, 0.2) * sizes.sum()
    stat = ((sizes - expected) ** 2 / expected).sum()
    assert stat < 20.5  # chi-square, 5 degrees of freedom, 0.999 quantile


def _varied_star(seed=0):
    """Node 20 with 20 in-edges of varied probabilities (log-uniform in [0.003, 1], plus exactly 1, 1/2 and 0)."""
    p = 10.0 ** np.random.default_rng(seed).uniform(-2.5, 0.0, size=20)
    p[:3] = (1.0, 0.5, 0.0)
    return from_edges(np.arange(20), np.full(20, 20), weights=p, labels=np.arange(21)), p


def _hub_sets(g, sampling, seed, count, hub):
    rr = RRCollection(g, "ic", base_seed(seed), sampling)
    rr.grow_to(count)
    ptr = rr.ptr[: rr.count + 1]
    return [rr.nodes[ptr[j] + 1:ptr[j + 1]] for j in np.flatnonzero(rr.nodes[ptr[:-1]] == hub)]


def test_bucketed_subset_sampling_agrees_with_vanilla_in_distribution():
    # Chi-square homogeneity on the full content (bitmask) of RR sets rooted at a node with 20 in-edges of varied
    # probabilities, bucketed subset sampling vs one coin per edge; rare patterns pooled. Fixed seeds. Then the
    # number of live in-edges under subset sampling against its exact Poisson-binomial law.
    g, p = _varied_star()
    g = _bucketed(g)
    assert g.in_buckets[0][21] - g.in_buckets[0][20] >= 5
    tables = []
    for sampling, seed in (("subset", 1), ("vanilla", 2)):
        counts: dict[int, int] = {}
        for m in _hub_sets(g, sampling, seed, 400_000, 20):
            key = int(np.sum(1 << m.astype(np.int64)))
            counts[key] = counts.get(key, 0) + 1
        tables.append(counts)
    keys = sorted(set(tables[0]) | set(tables[1]))
    table = np.array([[t.get(k, 0) for k in keys] for t in tables], dtype=float)
    big = table.sum(axis=0) >= 40
    table = np.column_stack([table[:, big], table[:, ~big].sum(axis=1)])
    assert table.shape[1] > 20
    assert chi2_contingency(table)[1] > 1e-3
    law = np.zeros(21)
    law[0] = 1.0
    for x in p:  # Poisson-binomial by dynamic programming
        law[1:] = law[1:] * (1 - x) + law[:-1] * x
        law[0] *= 1 - x
    sets = _hub_sets(g, "subset", 3, 400_000, 20)
    sizes = np.bincount([len(m) for m in sets], minlength=21).astype(float)
    expected = law * len(sets)
    big = expected >= 5
    obs = np.append(sizes[big], sizes[~big].sum())
    exp = np.append(expected[big], expected[~big].sum())
    stat = ((obs - exp) ** 2 / exp).sum()
    assert stat < chi2.ppf(0.999, obs.size - 1)


def test_bucketed_subset_sampling_edge_inclusion_matches_probability():
    # Each in-edge of the 20-edge node is live with its own probability: per-edge frequency within two-sided
    # binomial 0.9999 bounds (20 edges: a false alarm below 0.2%); p = 1 always, p = 0 never.
    g, p = _varied_star(seed=1)
    g = _bucketed(g)
    sets = _hub_sets(g, "subset", 5, 600_000, 20)
    n = len(sets)
    freq = np.bincount(np.concatenate(sets), minlength=21)[:20]
    assert freq[0] == n and freq[2] == 0
    assert np.all(freq >= binom.ppf(5e-5, n, p)) and np.all(freq <= binom.isf(5e-5, n, p)), (freq / n, p)


def test_default_buckets_only_where_they_pay():
    # Trivalency: a 10-in-edge node keeps one coin per edge (3 buckets cost more than 10 coins); a 300-in-edge
    # node is bucketed by default, and its sets still match vanilla's per-edge frequencies.
    src = np.concatenate([np.arange(300), np.arange(10)])
    dst = np.concatenate([np.full(300, 300), np.full(10, 301)])
    g = from_edges(src, dst, weights="trivalency", seed=3, labels=np.arange(302))
    node_ptr = g.in_buckets[0]
    assert node_ptr[301] > node_ptr[300] and node_ptr[302] == node_ptr[301]
    assert node_ptr[300] == 0
    w = g.in_weights[g.in_indptr[300]:g.in_indptr[301]]
    sets = _hub_sets(g, "subset", 7, 3_000_000, 300)
    n = len(sets)
    freq = np.bincount(np.concatenate(sets), minlength=302)[g.in_indices[g.in_indptr[300]:g.in_indptr[301]]]
    for level in np.unique(w):  # pooled per probability level
        k = int(freq[w == level].sum())
        trials = n * int((w == level).sum())
        assert binom.ppf(5e-5, trials, level) <= k <= binom.isf(5e-5, trials, level)


@pytest.mark.parametrize("weights", ["wc", "uniform:0.2", "trivalency"])
def test_bucket_index_fast_path_equals_the_kernel(weights):
    # Graph.in_buckets skips the numba kernel when no node qualifies (wc, uniform:P give every node one
    # in-edge probability); its arrays must equal what build_buckets computes for the same graph.
    from fairbid.influence.rrsets import BUCKET_COST, BUCKET_MIN_DEG

    src = np.concatenate([np.arange(300), np.arange(10)])
    dst = np.concatenate([np.full(300, 300), np.full(10, 301)])
    g = from_edges(src, dst, weights=weights, seed=3, labels=np.arange(302))
    want = build_buckets(g.in_indptr, g.in_indices, g.in_weights, g.in_common_p, BUCKET_MIN_DEG, BUCKET_COST)
    got = g.in_buckets
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
    # the edge words matter only inside buckets; without buckets the kernel leaves them all zero
    assert np.array_equal(got[2], want[2]) if weights == "trivalency" else not want[2].any()
    assert (weights == "trivalency") == bool(got[0][-1] > 0)


def test_greedy_upper_bound_is_valid_and_coverage_exact():
    # Random RR collections: the greedy's coverage is what it claims, and 'upper' bounds the best k-set's
    # coverage found by brute force (submodularity bound, Tang et al. 2018 Sec. 4.2).
    rng = np.random.default_rng(5)
    for _ in range(30):
        n, nsets, k = 7, int(rng.integers(5, 40)), int(rng.integers(1, 4))
        sets = [rng.choice(n, size=int(rng.integers(1, 4)), replace=False) for _ in range(nsets)]
        nodes = np.concatenate(sets).astype(np.int32)
        ptr = np.concatenate([[0], np.cumsum([len(s) for s in sets])]).astype(np.int64)
        seeds, cov, upper = max_coverage(nodes, ptr, nsets, n, k)
        hit = sum(1 for s in sets if set(s.tolist()) & set(seeds.tolist()))
        best = max(sum(1 for s in sets if set(s.tolist()) & set(c)) for c in itertools.combinations(range(n), k))
        assert cov == hit
        assert best <= upper <= nsets
        assert cov >= (1 - 1 / math.e) * best


@pytest.mark.parametrize("model", ["ic", "lt"])
def test_opim_k2_meets_guarantee_against_brute_force(model):
    ref = exact_ic_spread if model == "ic" else exact_lt_spread
    rng = np.random.default_rng(9)
    eps = 0.1
    for trial in range(6):
        g = random_graph(rng, n=7, m=10, weights="wc" if model == "lt" else "random")
        value = lambda s: ref(g, list(s)) if len(s) else 0.0  # noqa: E731
        _, opt = brute_force_best(g.n, 2, value)
        seeds, info = opim(g, 2, model, eps=eps, seed=trial)
        got = value(seeds.tolist())
        assert got >= (1 - 1 / math.e - eps) * opt
        assert 0.0 < info["approx"] <= 1.0
        assert info["lower_bound"] <= info["upper_bound"]


def test_opim_certified_ratio_is_rarely_above_the_true_ratio():
    # 200 seeded runs: 'approx' claims sigma(S)/OPT >= approx. It may be wrong with probability <= delta.
    # We count runs where approx > the exact ratio and require the count to be plausible under
    # Binomial(200, delta) (0.999 quantile). delta is set large (0.2) so the bound is tight enough to test.
    rng = np.random.default_rng(4)
    g = random_graph(rng, n=7, m=11)
    value = lambda s: exact_ic_spread(g, list(s))  # noqa: E731
    _, opt = brute_force_best(g.n, 2, value)
    delta = 0.2
    cache: dict[tuple, float] = {}
    wrong = 0
    approxes = []
    for run in range(200):
        seeds, info = opim(g, 2, "ic", eps=0.3, delta=delta, seed=1000 + run)
        key = tuple(sorted(seeds.tolist()))
        if key not in cache:
            cache[key] = value(key)
        approxes.append(info["approx"])
        wrong += info["approx"] > cache[key] / opt
    assert wrong <= binom.ppf(0.999, 200, delta)
    assert np.median(approxes) > 0.3  # the bound is informative, not trivially 0


def test_opim_same_seed_same_result_and_vanilla_matches_quality():
    rng = np.random.default_rng(2)
    g = random_graph(rng, n=9, m=12)
    a, ia = opim(g, 2, seed=5)
    b, ib = opim(g, 2, seed=5)
    assert a.tolist() == b.tolist() and ia == ib
    value = lambda s: exact_ic_spread(g, list(s))  # noqa: E731
    _, opt = brute_force_best(g.n, 2, value)
    v, _ = opim(g, 2, seed=5, sampling="vanilla")
    assert value(v.tolist()) >= (1 - 1 / math.e - 0.1) * opt


def test_opim_bad_input():
    g = _hub_graph("wc")
    with pytest.raises(FairbidError, match="delta"):
        opim(g, 2, delta=0.0)
    with pytest.raises(FairbidError, match="sampling"):
        opim(g, 2, sampling="bucket")
    with pytest.raises(FairbidError, match="k"):
        opim(g, 9)
    with pytest.raises(FairbidError, match="eps"):
        select_seeds(g, 2, method="opim", eps=1.5)
    seeds, info = opim(g, 8)
    assert sorted(seeds.tolist()) == list(range(8)) and info["approx"] == 1.0
