"""Group fairness maximisation (GFM) among offline agents (Ma-Xu-Xu, seed 002): LP, brute force, policies.

Every expected value is derived independently of fairbid.online.fairness: vertex enumeration of the LP,
closed forms on stars and paths, the LP-sampling bound, and Monte Carlo against the exact DP.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.core.errors import FairbidError
from fairbid.online.fairness import (
    FAIR_POLICIES,
    attenuate,
    clairvoyant_lp,
    exact_match_rates,
    fairness_lp,
    fairness_report,
    gfm_lp,
    ifm_lp,
    match_rates,
    unit_rates,
)


def _vertex_enumeration(A, r, T, groups, edge_cap, size_norm=True):
    """Max lambda of the GFM LP by enumerating every basic solution (dense, written out by hand)."""
    n, J = A.shape
    ii, jj = np.nonzero(A)
    E = ii.size
    V = E + 1
    rows, rhs = [], []
    for j in range(J):                                    # sum_i x_ij <= T r_j
        rows.append(np.r_[(jj == j).astype(float), 0.0])
        rhs.append(T * r[j])
    for i in range(n):                                    # sum_j x_ij <= 1
        rows.append(np.r_[(ii == i).astype(float), 0.0])
        rhs.append(1.0)
    for g in groups:                                      # lambda w_g - mass(g) <= 0
        rows.append(np.r_[-np.isin(ii, g).astype(float), len(g) if size_norm else 1.0])
        rhs.append(0.0)
    for e in range(V):                                    # -v <= 0
        rows.append(-np.eye(V)[e])
        rhs.append(0.0)
    rows.append(np.eye(V)[E])                             # lambda <= 1
    rhs.append(1.0)
    if edge_cap:
        for e in range(E):
            rows.append(np.eye(V)[e])
            rhs.append(1 - (1 - r[jj[e]]) ** T)
    M, b = np.array(rows), np.array(rhs)
    best = -np.inf
    subsets = np.array(list(combinations(range(len(rows)), V)))
    Ms, bs = M[subsets], b[subsets]
    ok = np.abs(np.linalg.det(Ms)) > 1e-9
    sol = np.linalg.solve(Ms[ok], bs[ok][..., None])[..., 0]
    feas = np.all(sol @ M.T <= b + 1e-9, axis=1)
    best = sol[feas, -1].max()
    return best


@st.composite
def _tiny(draw):
    n = draw(st.integers(1, 3))
    J = draw(st.integers(1, 2))
    bits = draw(st.lists(st.booleans(), min_size=n * J, max_size=n * J))
    A = np.array(bits, dtype=bool).reshape(n, J)
    for i in range(n):
        if not A[i].any():
            A[i, draw(st.integers(0, J - 1))] = True
    if A.sum() > 4:                                       # keep vertex enumeration small
        A[np.nonzero(A)[0][4:], np.nonzero(A)[1][4:]] = False
        A[np.arange(n), A.argmax(axis=1)] = True
    w = np.array(draw(st.lists(st.integers(1, 5), min_size=J, max_size=J)), dtype=float)
    T = draw(st.integers(1, 4))
    labels = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n))
    groups = [[i for i in range(n) if labels[i] == k] for k in (0, 1) if k in labels]
    return A, w / w.sum(), T, groups


@settings(max_examples=25, deadline=None)
@given(_tiny(), st.booleans())
def test_lp_equals_vertex_enumeration(inst, edge_cap):
    # The LP optimum is attained at a basic feasible solution: the best vertex found by brute force
    # (all square subsystems of the constraints, written out independently) must equal HiGHS's value.
    A, r, T, groups = inst
    lam = gfm_lp(A, r, T, groups, edge_cap=edge_cap)["lambda"]
    assert lam == pytest.approx(_vertex_enumeration(A, r, T, groups, edge_cap), abs=1e-7)
    lam_i = ifm_lp(A, r, T, edge_cap=edge_cap)["lambda"]
    assert lam_i == pytest.approx(_vertex_enumeration(A, r, T, [[i] for i in range(A.shape[0])], edge_cap), abs=1e-7)


@pytest.mark.parametrize("n,T,sizes", [(4, 2, (1, 3)), (5, 3, (2, 3)), (3, 7, (1, 1, 1))])
def test_star_closed_form(n, T, sizes):
    # One type (r = 1), n agents, T arrivals, groups partitioning the agents: at most min(T, n) matches,
    # spread evenly, so lambda* = min(1, T/n) for size-normalised groups; the clairvoyant optimum is the same
    # (arrivals are deterministic); greedy matches min(T, n) agents uniformly, every agent at min(T, n)/n.
    groups, start = [], 0
    for s in sizes:
        groups.append(list(range(start, start + s)))
        start += s
    A = np.ones((n, 1))
    lam = gfm_lp(A, [1.0], T, groups)["lambda"]
    assert lam == pytest.approx(min(1.0, T / n))
    assert clairvoyant_lp(A, [1.0], T, groups)["lambda"] == pytest.approx(min(1.0, T / n))
    m = exact_match_rates(A, [1.0], T, "greedy")
    assert np.allclose(m, min(T, n) / n)
    # group_norm "none": min over groups of expected matches. Group g holds at most |g| matches and all
    # groups together at most min(T, n), so lambda* = min(min_g |g|, min(T, n) / G) (equal split).
    lam_none = gfm_lp(A, [1.0], T, groups, group_norm="none")["lambda"]
    assert lam_none == pytest.approx(min(min(sizes), min(T, n) / len(sizes)))


def test_uncapped_lp_defeats_any_policy():
    # Why the default LP has the edge cap: agent 0's only type arrives with probability r = 1/T per round,
    # so the uncapped LP gives it x = T r = 1, but any policy (even clairvoyant) matches it with probability
    # P(type arrives at least once) = 1 - (1 - 1/T)^T. At T = 20 that is 0.6415 < 0.719: no algorithm can
    # reach the paper's 0.719 against the uncapped LP (so it is not the paper's benchmark, or not alone).
    T = 20
    A = np.array([[1, 0], [0, 1]])
    r = np.array([1 / T, 1 - 1 / T])
    closed = 1 - (1 - 1 / T) ** T
    assert ifm_lp(A, r, T, edge_cap=False)["lambda"] == pytest.approx(1.0)
    assert ifm_lp(A, r, T, edge_cap=True)["lambda"] == pytest.approx(closed)
    assert clairvoyant_lp(A, r, T, max_vectors=100)["lambda"] == pytest.approx(closed, abs=1e-9)
    for p in FAIR_POLICIES:
        best = exact_match_rates(A, r, T, p, edge_cap=False).min()
        assert best <= closed + 1e-12 < 0.719


@settings(max_examples=20, deadline=None)
@given(_tiny())
def test_lp_bounds_clairvoyant_bounds_policies(inst):
    # For any policy x_ij = E[matches(i, j)] is LP-feasible, and the clairvoyant optimum (brute force over
    # arrival-count vectors) is itself a policy, so: policy <= clairvoyant <= capped LP <= uncapped LP.
    A, r, T, groups = inst
    cap = gfm_lp(A, r, T, groups)["lambda"]
    unc = gfm_lp(A, r, T, groups, edge_cap=False)["lambda"]
    clair = clairvoyant_lp(A, r, T, groups)["lambda"]
    assert clair <= cap + 1e-8 <= unc + 2e-8
    for p in FAIR_POLICIES:
        best = unit_rates(exact_match_rates(A, r, T, p, groups=groups), groups).min()
        assert best <= clair + 1e-8


@settings(max_examples=20, deadline=None)
@given(_tiny())
def test_sampling_keeps_lp_sampling_bound(inst):
    # Non-boosted sampling: agent i is hit in a round w.p. x_i / T independently, so
    # P(i matched) = 1 - (1 - x_i/T)^T (closed form), which is concave in x_i in [0, 1] and so
    # >= x_i (1 - (1 - 1/T)^T); summing over a group: ratio >= 1 - (1 - 1/T)^T >= 1 - 1/e. Ratios <= 1.
    A, r, T, groups = inst
    lp = gfm_lp(A, r, T, groups)
    xi = lp["x"].sum(axis=1)
    m = exact_match_rates(A, r, T, "sampling", lp["x"])
    assert np.allclose(m, 1 - (1 - xi / T) ** T, atol=1e-12)
    if lp["lambda"] > 1e-9:
        ratio = unit_rates(m, groups).min() / lp["lambda"]
        assert 1 - (1 - 1 / T) ** T - 1e-9 <= ratio <= 1 + 1e-9


@pytest.mark.parametrize("policy", ["boosted", "attenuated", "greedy"])
def test_exact_dp_matches_simulation(policy):
    # The DP over matched sets and the numba agent-level simulation are independent codes for the same
    # process; 40000 runs: stderr <= 0.0025 per agent, tolerance 0.012 (~4.8 sigma).
    rng = np.random.default_rng(7)
    A = rng.random((7, 4)) < 0.45
    A[np.arange(7), rng.integers(0, 4, 7)] = True
    r = rng.dirichlet(np.ones(4))
    groups = [[0, 1, 2], [3, 4], [5, 6]]
    lp = gfm_lp(A, r, 5, groups)
    kw = dict(lam=lp["lambda"], groups=groups)
    exact = exact_match_rates(A, r, 5, policy, lp["x"], **kw)
    sim = match_rates(A, r, 5, policy, reps=40000, x=lp["x"], seed=3, **kw)
    assert np.max(np.abs(exact - sim)) < 0.012


def test_path_closed_form_and_disparity():
    # Agent 0 sees type 0 only, agent 1 sees types 0 and 1, r = (1/2, 1/2), T = 1. Capped LP:
    # x_00 <= 1/2, x_11 <= 1/2, lambda* = 1/2 (x_00 = x_11 = 1/2). Boosted sends type 0 to agent 0 and
    # type 1 to agent 1: rates (1/2, 1/2), ratio 1, disparity 0. Greedy: type 0 picks uniformly, so rates
    # (1/4, 3/4): min 1/4, ratio 1/2, disparity 1/2. Groups {0}, {1} make GFM equal to IFM here.
    A = np.array([[1, 0], [1, 1]])
    rep = fairness_report(A, [0.5, 0.5], 1, objective="group", groups=[[0], [1]])
    assert rep["lambda_lp"] == pytest.approx(0.5)
    assert rep["boosted"]["ratio"] == pytest.approx(1.0) and rep["boosted"]["disparity"] == pytest.approx(0.0)
    assert rep["greedy"]["min_rate"] == pytest.approx(0.25) and rep["greedy"]["ratio"] == pytest.approx(0.5)
    assert rep["greedy"]["disparity"] == pytest.approx(0.5)
    assert rep["greedy"]["total"] == pytest.approx(1.0)
    # One group of both agents: its rate is (total matches) / 2 = 1/2 for every policy here (every
    # arrival is matched), and the LP allows 1/2 as well.
    rep1 = fairness_report(A, [0.5, 0.5], 1, objective="group", groups=[[0, 1]])
    for p in ("boosted", "greedy"):
        assert rep1[p]["min_rate"] == pytest.approx(0.5) and rep1[p]["disparity"] == pytest.approx(0.0)


@settings(max_examples=20, deadline=None)
@given(_tiny())
def test_attenuation_keeps_each_unit_at_lambda(inst):
    # The "mass" rule scales agent rows down (never up) and leaves every group with LP mass >= lambda* w_g;
    # with singleton units (IFM) every agent with positive mass keeps exactly lambda*.
    A, r, T, groups = inst
    lp = gfm_lp(A, r, T, groups)
    xa = attenuate(lp["x"], lp["lambda"], groups)
    assert np.all(xa <= lp["x"] + 1e-12)
    mass = xa.sum(axis=1)
    for g in groups:
        assert mass[g].sum() >= lp["lambda"] * len(g) - 1e-9
    li = ifm_lp(A, r, T)
    xi = attenuate(li["x"], li["lambda"])
    pos = li["x"].sum(axis=1) > 0
    assert np.allclose(xi.sum(axis=1)[pos], li["lambda"])


def test_bad_groups():
    A = np.ones((3, 2))
    r = [0.5, 0.5]
    for bad in ([], [[]], [[0, 3]], [[0, 0]], [["a"]], [[True]], "01", [[0.5]]):
        with pytest.raises(FairbidError):
            gfm_lp(A, r, 2, bad)
    with pytest.raises(FairbidError):
        fairness_report(A, r, 2, objective="group")
    with pytest.raises(FairbidError):
        fairness_report(A, r, 2, objective="individual", groups=[[0]])
    with pytest.raises(FairbidError):
        fairness_report(A, r, 2, objective="group", groups=[[0]], attenuation="strong")
    with pytest.raises(FairbidError):
        exact_match_rates(np.ones((15, 1)), [1.0], 2)


# ------------------------------------------------------------------------------------------------------
# CLI: fairbid online fairness --objective group --instance FILE
# ------------------------------------------------------------------------------------------------------
def _cli(argv, capsys):
    import json

    from fairbid.cli.main import main

    code = main(argv)
    cap = capsys.readouterr()
    return code, (json.loads(cap.out) if code == 0 else None), cap.err


def test_cli_group_instance_closed_form(tmp_path, capsys):
    # The path instance of test_path_closed_form_and_disparity, through a JSON file.
    import json

    f = tmp_path / "inst.json"
    f.write_text(json.dumps({"adj": [[1, 0], [1, 1]], "rates": [0.5, 0.5], "groups": [[0], [1]]}))
    code, res, _ = _cli(["online", "fairness", "--objective", "group", "--instance", str(f), "--rounds", "1",
                         "--json"], capsys)
    assert code == 0
    assert res["lambda_lp"] == pytest.approx(0.5) and res["method"] == "exact"
    assert res["greedy"]["ratio"] == pytest.approx(0.5) and res["greedy"]["disparity"] == pytest.approx(0.5)
    assert res["boosted"]["ratio"] == pytest.approx(1.0)


@pytest.mark.parametrize("doc,extra", [
    ({"adj": [[1, 0], [1]], "rates": [0.5, 0.5], "groups": [[0]]}, []),             # ragged rows
    ({"adj": [[1, 0], [1, 2]], "rates": [0.5, 0.5], "groups": [[0]]}, []),          # not 0/1
    ({"adj": [[1, 0], [1, 1]], "rates": [0.5, 0.6], "groups": [[0]]}, []),          # rates sum != 1
    ({"adj": [[1, 0], [1, 1]], "rates": [0.5], "groups": [[0]]}, []),               # wrong length
    ({"adj": [[1, 0], [1, 1]], "rates": [0.5, 0.5], "groups": [[0, 2]]}, []),       # index out of range
    ({"adj": [[1, 0], [1, 1]], "rates": [0.5, 0.5], "groups": [[0, 0]]}, []),       # duplicate
    ({"adj": [[1, 0], [1, 1]], "rates": [0.5, 0.5], "groups": [[]]}, []),           # empty group
    ({"adj": [[1, 0], [1, 1]], "rates": [0.5, 0.5], "groups": "ab"}, []),           # wrong type
    ({"adj": [[1, 0], [1, 1]], "rates": [0.5, 0.5]}, []),                           # group objective, no groups
    ({"adj": [[1, 0], [1, 1]], "rates": [0.5, 0.5], "groups": [[0]], "x": 1}, []),  # unknown field
    ({"adj": [[1, 0], [1, 1]], "rates": [0.5, 0.5], "groups": [[0]]}, ["--offline", "2"]),  # other mode
    ({"adj": [[1, 0], [1, 1]], "rates": [0.5, 0.5], "groups": [[0]]}, ["--method", "exactly"]),
])
def test_cli_bad_instance_one_line(tmp_path, capsys, doc, extra):
    import json

    f = tmp_path / "inst.json"
    f.write_text(json.dumps(doc))
    code, _, err = _cli(["online", "fairness", "--objective", "group", "--instance", str(f), *extra, "--json"],
                        capsys)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error:")


def test_cli_individual_refuses_groups(tmp_path, capsys):
    import json

    f = tmp_path / "inst.json"
    f.write_text(json.dumps({"adj": [[1]], "rates": [1.0], "groups": [[0]]}))
    for argv in (["--instance", str(f)], ["--groups", "2"], ["--group-norm", "none"]):
        code, _, err = _cli(["online", "fairness", *argv, "--json"], capsys)
        assert code == 2 and err.strip().startswith("error:")


# Instances found by a local search (random restarts, hill-climbing on rates and edges, exact DP ratios).
_IFM_BAD = (np.array([[0, 0, 1, 0, 1], [0, 1, 1, 1, 0], [1, 1, 1, 1, 0], [1, 0, 1, 1, 1], [1, 0, 1, 0, 1],
                      [1, 0, 0, 1, 1]], dtype=bool), np.array([0.0683, 0.0198, 0.7839, 0.0691, 0.0589]), 6, None)
_GFM_BAD = (np.array([[0, 0, 1, 0, 1], [1, 0, 1, 1, 1], [0, 0, 0, 1, 0], [1, 0, 0, 1, 1], [0, 1, 1, 1, 0]],
                     dtype=bool), np.array([0.1711, 0.7577, 0.0097, 0.0088, 0.0527]), 6, [[0, 3, 4], [1, 2]])


@pytest.mark.parametrize("inst,paper", [(_IFM_BAD, 0.725), (_GFM_BAD, 0.719)])
def test_our_attenuation_misses_paper_ratio(inst, paper):
    # What is not claimed, shown: with our LP (edge-capped), plain boosting and boosting after the "mass"
    # rule fall below the paper's guarantee on these instances, by the exact DP and by Monte Carlo (30000
    # runs, stderr of a unit rate <= 0.003, margin > 0.015). The paper's own LP / attenuation may differ.
    A, r, T, groups = inst
    r = r / r.sum()
    lp = fairness_lp(A, r, T, groups)
    for p, att in (("boosted", "none"), ("attenuated", "mass")):
        kw = dict(lam=lp["lambda"], groups=groups, attenuation=att)
        exact = unit_rates(exact_match_rates(A, r, T, p, lp["x"], **kw), groups).min() / lp["lambda"]
        mc = unit_rates(match_rates(A, r, T, p, reps=30000, x=lp["x"], seed=11, **kw), groups).min() / lp["lambda"]
        assert exact < paper - 0.015 and mc < paper - 0.005
        assert abs(exact - mc) < 0.015


@pytest.mark.parametrize("inst,paper", [(_IFM_BAD, 0.725), (_GFM_BAD, 0.719)])
def test_balance_attenuation_lifts_bad_instances(inst, paper):
    # The DP-balanced factors lift both instances above the paper's number (instance-level fact, not a
    # guarantee); no policy can beat the clairvoyant optimum (brute force), which balance reaches on the
    # IFM instance up to 1e-3. Monte Carlo (30000 runs) confirms the exact value.
    A, r, T, groups = inst
    r = r / r.sum()
    lp = fairness_lp(A, r, T, groups)
    clair = clairvoyant_lp(A, r, T, groups)["lambda"] / lp["lambda"]
    kw = dict(lam=lp["lambda"], groups=groups, attenuation="balance")
    exact = unit_rates(exact_match_rates(A, r, T, "attenuated", lp["x"], **kw), groups).min() / lp["lambda"]
    mc = unit_rates(match_rates(A, r, T, "attenuated", reps=30000, x=lp["x"], seed=5, **kw), groups).min()
    assert paper < exact <= clair + 1e-9
    assert abs(mc / lp["lambda"] - exact) < 0.015
    if groups is None:
        assert exact == pytest.approx(clair, abs=1e-3)
