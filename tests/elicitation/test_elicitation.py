"""Peer prediction: OA, PTS and DMI expected payments (seed 000) against simulation and hand derivations."""

from __future__ import annotations

from itertools import permutations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.core.errors import FairbidError
from fairbid.elicitation import (
    audit,
    constant,
    expected_payment,
    make_prior,
    permutation,
    random_prior,
    simulate_payments,
    uninformative,
)

# A binary prior by hand: P(same signal) = 0.8, marginal (0.5, 0.5).
BIN = make_prior([[0.4, 0.1], [0.1, 0.4]])


def test_payments_by_hand():
    # OA truthful: P(match) = 0.8. PTS: 0.4/0.5 + 0.4/0.5 - 1 = 0.6. DMI with T = 4 (h = 2, k = 2):
    # c = 2!/0! = 2, det U = 0.16 - 0.01 = 0.15, E = 4 * 0.15^2 = 0.09 (module docstring's formula).
    assert expected_payment("oa", BIN, np.eye(2)) == pytest.approx(0.8)
    assert expected_payment("pts", BIN, np.eye(2)) == pytest.approx(0.6)
    assert expected_payment("dmi", BIN, np.eye(2)) == pytest.approx(0.09)
    # Flipping both reports (a permutation) keeps OA and DMI; always reporting 0 makes OA pay 1 if both do.
    flip = permutation((1, 0))
    assert expected_payment("oa", BIN, flip, flip) == pytest.approx(0.8)
    assert expected_payment("oa", BIN, constant(2, 0), constant(2, 0)) == pytest.approx(1.0)
    assert expected_payment("dmi", BIN, constant(2, 0), constant(2, 0)) == pytest.approx(0.0)


@pytest.mark.parametrize("mechanism", ["oa", "pts", "dmi"])
@pytest.mark.parametrize("which", ["truthful", "perm", "mixed"])
def test_exact_matches_simulation(mechanism, which):
    # Independent check: Monte Carlo of the payment rule itself (count matrices and determinants for DMI)
    # agrees with the closed-form expectation within 4 standard errors.
    prior = random_prior(3, seed=11, accuracy=0.8)
    s = {"truthful": np.eye(3), "perm": permutation((2, 0, 1)),
         "mixed": 0.7 * np.eye(3) + 0.3 * uninformative(np.ones(3))}[which]
    tasks = 8 if mechanism == "dmi" else None
    pay = simulate_payments(mechanism, prior, s, rounds=60_000, tasks=tasks, seed=5)
    exact = expected_payment(mechanism, prior, s, tasks=tasks)
    assert abs(pay.mean() - exact) < 4 * pay.std() / np.sqrt(pay.size) + 1e-12


def _random_strategy(rng, k):
    return rng.dirichlet(np.ones(k) * 0.5, size=k)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 5), st.integers(0, 10_000), st.sampled_from(["noisy-state", "dirichlet"]))
def test_dmi_truthful_dominates(k, seed, kind):
    # Kong (2020): E[DMI] = c det(S_i)^2 det(U)^2 det(S_j)^2, |det S| <= 1 (Hadamard): truth-telling pays at
    # least as much as every permutation, uninformative or mixed strategy, whatever the peer does.
    prior = random_prior(k, kind, seed=seed)
    rng = np.random.default_rng(seed)
    truth = expected_payment("dmi", prior, np.eye(k), np.eye(k))
    peer = _random_strategy(rng, k)
    for perm in permutations(range(k)):
        p = permutation(perm)
        assert expected_payment("dmi", prior, p, p) <= truth * (1 + 1e-9) + 1e-300
        assert expected_payment("dmi", prior, p) == pytest.approx(truth, rel=1e-9)
    for s in (constant(k, 0), uninformative(prior.marginal), _random_strategy(rng, k)):
        assert expected_payment("dmi", prior, s) <= truth * (1 + 1e-9) + 1e-300
        # Dominant, not only an equilibrium: against any peer strategy, truth is at least as good.
        assert expected_payment("dmi", prior, s, peer) <= expected_payment("dmi", prior, np.eye(k), peer) * (1 + 1e-9) + 1e-300
    assert expected_payment("dmi", prior, constant(k, 0), constant(k, 0)) == pytest.approx(0.0, abs=1e-300)


@pytest.mark.parametrize("mechanism", ["oa", "pts"])
def test_unilateral_audit_matches_best_response_condition(mechanism):
    # Brute force over all k^k deterministic strategies (mixed ones are convex combinations, payments linear)
    # against the textbook condition for truthful reporting being a best response to a truthful peer:
    # OA: P(t = s | s) >= P(t = r | s) for all r; PTS: P(t = s | s)/R(s) >= P(t = r | s)/R(r) (self-predicting).
    seen = set()
    for seed in range(12):
        kind, acc = [("noisy-state", 0.97), ("noisy-state", None), ("dirichlet", None)][seed % 3]
        prior = random_prior(3, kind, seed=seed, accuracy=acc)
        cond = prior.conditional
        score = cond if mechanism == "oa" else cond / prior.marginal[None, :]
        expected_truthful_best = bool(np.all(np.diag(score) >= score.max(axis=1) - 1e-12))
        a = audit(prior, mechanism, "unilateral", strategies="all")
        assert a.truthful_best == expected_truthful_best
        seen.add(expected_truthful_best)
    assert seen == {True, False}  # both outcomes occur, so the comparison is not vacuous


def test_collective_uninformative_beats_oa_and_pts_not_dmi():
    # Coordinated "always report the most likely signal" pays OA 1 > P(match), and PTS 1/R(r) - 1, which
    # beats truthful PTS on this prior (by hand: 1/0.5 - 1 = 1 > 0.6); DMI pays it 0.
    for mech, worse in (("oa", True), ("pts", True), ("dmi", False)):
        a = audit(BIN, mech, "collective")
        assert a.truthful_best is (not worse)
    assert audit(BIN, "pts", "collective").best_deviation_payment == pytest.approx(1.0)


def test_bad_priors():
    for joint, text in [([[0.5, 0.5]], "square"), ([[0.5, 0.2], [0.2, 0.2]], "sum to 1"),
                        ([[0.4, 0.2], [0.0, 0.4]], "symmetric"), ([[0.5, -0.1], [-0.1, 0.7]], "non-negative"),
                        ([[1.0, 0.0], [0.0, 0.0]], "positive probability"), ([[np.nan, 0], [0, 1]], "finite")]:
        with pytest.raises(FairbidError, match=text):
            make_prior(joint)
    with pytest.raises(FairbidError, match="--tasks"):
        expected_payment("dmi", BIN, np.eye(2), tasks=3)
    with pytest.raises(FairbidError, match="--tasks"):
        expected_payment("dmi", BIN, np.eye(2), tasks=5)
