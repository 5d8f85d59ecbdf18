"""One-sided Kakimura-Zhu mechanisms (seed 002): only side A initiates matches.

Exact chain (fairbid.online.dynamic.markov_loss) against closed forms derived here, a hand-built generator,
and the agent-level simulation; the abstract's claims shown numerically.
"""

from __future__ import annotations

import numpy as np
import pytest

from fairbid.core.errors import FairbidError
from fairbid.online.dynamic import markov_loss, simulate_market


def _greedy_1sided_b_law(m, d, kmax=400):
    # Under greedy-1sided the B count is autonomous: B arrives at rate m; it drops by one when an arriving
    # A finds a compatible B (rate m (1 - (1 - p)^b)) or a B perishes (rate b). Birth-death detailed
    # balance: pi(b+1) / pi(b) = m / (m (1 - (1-p)^(b+1)) + b + 1).
    p = d / m
    b = np.arange(kmax)
    ratios = m / (m * (1 - (1 - p) ** b[1:]) + b[1:])
    pi = np.concatenate([[1.0], np.cumprod(ratios)])
    return b, pi / pi.sum(), p


@pytest.mark.parametrize("m,d", [(5.0, 1.0), (10.0, 2.0), (10.0, 6.0)])
def test_greedy_1sided_closed_form(m, d):
    # Unmatched agents: every waiting B perishes at rate 1 (rate E[b]); an A who fails on arrival
    # (rate m E[(1-p)^b]) waits and perishes unmatched. Little's law: E[a] = m E[(1-p)^b].
    b, pi, p = _greedy_1sided_b_law(m, d)
    Eb = float(pi @ b)
    Eq = float(pi @ (1 - p) ** b)
    res = markov_loss("greedy-1sided", m=m, d=d)
    assert res["edge_mass"] < 1e-15
    assert res["mean_waiting_b"] == pytest.approx(Eb, rel=1e-9)
    assert res["mean_waiting_a"] == pytest.approx(m * Eq, rel=1e-9)
    assert res["unmatched_fraction"] == pytest.approx((m * Eq + Eb) / (2 * m), rel=1e-9)


def test_two_state_b_chain_and_hand_built_generator():
    # cap = 1: the B count of greedy-1sided is a 2-state chain, 0 -> 1 at rate m, 1 -> 0 at rate m p + 1
    # (an arriving A is compatible with the one B w.p. p, or the B perishes): pi(1) = m / (m + m p + 1).
    m, d = 3.0, 1.5
    p = d / m
    assert markov_loss("greedy-1sided", m=m, d=d, cap=1)["mean_waiting_b"] == pytest.approx(m / (m + m * p + 1),
                                                                                          rel=1e-12)
    # patient-1sided, cap = 1, states (a, b) in {0,1}^2, generator written out by hand (arrivals at the cap
    # are blocked; a critical A matches the B w.p. p; a critical B perishes).
    S = {(0, 0): 0, (0, 1): 1, (1, 0): 2, (1, 1): 3}
    Q = np.zeros((4, 4))
    Q[S[0, 0], S[1, 0]] = m
    Q[S[0, 0], S[0, 1]] = m
    Q[S[1, 0], S[1, 1]] = m
    Q[S[1, 0], S[0, 0]] = 1.0               # critical A, no B: perishes
    Q[S[0, 1], S[1, 1]] = m
    Q[S[0, 1], S[0, 0]] = 1.0               # critical B perishes
    Q[S[1, 1], S[0, 0]] = p                 # critical A matches the B
    Q[S[1, 1], S[0, 1]] = 1 - p             # critical A perishes, B stays
    Q[S[1, 1], S[1, 0]] = 1.0               # critical B perishes
    np.fill_diagonal(Q, -Q.sum(axis=1))
    M = np.vstack([Q.T, np.ones(4)])
    pi = np.linalg.lstsq(M, np.r_[np.zeros(4), 1.0], rcond=None)[0]
    loss_rate = pi[S[1, 0]] * 1 + pi[S[0, 1]] * 1 + pi[S[1, 1]] * ((1 - p) + 1)
    res = markov_loss("patient-1sided", m=m, d=d, cap=1)
    assert res["unmatched_fraction"] == pytest.approx(loss_rate / (2 * m), rel=1e-12)


def test_patient_1sided_initiators_are_poisson():
    # Under patient-1sided every A leaves at rate 1 whatever happens (match or perish) and nothing else
    # removes her: the A count is M/M/inf, stationary Poisson(m), mean m.
    res = markov_loss("patient-1sided", m=10.0, d=3.0)
    assert res["mean_waiting_a"] == pytest.approx(10.0, rel=1e-9)


@pytest.mark.parametrize("mech", ["greedy-1sided", "patient-1sided"])
def test_markov_matches_simulation(mech):
    # Exact chain vs agent-level event simulation (explicit lifetimes and compatibility coins), 3 fixed
    # seeds, horizon 2000: ~40000 arrivals each, binomial stderr ~0.0025 per run; tolerance 0.012.
    exact = markov_loss(mech, m=10, d=2)["unmatched_fraction"]
    sims = [simulate_market(mech, m=10, d=2, horizon=2000, seed=s)["unmatched_fraction"] for s in range(3)]
    assert abs(np.mean(sims) - exact) < 0.012


@pytest.mark.parametrize("m,d", [(10.0, 1.0), (10.0, 4.0), (20.0, 8.0)])
def test_one_sided_greedy_equals_patient(m, d):
    # Abstract: with one-sided initiation, waiting (Patient) is worth nothing. Here it is exact: in both
    # mechanisms the B pool is hit by a Poisson(m) stream of one-shot initiator attempts (arrivals under
    # greedy; under patient, the departures of an M/M/inf queue, Poisson(m) by Burke's theorem), each
    # matching w.p. 1 - (1-p)^b, so the B law, and with it the loss E[b]/m, coincide.
    g = markov_loss("greedy-1sided", m=m, d=d)
    p = markov_loss("patient-1sided", m=m, d=d)
    assert p["unmatched_fraction"] == pytest.approx(g["unmatched_fraction"], rel=1e-9)
    assert p["mean_waiting_b"] == pytest.approx(g["mean_waiting_b"], rel=1e-9)
    assert g["unmatched_fraction"] == pytest.approx(g["mean_waiting_b"] / m, rel=1e-9)


def test_two_sided_patient_exponentially_better_one_sided_not():
    # Two-sided: the patient/greedy loss ratio falls steadily with d (abstract: exponentially, as m -> inf;
    # at m = 20 the fall slows for large d, a finite-market effect shown in the online.dynamic experiment).
    # One-sided: the ratio is exactly 1 at every d (see test_one_sided_greedy_equals_patient).
    m = 20.0
    ds = (1.0, 2.0, 4.0, 8.0)
    r2 = [markov_loss("patient", m, d)["unmatched_fraction"] / markov_loss("greedy", m, d)["unmatched_fraction"]
          for d in ds]
    assert all(b < a for a, b in zip(r2, r2[1:])) and r2[0] < 1
    for d in ds:
        r1 = (markov_loss("patient-1sided", m, d)["unmatched_fraction"]
              / markov_loss("greedy-1sided", m, d)["unmatched_fraction"])
        assert r1 == pytest.approx(1.0, rel=1e-9)


def test_bad_inputs():
    with pytest.raises(FairbidError):
        markov_loss("greedy-2sided", m=10, d=2)
    with pytest.raises(FairbidError):
        simulate_market("patient-1sided", m=10, d=11)
